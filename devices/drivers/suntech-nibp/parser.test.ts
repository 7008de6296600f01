import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../framing/bytes';
import { fromHex } from '../../framing/hex';
import { checkRandomBytesNeverRead, parseAll, parseSplit } from '../../testing/feed';
import { createNibpParser, encode } from './parser';

// Frames from devices.md, plus a result frame in the documented (assumed) layout:
// SYS 0x0084=132, DIA 0x0054=84, MAP 0x0064=100, PR 0x004c=76, status 0, counter 1, 35 s.
const ACCEPTED = fromHex('3e 04 4f 6f');
const DONE = fromHex('3e 04 4b 73');
const BUSY = fromHex('3e 04 42 7c');
const CUFF_142 = fromHex('3e 07 01 8e 00 00 2c');
const RESULT = fromHex(`
  3e 19 03  84 00  54 00  64 00  4c 00  00 00  01 00  23 00
  00 00 00 00 00 00 00  fa`);
const RESULT_CUFF_LEAK = fromHex(`
  3e 19 03  00 00  00 00  00 00  00 00  01 00  01 00  23 00
  00 00 00 00 00 00 00  81`);

const parser = () => createNibpParser({ deviceId: 'nibp-1' });

describe('SunTech-style NIBP parser', () => {
  it('matches the encoder for every recorded frame', () => {
    expect(encode.reply('accepted')).toEqual(ACCEPTED);
    expect(encode.reply('done')).toEqual(DONE);
    expect(encode.reply('busy')).toEqual(BUSY);
    expect(encode.cuff(142)).toEqual(CUFF_142);
    expect(encode.result({ systolic: 132, diastolic: 84, mean: 100, pulse: 76 })).toEqual(RESULT);
    expect(encode.result({ systolic: 0, diastolic: 0, mean: 0, pulse: 0, status: 1 })).toEqual(
      RESULT_CUFF_LEAK,
    );
  });

  it('reads a whole measurement', () => {
    expect(parseAll(parser(), concatBytes(ACCEPTED, CUFF_142, RESULT, DONE))).toEqual([
      { type: 'status', status: 'accepted' },
      { type: 'cuff-pressure', mmHg: 142 },
      { type: 'reading', kind: 'bp', deviceId: 'nibp-1', systolic: 132, diastolic: 84, mean: 100, pulse: 76 },
      { type: 'status', status: 'done' },
    ]);
    expect(parseAll(parser(), BUSY)).toEqual([{ type: 'status', status: 'busy' }]);
  });

  it('reports the module error code as a device-error', () => {
    expect(parseAll(parser(), RESULT_CUFF_LEAK)).toMatchObject([
      { type: 'fault', reason: 'device-error', deviceCode: 'cuff-leak' },
    ]);
  });

  it('reports a bad checksum and carries on', () => {
    const bad = RESULT.slice();
    bad[24] = 0xc1;
    expect(parseAll(parser(), concatBytes(bad, DONE))).toMatchObject([
      { type: 'fault', reason: 'checksum' },
      { type: 'status', status: 'done' },
    ]);
  });

  it('reports a frame cut off by the next one as truncated, and keeps the next one', () => {
    expect(
      parseAll(parser(), concatBytes(RESULT.subarray(0, 12), DONE, CUFF_142, CUFF_142, CUFF_142)),
    ).toMatchObject([
      { type: 'fault', reason: 'truncated' },
      { type: 'status', status: 'done' },
      { type: 'cuff-pressure', mmHg: 142 },
      { type: 'cuff-pressure', mmHg: 142 },
      { type: 'cuff-pressure', mmHg: 142 },
    ]);
    expect(parseAll(parser(), RESULT.subarray(0, 12))).toMatchObject([
      { type: 'fault', reason: 'truncated' },
    ]);
  });

  it('skips garbage between frames as one fault per run', () => {
    expect(
      parseAll(parser(), concatBytes(fromHex('00 ff 3e 55 aa'), CUFF_142, fromHex('12 34'), RESULT)),
    ).toMatchObject([
      { type: 'fault', reason: 'garbage', detail: '5 bytes outside any frame skipped' },
      { type: 'cuff-pressure', mmHg: 142 },
      { type: 'fault', reason: 'garbage' },
      { type: 'reading', systolic: 132 },
    ]);
  });

  it('flags impossible values as out-of-range', () => {
    const high = encode.result({ systolic: 300, diastolic: 84, mean: 100, pulse: 76 });
    expect(parseAll(parser(), high)).toMatchObject([{ type: 'fault', reason: 'out-of-range' }]);
    expect(parseAll(parser(), encode.cuff(400))).toMatchObject([{ type: 'fault', reason: 'out-of-range' }]);
  });

  it('gives the same events however the stream is chunked', () => {
    const stream = concatBytes(fromHex('ff'), ACCEPTED, CUFF_142, RESULT, DONE, RESULT.subarray(0, 5), BUSY);
    const whole = parseAll(parser(), stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        expect(parseSplit(parser(), stream, cuts)).toEqual(whole);
      }),
    );
  });

  it('never crashes and never reads a measurement from random bytes', () => {
    checkRandomBytesNeverRead(parser);
    // Denser: random bodies behind real headers still need the checksum to come out right.
    const framed = fc
      .array(fc.tuple(fc.constantFrom(0x04, 0x07, 0x19), fc.uint8Array({ minLength: 30, maxLength: 30 })))
      .map((frames) =>
        concatBytes(...frames.map(([length, body]) => concatBytes(Uint8Array.of(0x3e, length, 0x03), body))),
      );
    fc.assert(
      fc.property(framed, (stream) => {
        for (const event of parseAll(parser(), stream)) {
          if (event.type === 'reading') expect(event.systolic).toBeGreaterThan(event.diastolic);
        }
      }),
    );
  });
});
