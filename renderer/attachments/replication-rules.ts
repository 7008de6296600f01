/**
 * How `attachments` documents ride the ordinary replication: as metadata only.
 * The file bytes go by their own route (uploader.ts / downloader.ts), so the
 * document is sent with RxDB's attachment entries but not their data, only by its owner (a
 * receiving clinic that stored downloaded bytes has nothing to send), and a
 * pulled document carries the entries of the bytes stored here, never another
 * clinic's (their data is not here).
 */
import type { ClinicDatabase } from '../store/database';

type WithFiles = Record<string, unknown> & { id: string; facilityId?: unknown; _attachments?: unknown };

/**
 * The document as pushed, or null when this facility does not own it. The
 * attachment entries go without their data: their digests still make storing
 * the bytes a change the county records (and stamps back).
 */
export function metadataToPush<T extends WithFiles>(doc: T, facilityId: string): T | null {
  if (doc.facilityId !== facilityId) return null;
  const files = (doc._attachments ?? {}) as Record<string, { digest: string; length: number; type: string }>;
  const entries = Object.fromEntries(
    Object.entries(files).map(([id, { digest, length, type }]) => [id, { digest, length, type }]),
  );
  return { ...doc, _attachments: entries };
}

/** A pulled document with the local attachment entries (none if the bytes are not here). */
export async function keepLocalFiles<T extends WithFiles>(db: ClinicDatabase, doc: T): Promise<T> {
  const [local] = await db.attachments.storageInstance.findDocumentsById([doc.id], true);
  return { ...doc, _attachments: local?._attachments ?? {} };
}
