import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../framing/bytes';
import { fromHex } from '../../framing/hex';
import { checkRandomBytesNeverRead, parseAll, parseSplit } from '../../testing/feed';
import { createGigaDeviceParser, encodeLiveReport } from './parser';

/** A 64-byte report from its first bytes, zero-padded as the device sends it. */
const report = (hex: string): Uint8Array => {
  const bytes = new Uint8Array(64);
  bytes.set(fromHex(hex));
  return bytes;
};

const LIVE_98_66 = report('eb 01 00 42 62');
const LIVE_INVALID = report('eb 01 00 7f 7f');
const LIVE_SPO2_120 = report('eb 01 00 42 78');
const OTHER_KIND = report('eb 05 12 34');

const parser = () => createGigaDeviceParser({ deviceId: 'hid-ox' });

describe('GigaDevice 28E9:028A HID oximeter parser', () => {
  it('reads pulse from byte 3 and SpO2 from byte 4', () => {
    expect(encodeLiveReport({ spo2: 98, pulse: 66 })).toEqual(LIVE_98_66);
    expect(parseAll(parser(), LIVE_98_66)).toEqual([
      { type: 'reading', kind: 'spo2', deviceId: 'hid-ox', spo2: 98, pulse: 66 },
    ]);
  });

  it('treats 127 as invalid and reports the finger leaving once', () => {
    expect(parseAll(parser(), LIVE_98_66, LIVE_INVALID, LIVE_INVALID, LIVE_98_66)).toMatchObject([
      { type: 'reading' },
      { type: 'status', status: 'finger-out' },
      { type: 'status', status: 'finger-in' },
      { type: 'reading' },
    ]);
  });

  it('ignores other EB report kinds and flags impossible values', () => {
    expect(parseAll(parser(), OTHER_KIND)).toEqual([]);
    expect(parseAll(parser(), LIVE_SPO2_120)).toMatchObject([{ type: 'fault', reason: 'out-of-range' }]);
  });

  it('reports a short report followed by a full one as truncated, and keeps the full one', () => {
    expect(parseAll(parser(), concatBytes(LIVE_98_66.subarray(0, 10), LIVE_98_66))).toMatchObject([
      { type: 'fault', reason: 'truncated' },
      { type: 'reading', spo2: 98 },
    ]);
    expect(parseAll(parser(), LIVE_98_66.subarray(0, 10))).toMatchObject([
      { type: 'fault', reason: 'truncated' },
    ]);
  });

  it('skips reports that are not EB reports as garbage', () => {
    expect(parseAll(parser(), new Uint8Array(64).fill(0x55), LIVE_98_66)).toMatchObject([
      { type: 'fault', reason: 'garbage' },
      { type: 'reading' },
    ]);
  });

  it('gives the same events however the stream is chunked', () => {
    const stream = concatBytes(
      LIVE_98_66,
      LIVE_INVALID,
      OTHER_KIND,
      fromHex('00 11'),
      LIVE_98_66,
      LIVE_SPO2_120,
    );
    const whole = parseAll(parser(), stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 10 }), (cuts) => {
        expect(parseSplit(parser(), stream, cuts)).toEqual(whole);
      }),
    );
  });

  it('never crashes on random reports; without a live header it never reads', () => {
    // No checksum: a random report that happens to start EB 01 with valid values IS a reading.
    checkRandomBytesNeverRead(
      parser,
      fc.uint8Array({ maxLength: 600 }).map((bytes) => bytes.map((b) => (b === 0xeb ? 0 : b))),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const event of parseAll(parser(), bytes)) {
          if (event.type === 'reading') expect(event.spo2).toBeLessThanOrEqual(100);
        }
      }),
    );
  });
});
