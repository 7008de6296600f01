import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../framing/bytes';
import { fromHex } from '../../framing/hex';
import { checkRandomBytesNeverRead, parseAll, parseSplit } from '../../testing/feed';
import { createCms50Parser, encodePacket } from './parser';

// Live packets: signal 8, pleth 0x40, bar 5; pulse 72 / SpO2 97, and pulse 0x96=150 (bit 7 in byte 2).
const NORMAL = fromHex('88 40 05 48 61');
const FAST_PULSE = fromHex('88 40 45 16 61');
const FINGER_OUT = fromHex('98 00 05 7f 7f');
const SEARCHING = fromHex('88 40 45 7f 7f');
const PROBE_ERROR = fromHex('88 40 15 48 61');
const SPO2_126 = fromHex('88 40 05 48 7e');

const parser = () => createCms50Parser({ deviceId: 'ox-1' });

describe('Contec CMS50D+ live packet parser', () => {
  it('reads SpO2, pulse, pleth and signal', () => {
    expect(parseAll(parser(), NORMAL)).toEqual([
      { type: 'reading', kind: 'spo2', deviceId: 'ox-1', spo2: 97, pulse: 72, pleth: 64, signal: 8 },
    ]);
    expect(parseAll(parser(), FAST_PULSE)).toMatchObject([{ pulse: 150 }]);
    expect(encodePacket({ spo2: 97, pulse: 150, pleth: 64 })).toEqual(FAST_PULSE);
  });

  it('reports finger-out and finger-in once per change, with no readings meanwhile', () => {
    expect(parseAll(parser(), NORMAL, FINGER_OUT, FINGER_OUT, FINGER_OUT, NORMAL)).toMatchObject([
      { type: 'reading' },
      { type: 'status', status: 'finger-out' },
      { type: 'status', status: 'finger-in' },
      { type: 'reading' },
    ]);
  });

  it('treats 127/255 while searching as no value, not a fault', () => {
    expect(parseAll(parser(), SEARCHING, SEARCHING)).toEqual([]);
  });

  it('reports a probe error and impossible values', () => {
    expect(parseAll(parser(), PROBE_ERROR)).toMatchObject([
      { type: 'fault', reason: 'device-error', deviceCode: 'probe-error' },
    ]);
    expect(parseAll(parser(), SPO2_126)).toMatchObject([
      { type: 'fault', reason: 'out-of-range', detail: 'SpO2 126' },
    ]);
  });

  it('reports a cut-off packet as truncated and keeps the next one', () => {
    expect(parseAll(parser(), concatBytes(NORMAL.subarray(0, 3), NORMAL))).toMatchObject([
      { type: 'fault', reason: 'truncated' },
      { type: 'reading', spo2: 97 },
    ]);
    expect(parseAll(parser(), NORMAL.subarray(0, 2))).toMatchObject([{ type: 'fault', reason: 'truncated' }]);
  });

  it('skips garbage until the next sync byte', () => {
    expect(parseAll(parser(), concatBytes(fromHex('00 13 7f'), NORMAL, NORMAL))).toMatchObject([
      { type: 'fault', reason: 'garbage', detail: '3 bytes outside any frame skipped' },
      { type: 'reading' },
      { type: 'reading' },
    ]);
  });

  it('gives the same events however the stream is chunked', () => {
    const stream = concatBytes(
      fromHex('01 02'),
      NORMAL,
      FAST_PULSE.subarray(0, 4),
      FINGER_OUT,
      NORMAL,
      SPO2_126,
    );
    const whole = parseAll(parser(), stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 10 }), (cuts) => {
        expect(parseSplit(parser(), stream, cuts)).toEqual(whole);
      }),
    );
  });

  it('never crashes on random bytes; without sync bytes it never reads, with them only in range', () => {
    // No checksum exists, so random bytes CAN spell a valid packet; what the parser guarantees is
    // no reading without sync framing and no reading outside the physiological ranges.
    checkRandomBytesNeverRead(
      parser,
      fc.uint8Array({ maxLength: 600 }).map((bytes) => bytes.map((byte) => byte & 0x7f)),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const event of parseAll(parser(), bytes)) {
          if (event.type !== 'reading') continue;
          expect(event.spo2).toBeGreaterThanOrEqual(35);
          expect(event.spo2).toBeLessThanOrEqual(100);
          expect(event.pulse).toBeGreaterThanOrEqual(25);
          expect(event.pulse).toBeLessThanOrEqual(250);
        }
      }),
    );
  });
});
