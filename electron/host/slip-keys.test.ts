import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalSlip, registrationProblem, verifySlipSignature } from '../../sync/protocol/referral/slip';
import { sampleSlipContent } from '../../sync/protocol/referral/slip/testing';
import type { DeviceHost } from './devices/device-host';
import { createFileSecretStore, keyFileCipher } from './secrets';
import { createHostServices } from './services';
import { createSlipKeys, SLIP_SECRET, SlipSigningRefused } from './slip-keys';

async function secretsIn(dir: string) {
  return createFileSecretStore(join(dir, 'secrets.bin'), await keyFileCipher(dir));
}

describe("the workstation's slip key", () => {
  it('is made once, sealed at rest, and the same after a restart; only the public half comes out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slip-keys-'));
    const first = createSlipKeys(await secretsIn(dir));
    const [a, b] = await Promise.all([first.key(), first.key()]);
    expect(a).toEqual(b);
    expect(Object.keys(a).sort()).toEqual(['createdAt', 'keyId', 'publicKey']);
    const stored = JSON.parse((await (await secretsIn(dir)).get(SLIP_SECRET)) ?? '{}') as {
      privateKey: string;
    };
    expect(stored.privateKey).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'secrets.bin')).toString('latin1')).not.toContain(stored.privateKey);
    expect(await createSlipKeys(await secretsIn(dir)).key()).toEqual(a);
  });

  it('signs canonical slip texts and refuses to sign anything else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slip-keys-'));
    const keys = createSlipKeys(await secretsIn(dir));
    const text = canonicalSlip(sampleSlipContent());
    const { keyId, signature } = await keys.sign(text);
    const key = await keys.key();
    expect(keyId).toBe(key.keyId);
    expect(verifySlipSignature(text, signature, key.publicKey)).toBe(true);
    await expect(keys.sign('transfer 1000 yuan')).rejects.toBeInstanceOf(SlipSigningRefused);
    await expect(keys.sign(`${text} `)).rejects.toThrow(/canonical/);
  });

  it('proves possession for the county registration', async () => {
    const keys = createSlipKeys(await secretsIn(mkdtempSync(join(tmpdir(), 'slip-keys-'))));
    const registration = await keys.register('facility-1');
    expect(registrationProblem('facility-1', registration)).toBeNull();
    expect(registrationProblem('facility-2', registration)).toMatch(/proof/);
  });
});

describe('rotating the key the county retired', () => {
  it('makes a new key once, drops the retired one for good, and signs only with the new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slip-keys-'));
    const keys = createSlipKeys(await secretsIn(dir));
    const retired = await keys.key();
    // Two panels noticing the retirement at once make one new key, not two.
    const [a, b] = await Promise.all([keys.rotate(retired.keyId), keys.rotate(retired.keyId)]);
    expect(a).toEqual(b);
    expect(a.keyId).not.toBe(retired.keyId);
    const text = canonicalSlip(sampleSlipContent());
    const signed = await keys.sign(text);
    expect(signed.keyId).toBe(a.keyId);
    expect(verifySlipSignature(text, signed.signature, a.publicKey)).toBe(true);
    // A restart keeps the new key; the retired private half is nowhere in the store.
    const reopened = createSlipKeys(await secretsIn(dir));
    expect(await reopened.key()).toEqual(a);
    expect(await (await secretsIn(dir)).get(SLIP_SECRET)).not.toContain(retired.publicKey);
    // A late call naming the old key changes nothing.
    expect(await reopened.rotate(retired.keyId)).toEqual(a);
  });

  it('keeps the key when the store cannot take the new one, and tries again next time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slip-keys-'));
    const store = await secretsIn(dir);
    const keys = createSlipKeys(store);
    const current = await keys.key();
    const set = store.set;
    store.set = async () => {
      throw new Error('disk full');
    };
    await expect(keys.rotate(current.keyId)).rejects.toThrow(/disk full/);
    expect(await keys.key()).toEqual(current);
    store.set = set;
    expect((await keys.rotate(current.keyId)).keyId).not.toBe(current.keyId);
  });
});

describe('the host services around slips', () => {
  async function services(dir: string) {
    return createHostServices({
      info: {
        name: 'Xiangyi',
        version: 'test',
        shell: 'headless',
        platform: 'linux',
        arch: 'x64',
        dataDir: dir,
        countyGatewayUrl: 'http://127.0.0.1:1',
      },
      secrets: await secretsIn(dir),
      htmlToPdf: async () => Buffer.from('%PDF-'),
      devices: {} as DeviceHost,
    });
  }

  it('never hands the private key to the renderer through the secrets bridge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slip-services-'));
    const bridge = await services(dir);
    await bridge.slip.key();
    await expect(bridge.secrets.get(SLIP_SECRET)).rejects.toThrow(/kept by the host/);
    await expect(bridge.secrets.set(SLIP_SECRET, '{}')).rejects.toThrow(/kept by the host/);
    await expect(bridge.secrets.delete(SLIP_SECRET)).rejects.toThrow(/kept by the host/);
    await bridge.secrets.set('county.link', 'x');
    expect(await bridge.secrets.get('county.link')).toBe('x');
  });

  it('says plainly that the headless host has no OS printer', async () => {
    const bridge = await services(mkdtempSync(join(tmpdir(), 'slip-services-')));
    expect(await bridge.printing.printers()).toEqual([]);
    expect(await bridge.printing.printHtml('<p>slip</p>', { pageSize: 'A5', landscape: false })).toEqual({
      ok: false,
      reason: 'no-printer',
      detail: expect.stringMatching(/headless host.*save the PDF/),
    });
  });
});
