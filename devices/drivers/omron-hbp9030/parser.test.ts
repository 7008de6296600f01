import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascii } from '../../framing/bytes';
import { checkRandomBytesNeverRead, parseAll, parseSplit } from '../../testing/feed';
import { createOmronParser, formatRecord } from './parser';

// Recorded-format lines (format 5), byte for byte as the monitor prints them.
const GOOD = '2026,11,21,09,30,00000000000000012345,0,128,082,072,0\r\n';
const MOVED = '2026,11,21,09,41,00000000000000000000,0,142,091,088,1\r\n';
const ERROR = '2026,11,21,09,45,00000000000000012345,3,   ,   ,   ,0\r\n';
const HIGH = '2026,11,21,09,50,00000000000000012345,0,275,082,072,0\r\n';

const parse = (...chunks: string[]) =>
  parseAll(createOmronParser({ deviceId: 'bp-1' }), ...chunks.map(ascii));

describe('Omron HBP-9030 format 5 parser', () => {
  it('reads a record', () => {
    expect(GOOD.length).toBe(55);
    expect(parse(GOOD)).toEqual([
      {
        type: 'reading',
        kind: 'bp',
        deviceId: 'bp-1',
        systolic: 128,
        diastolic: 82,
        pulse: 72,
        measuredAt: '2026-11-21T09:30',
        patientId: '00000000000000012345',
        bodyMovement: false,
      },
    ]);
  });

  it('omits an all-zero patient ID and reports body movement', () => {
    const [reading] = parse(MOVED);
    expect(reading).toMatchObject({ systolic: 142, diastolic: 91, pulse: 88, bodyMovement: true });
    expect(reading).not.toHaveProperty('patientId');
  });

  it('turns a non-zero err into a device-error fault with the code', () => {
    expect(ERROR.length).toBe(55);
    expect(parse(ERROR)).toMatchObject([{ type: 'fault', reason: 'device-error', deviceCode: 'E3' }]);
  });

  it('rejects vitals outside the documented ranges', () => {
    expect(parse(HIGH)).toMatchObject([
      { type: 'fault', reason: 'out-of-range', detail: 'systolic 275 outside 60-260' },
    ]);
    const inverted = GOOD.replace('128,082', '080,090');
    expect(parse(inverted)).toMatchObject([{ type: 'fault', reason: 'out-of-range' }]);
  });

  it('reports a corrupted digit as garbage, not a reading', () => {
    expect(parse(GOOD.replace('128', '1?8'))).toMatchObject([{ type: 'fault', reason: 'garbage' }]);
  });

  it('reports a record cut short as truncated', () => {
    expect(parse(`${GOOD.slice(0, 30)}\r\n`)).toMatchObject([{ type: 'fault', reason: 'truncated' }]);
    expect(parse(GOOD.slice(0, 30))).toMatchObject([{ type: 'fault', reason: 'truncated' }]);
  });

  it('keeps the good record that directly follows a cut-off one', () => {
    expect(parse(GOOD.slice(0, 25) + MOVED)).toMatchObject([
      { type: 'fault', reason: 'truncated' },
      { type: 'reading', systolic: 142 },
    ]);
  });

  it('resynchronises after garbage with and without line breaks', () => {
    const noise = String.fromCharCode(0x00, 0xff, 0x80);
    expect(parse(noise + GOOD, `junk\r\n${MOVED}`)).toMatchObject([
      { type: 'fault', reason: 'garbage' },
      { type: 'reading', systolic: 128 },
      { type: 'fault', reason: 'garbage' },
      { type: 'reading', systolic: 142 },
    ]);
  });

  it('gives the same events however the stream is chunked', () => {
    const stream = ascii(GOOD + ERROR + MOVED);
    const whole = parseAll(createOmronParser({ deviceId: 'bp-1' }), stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 10 }), (cuts) => {
        expect(parseSplit(createOmronParser({ deviceId: 'bp-1' }), stream, cuts)).toEqual(whole);
      }),
    );
    const bytewise = [...stream].map((byte) => Uint8Array.of(byte));
    expect(parseAll(createOmronParser({ deviceId: 'bp-1' }), ...bytewise)).toEqual(whole);
  });

  it('accepts a bare LF and a CRLF split across chunks', () => {
    const events = parseAll(
      createOmronParser({ deviceId: 'bp-1' }),
      ascii(GOOD.slice(0, 54)),
      ascii('\n'),
      ascii(MOVED.replace('\r', '')),
    );
    expect(events.map((event) => event.type)).toEqual(['reading', 'reading']);
  });

  it('formats records the parser reads back', () => {
    const line = formatRecord({
      at: new Date(2026, 10, 21, 9, 30),
      patientId: '12345',
      systolic: 128,
      diastolic: 82,
      pulse: 72,
    });
    expect(`${line}\r\n`).toBe(GOOD);
  });

  it('never crashes and never reads a measurement from random bytes', () => {
    checkRandomBytesNeverRead(() => createOmronParser({ deviceId: 'bp-1' }));
    // Random bytes inside a plausible frame, too: digits, commas, blanks and line ends.
    const plausible = fc
      .array(fc.constantFrom(...ascii('0123456789, \r\n9')), { maxLength: 400 })
      .map((bytes) => Uint8Array.from(bytes));
    fc.assert(
      fc.property(plausible, (bytes) => {
        for (const event of parseAll(createOmronParser({ deviceId: 'bp-1' }), bytes)) {
          if (event.type === 'reading') {
            expect(event.systolic).toBeGreaterThan(event.diastolic);
          }
        }
      }),
    );
  });
});
