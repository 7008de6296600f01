/** The verifier command on a retired key: what a receiving hospital reads at the counter. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalSlip,
  encodeSlipPayload,
  signSlipText,
  slipKeyPairFrom,
} from '../sync/protocol/referral/slip';
import { sampleSlipContent } from '../sync/protocol/referral/slip/testing';
import { keysFromJson, run } from './verify-slip';

const key = slipKeyPairFrom(new Uint8Array(32).fill(5));
const retiredAt = new Date(2026, 10, 23, 8, 0).toISOString();

function code(issuedAt: string): string {
  const text = canonicalSlip(sampleSlipContent({ issuedAt }));
  return encodeSlipPayload({ text, keyId: key.keyId, signature: signSlipText(text, key) });
}

function keysFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'verify-slip-')), 'facilities.json');
  writeFileSync(
    file,
    JSON.stringify([
      {
        code: '450881123',
        name: '石龙镇中心卫生院',
        slipKeys: [
          { keyId: key.keyId, publicKey: key.publicKey, registeredAt: '2026-01-01T00:00:00Z', retiredAt },
        ],
      },
    ]),
  );
  return file;
}

describe('verify-slip with a retired key', () => {
  it('reads the retirement from facility documents and from a plain key list', () => {
    expect(keysFromJson([{ code: 'X', slipKeys: [{ ...key, registeredAt: '', retiredAt }] }])).toEqual([
      { keyId: key.keyId, publicKey: key.publicKey, facilityCode: 'X', retiredAt },
    ]);
    expect(
      keysFromJson([{ keyId: key.keyId, publicKey: key.publicKey, facilityCode: 'X', retiredAt }]),
    ).toEqual([{ keyId: key.keyId, publicKey: key.publicKey, facilityCode: 'X', retiredAt }]);
  });

  it('passes a slip issued before the retirement, with a note', () => {
    const result = run([code('2026-11-23 07:59'), '--keys', keysFile()]);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/^VALID/);
    expect(result.output).toContain('the key was retired on 2026-11-23 08:00, after this slip was issued');
  });

  it('refuses a slip issued after it: "signed with a key retired on <date>"', () => {
    const result = run([code('2026-11-23 08:00'), '--keys', keysFile()]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /^NOT VALID \(key-retired\): signed with a key retired on 2026-11-23 08:00/,
    );
    expect(result.output).toContain('issued by     石龙镇中心卫生院 (450881123) at 2026-11-23 08:00');
    expect(JSON.parse(run([code('2026-11-24 10:00'), '--keys', keysFile(), '--json']).output)).toMatchObject({
      ok: false,
      problem: 'key-retired',
      retiredAt,
    });
  });
});
