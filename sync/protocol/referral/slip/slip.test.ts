import fc from 'fast-check';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import {
  canonicalSlip,
  normaliseSlipText,
  parseCanonicalSlip,
  reasonDigest,
  SLIP_FIELD_LIMITS,
  SLIP_FIELDS,
  SlipContentError,
} from './content';
import { decodeSlipPayload, encodeSlipPayload } from './payload';
import { signSlipText, slipKeyId, slipKeyPairFrom, slipNonceFrom, verifySlipSignature } from './signature';
import { sampleSlipContent } from './testing';
import {
  issuedAfterRetirement,
  type KnownSlipKey,
  localSlipMinute,
  retiredOn,
  verifySlipCode,
} from './verify';

const key = slipKeyPairFrom(new Uint8Array(32).map((_, i) => i * 7 + 1));
const other = slipKeyPairFrom(new Uint8Array(32).map((_, i) => 255 - i));
const registered: KnownSlipKey[] = [
  { keyId: key.keyId, publicKey: key.publicKey, facilityCode: '450881123' },
  { keyId: other.keyId, publicKey: other.publicKey, facilityCode: '450881999' },
];

function slipCode(content = sampleSlipContent(), signer = key): string {
  const text = canonicalSlip(content);
  return encodeSlipPayload({ text, keyId: signer.keyId, signature: signSlipText(text, signer) });
}

/**
 * The slip's QR: error correction M, at most version 20 (97 modules: 0.41 mm each in the
 * 40 mm square of the A5 slip, 3 dots each on a 203 dpi thermal roll).
 */
const SLIP_QR = { errorCorrectionLevel: 'M', maxVersion: 20 } as const;

describe('canonical slip content', () => {
  it('puts every field on its own line in a fixed order after the format tag', () => {
    const text = canonicalSlip(sampleSlipContent());
    const lines = text.split('\n');
    expect(lines).toHaveLength(SLIP_FIELDS.length + 1);
    expect(lines[0]).toBe('XYS1');
    expect(lines.slice(1, 6)).toEqual([
      '0193a7c2-5d1e-7b3a-9c41-2f6e8d0b1a57',
      '450881123-7KQ3-000042',
      '450881123',
      '石龙镇中心卫生院',
      '韦秀英',
    ]);
    expect(text).toContain('\nF\n1958-03-17\n002X\nU\nO\nI10,E11.9\n');
    expect(lines.at(-1)).toBe('P');
  });

  it('is the same for text that differs only in width, spacing and line breaks', () => {
    const plain = canonicalSlip(sampleSlipContent());
    const messy = canonicalSlip(
      sampleSlipContent({
        patientName: ' 韦秀英\u200b ',
        department: '心血管\n内科'.replace('\n', ''),
        facilityCode: '４５０８８１１２３',
        diagnosisCodes: [' i10 ', 'e11.9', ''],
        doctor: '黄志明\t',
      }),
    );
    expect(messy).toBe(plain);
    expect(normaliseSlipText('Ａ  B\r\n\u3000C')).toBe('A B C');
  });

  it('never lets a field break the line structure, whatever the text (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.string({ maxLength: 40 }),
        (name, dept) => {
          const content = sampleSlipContent({ patientName: `患者${name}`, department: dept });
          const text = canonicalSlip(content);
          expect(text.split('\n')).toHaveLength(SLIP_FIELDS.length + 1);
          expect(canonicalSlip(parseCanonicalSlip(text))).toBe(text);
        },
      ),
    );
  });

  it('reads back to itself even when a cut lands on a space, a joiner or a combining mark (property)', () => {
    const tricky = fc.constantFrom(' ', 'a', '\u0301', '\u200d', 'é', '韦', '\u3000', 'Ａ', '\t', 'ﬁ');
    fc.assert(
      fc.property(fc.array(tricky, { maxLength: 30 }), (chars) => {
        const text = canonicalSlip(
          sampleSlipContent({ patientName: `韦${chars.join('')}`, doctor: chars.join('') }),
        );
        expect(canonicalSlip(parseCanonicalSlip(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through parse, and refuses text that is not canonical', () => {
    const text = canonicalSlip(sampleSlipContent());
    expect(parseCanonicalSlip(text)).toEqual({ ...sampleSlipContent() });
    expect(() => parseCanonicalSlip(text.replace('韦秀英', ' 韦秀英'))).toThrow(/canonical/);
    expect(() => parseCanonicalSlip(text.replace('\nO\n', '\nX\n'))).toThrow(SlipContentError);
    expect(() => parseCanonicalSlip(`${text}\nextra`)).toThrow(/20 fields/);
  });

  it('cuts long names to fixed lengths and keeps whole diagnosis codes only', () => {
    const content = sampleSlipContent({
      facilityName: '很'.repeat(80),
      diagnosisCodes: ['I10', 'E11.9', 'I25.103', 'N18.502', 'J44.100', 'K74.600', 'Z99.9'],
    });
    const back = parseCanonicalSlip(canonicalSlip(content));
    expect(back.facilityName).toBe('很'.repeat(SLIP_FIELD_LIMITS.facilityName));
    expect(back.diagnosisCodes).toEqual(['I10', 'E11.9', 'I25.103', 'N18.502']);
  });

  it('carries the reason as a digest of its normalised text', () => {
    expect(reasonDigest('血压 控制不佳')).toBe(reasonDigest('血压\n控制不佳 '));
    expect(reasonDigest('血压控制不佳')).not.toBe(reasonDigest('血糖控制不佳'));
    expect(() => canonicalSlip(sampleSlipContent({ reasonDigest: 'nope' }))).toThrow(/16 hex/);
    expect(() => canonicalSlip(sampleSlipContent({ serialNo: ' ' }))).toThrow(/serialNo/);
  });
});

describe('SM2 signature over the slip', () => {
  it('verifies with the signer public key and not with another', () => {
    const text = canonicalSlip(sampleSlipContent());
    const signature = signSlipText(text, key);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(verifySlipSignature(text, signature, key.publicKey)).toBe(true);
    expect(verifySlipSignature(text, signature, other.publicKey)).toBe(false);
    expect(verifySlipSignature(text, '0'.repeat(128), key.publicKey)).toBe(false);
  });

  it('signs with a per-signature secret from the given randomness: fresh randomness, a fresh signature', () => {
    const text = canonicalSlip(sampleSlipContent());
    const random = () => crypto.getRandomValues(new Uint8Array(32));
    const a = signSlipText(text, key, slipNonceFrom(random()));
    const b = signSlipText(text, key, slipNonceFrom(random()));
    expect(a).not.toBe(b);
    expect(verifySlipSignature(text, a, key.publicKey)).toBe(true);
    expect(verifySlipSignature(text, b, key.publicKey)).toBe(true);
    // The same secret twice gives the same signature: the nonce really is the one given.
    const fixed = new Uint8Array(32).fill(5);
    expect(signSlipText(text, key, slipNonceFrom(fixed))).toBe(signSlipText(text, key, slipNonceFrom(fixed)));
  });

  it('derives the key pair from the given randomness and names it by its public key', () => {
    expect(slipKeyPairFrom(new Uint8Array(32).map((_, i) => i * 7 + 1))).toEqual(key);
    expect(key.publicKey).toMatch(/^04[0-9a-f]{128}$/);
    expect(key.keyId).toBe(slipKeyId(key.publicKey));
    expect(key.keyId).not.toBe(other.keyId);
  });

  it('accepts the untouched code and names the signing facility', () => {
    const result = verifySlipCode(slipCode(), registered);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.content).toEqual(sampleSlipContent());
      expect(result.key.facilityCode).toBe('450881123');
    }
  });

  it('fails when one character of the content changes', () => {
    const { text, keyId, signature } = decodeSlipPayload(slipCode());
    for (const [from, to] of [
      ['韦秀英', '韦秀芙'],
      ['09:30', '09:31'],
      ['\nU\n', '\nD\n'],
      ['\nP', '\nC'],
    ] as const) {
      const forged = encodeSlipPayload({ text: text.replace(from, to), keyId, signature });
      const result = verifySlipCode(forged, registered);
      expect(result, `${from} → ${to}`).toMatchObject({ ok: false, problem: 'bad-signature' });
    }
  });

  it('fails when one character of the scanned code changes, with a specific problem', () => {
    const code = slipCode();
    const positions = [10, 60, code.length - 100, code.length - 5];
    for (const at of positions) {
      const swapped = code[at] === 'A' ? 'B' : 'A';
      const result = verifySlipCode(code.slice(0, at) + swapped + code.slice(at + 1), registered);
      expect(result.ok, `position ${at}`).toBe(false);
    }
  });

  it('refuses a slip signed by another facility key, and an unknown key', () => {
    expect(verifySlipCode(slipCode(sampleSlipContent(), other), registered)).toMatchObject({
      ok: false,
      problem: 'wrong-facility',
    });
    expect(verifySlipCode(slipCode(), registered.slice(1))).toMatchObject({
      ok: false,
      problem: 'unknown-key',
    });
  });

  it('explains text that is not a slip code', () => {
    expect(verifySlipCode('https://example.org/x', registered)).toMatchObject({ problem: 'not-a-slip' });
    // A scanner typing with Caps Lock on swaps the letter case: still the same code.
    expect(verifySlipCode(slipCode().toLowerCase(), registered).ok).toBe(true);
    expect(verifySlipCode('XYS1.abc', registered)).toMatchObject({ problem: 'damaged' });
    expect(verifySlipCode(`  ${slipCode()}\r\n`, registered).ok).toBe(true);
  });
});

describe('a retired slip key', () => {
  // Local wall time, as the issuer's clock wrote issuedAt and as the verifier reads the retirement.
  const retiredAt = new Date(2026, 10, 23, 8, 0).toISOString();
  const retiredKeys: KnownSlipKey[] = [{ ...(registered[0] as KnownSlipKey), retiredAt }];

  it('still vouches for slips issued before its retirement, and says it was retired', () => {
    const result = verifySlipCode(slipCode(sampleSlipContent({ issuedAt: '2026-11-23 07:59' })), retiredKeys);
    expect(result).toMatchObject({ ok: true, key: { retiredAt } });
  });

  it('refuses slips issued from its retirement on, naming the date', () => {
    for (const issuedAt of ['2026-11-23 08:00', '2026-11-24 00:01', '2027-01-01 00:00']) {
      const result = verifySlipCode(slipCode(sampleSlipContent({ issuedAt })), retiredKeys);
      expect(result, issuedAt).toMatchObject({
        ok: false,
        problem: 'key-retired',
        retiredAt,
        keyId: key.keyId,
        content: { issuedAt },
        message: expect.stringContaining('signed with a key retired on 2026-11-23 08:00'),
      });
    }
  });

  it('checks the signature and the facility first: a forgery is a forgery, retired key or not', () => {
    const { text, keyId, signature } = decodeSlipPayload(
      slipCode(sampleSlipContent({ issuedAt: '2026-11-24 09:00' })),
    );
    const forged = encodeSlipPayload({ text: text.replace('韦秀英', '韦秀芙'), keyId, signature });
    expect(verifySlipCode(forged, retiredKeys)).toMatchObject({ problem: 'bad-signature' });
  });

  it('compares in local minutes; a retirement that is no date retires the key for every slip', () => {
    expect(localSlipMinute(new Date(2026, 0, 2, 3, 4))).toBe('2026-01-02 03:04');
    expect(issuedAfterRetirement('2026-11-23 07:59', retiredAt)).toBe(false);
    expect(issuedAfterRetirement('2026-11-23 08:00', retiredAt)).toBe(true);
    expect(issuedAfterRetirement('1999-01-01 00:00', 'not a date')).toBe(true);
    expect(retiredOn('not a date')).toBe('not a date');
    expect(retiredOn(retiredAt)).toBe('2026-11-23 08:00');
  });
});

describe('the QR code', () => {
  it('fits the slip QR even with every field at its longest', () => {
    const longest = sampleSlipContent({
      referralId: 'r'.repeat(40),
      serialNo: `${'9'.repeat(22)}-ABCDEFGH-000001`.slice(0, 40),
      facilityCode: 'A'.repeat(22),
      facilityName: '镇'.repeat(40),
      patientName: '阿'.repeat(30),
      diagnosisCodes: Array.from({ length: 12 }, (_, i) => `Z${i}.123`),
      targetFacilityCode: 'B'.repeat(22),
      targetFacilityName: '院'.repeat(40),
      department: '科'.repeat(30),
      doctor: '医'.repeat(20),
      referringDoctor: '医'.repeat(20),
    });
    const code = slipCode(longest);
    const qr = QRCode.create(code, { errorCorrectionLevel: SLIP_QR.errorCorrectionLevel });
    expect(qr.version).toBeLessThanOrEqual(SLIP_QR.maxVersion);
    expect(code).toMatch(/^[A-Z0-9.]+$/);
    const typical = QRCode.create(slipCode(), { errorCorrectionLevel: SLIP_QR.errorCorrectionLevel });
    console.info(
      `slip QR: longest version ${qr.version}, typical version ${typical.version} (${slipCode().length} chars)`,
    );
    expect(typical.version).toBeLessThanOrEqual(15);
  });
});
