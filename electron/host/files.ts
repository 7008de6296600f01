import { join } from 'node:path';
import type { SavedFile } from '../bridge/contract';
import { writeFileAtomic } from './secrets';

/** Keeps a renderer-chosen name inside the export folder: no separators, no dot-files. */
export function safeFileName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must not reach a file name
    .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_')
    .replace(/^\.+/, '_')
    .trim();
  return cleaned.slice(0, 120) || 'export';
}

export async function saveExport(dataDir: string, name: string, base64: string): Promise<SavedFile> {
  const path = join(dataDir, 'exports', safeFileName(name));
  const bytes = Buffer.from(base64, 'base64');
  await writeFileAtomic(path, bytes, 0o644);
  return { path, bytes: bytes.length };
}
