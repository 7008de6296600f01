/**
 * A small encrypted key-value file for credentials. The cipher is injected:
 * Electron's safeStorage (OS keychain / DPAPI) in the desktop app, AES-256-GCM
 * with a per-install key file in the headless host used for development and tests.
 * Writes go to a temporary file then rename, so a killed process leaves the old
 * file intact rather than half a file.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface SecretCipher {
  encrypt(plain: string): Promise<Buffer>;
  decrypt(sealed: Buffer): Promise<string>;
}

export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export async function writeFileAtomic(path: string, data: Buffer | string, mode = 0o600): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode });
  await rename(temporary, path);
}

export function createFileSecretStore(file: string, cipher: SecretCipher): SecretStore {
  let queue: Promise<unknown> = Promise.resolve();
  // Serialise writes so two quick `set`s cannot interleave read-modify-write.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function readAll(): Promise<Record<string, string>> {
    let sealed: Buffer;
    try {
      sealed = await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
    return JSON.parse(await cipher.decrypt(sealed)) as Record<string, string>;
  }

  async function writeAll(values: Record<string, string>): Promise<void> {
    await writeFileAtomic(file, await cipher.encrypt(JSON.stringify(values)));
  }

  return {
    get: (key) => serial(async () => (await readAll())[key] ?? null),
    set: (key, value) =>
      serial(async () => {
        const all = await readAll();
        all[key] = value;
        await writeAll(all);
      }),
    delete: (key) =>
      serial(async () => {
        const all = await readAll();
        delete all[key];
        await writeAll(all);
      }),
  };
}

/** AES-256-GCM with a random key kept beside the data (headless host only). */
export async function keyFileCipher(dataDir: string): Promise<SecretCipher> {
  const keyPath = join(dataDir, 'secrets.key');
  let key: Buffer;
  try {
    key = await readFile(keyPath);
  } catch {
    key = randomBytes(32);
    await writeFileAtomic(keyPath, key);
  }
  return {
    async encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decrypt(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
