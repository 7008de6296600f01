import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileSecretStore, keyFileCipher } from './secrets';

describe('the secrets store', () => {
  it('keeps values encrypted at rest and reads them back after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const store = createFileSecretStore(join(dir, 'secrets.bin'), await keyFileCipher(dir));
    await Promise.all([store.set('gateway.token', 'tok-secret-123'), store.set('device.key', 'dk-456')]);
    expect(readFileSync(join(dir, 'secrets.bin')).toString('latin1')).not.toContain('tok-secret-123');
    const again = createFileSecretStore(join(dir, 'secrets.bin'), await keyFileCipher(dir));
    expect(await again.get('gateway.token')).toBe('tok-secret-123');
    expect(await again.get('device.key')).toBe('dk-456');
    await again.delete('device.key');
    expect(await again.get('device.key')).toBeNull();
    expect(await again.get('never.set')).toBeNull();
  });

  it('refuses a tampered file instead of returning altered secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secrets-'));
    const store = createFileSecretStore(join(dir, 'secrets.bin'), await keyFileCipher(dir));
    await store.set('gateway.token', 'tok');
    const sealed = readFileSync(join(dir, 'secrets.bin'));
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 0xff;
    writeFileSync(join(dir, 'secrets.bin'), sealed);
    await expect(store.get('gateway.token')).rejects.toThrow(/authenticate/);
  });
});
