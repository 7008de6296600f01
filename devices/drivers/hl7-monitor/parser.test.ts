import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascii, concatBytes } from '../../framing/bytes';
import { checkRandomBytesNeverRead, parseAll, parseSplit } from '../../testing/feed';
import { wrapMllp } from './mllp';
import { buildAck, hl7Time } from './oru';
import { createMonitorParser } from './parser';

// A PCD-01 message as a Mindray-style monitor sends it (CR segment ends), wrapped in MLLP.
const MESSAGE = [
  'MSH|^~\\&|MINDRAY_D-SERIES^00A037009A0053DE^EUI-64|MINDRAY|||20261121093000+0800||ORU^R01^ORU_R01|1001|P|2.6|||AL|NE||UNICODE UTF-8',
  'PID|||12345^^^ZHUHE^PI||ZHANG^XIUYING||19580307|F',
  'OBR|1|1001^MINDRAY|1001^MINDRAY|182777000^monitoring of patient^SNOMED-CT|||20261121093000+0800',
  'OBX|1|NM|150021^MDC_PRESS_BLD_NONINV_SYS^MDC|1.1.9.1|132|266016^MDC_DIM_MMHG^MDC|||||R',
  'OBX|2|NM|150022^MDC_PRESS_BLD_NONINV_DIA^MDC|1.1.9.2|84|266016^MDC_DIM_MMHG^MDC|||||R',
  'OBX|3|NM|150023^MDC_PRESS_BLD_NONINV_MEAN^MDC|1.1.9.3|100|266016^MDC_DIM_MMHG^MDC|||||R',
  'OBX|4|NM|149546^MDC_PULS_RATE_NON_INV^MDC|1.1.9.4|76|264864^MDC_DIM_BEAT_PER_MIN^MDC|||||R',
  'OBX|5|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.3.1.1|98|262688^MDC_DIM_PERCENT^MDC|||||R',
  'OBX|6|NM|150344^MDC_TEMP^MDC|1.5.1.1|36.8|268192^MDC_DIM_DEGC^MDC|||||R',
  'OBX|7|NM|151562^MDC_RESP_RATE^MDC|1.2.1.1|18|264928^MDC_DIM_RESP_PER_MIN^MDC|||||R',
  'OBX|8|ST|184326^MDC_ECG_STAT_RHY^MDC|1.1.1.1|Sinus Rhythm||||||R',
  '',
].join('\r');
const FRAME = wrapMllp(ascii(MESSAGE));

const parser = () => createMonitorParser({ deviceId: 'mon-1' });

describe('HL7 ORU^R01 over MLLP', () => {
  it('pulls the vitals out by MDC code', () => {
    expect(parseAll(parser(), FRAME)).toEqual([
      {
        type: 'hl7-received',
        controlId: '1001',
        messageType: 'ORU^R01',
        ack: 'AA',
        sendingApplication: 'MINDRAY_D-SERIES',
        sendingFacility: 'MINDRAY',
        version: '2.6',
      },
      {
        type: 'reading',
        kind: 'vitals',
        deviceId: 'mon-1',
        patientId: '12345',
        measuredAt: '2026-11-21T09:30:00+08:00',
        systolic: 132,
        diastolic: 84,
        mean: 100,
        pulse: 76,
        spo2: 98,
        temperatureC: 36.8,
        respiration: 18,
      },
    ]);
  });

  it('builds the ACK the host returns', () => {
    const [receipt] = parseAll(parser(), FRAME);
    if (receipt?.type !== 'hl7-received') throw new Error('no receipt');
    expect(buildAck(receipt, new Date('2026-11-21T01:30:05Z'))).toBe(
      'MSH|^~\\&|XIANGYI|XIANGYI|MINDRAY_D-SERIES|MINDRAY|20261121013005||ACK^R01^ACK|ACK1001|P|2.6\rMSA|AA|1001\r',
    );
  });

  it('rejects other message types with AR and malformed text with AE', () => {
    const adt = wrapMllp(ascii('MSH|^~\\&|X|Y|||20261121||ADT^A01|77|P|2.5\rPID|||1\r'));
    expect(parseAll(parser(), adt)).toMatchObject([{ type: 'hl7-received', ack: 'AR', controlId: '77' }]);
    expect(parseAll(parser(), wrapMllp(ascii('hello')))).toMatchObject([
      { type: 'hl7-received', ack: 'AE' },
      { type: 'fault', reason: 'garbage' },
    ]);
  });

  it('flags out-of-range and non-numeric values but keeps the rest', () => {
    const odd = MESSAGE.replace('|98|262688', '|130|262688').replace('|36.8|', '|--|');
    const events = parseAll(parser(), wrapMllp(ascii(odd)));
    expect(events.filter((event) => event.type === 'fault')).toMatchObject([
      { reason: 'out-of-range', detail: 'spo2 130 outside 0-100' },
      { reason: 'out-of-range' },
    ]);
    const reading = events.find((event) => event.type === 'reading');
    expect(reading).toMatchObject({ systolic: 132 });
    expect(reading).not.toHaveProperty('spo2');
  });

  it('reports garbage between blocks and a block cut by the next one', () => {
    expect(
      parseAll(parser(), concatBytes(ascii('xx\r\n'), FRAME.subarray(0, 50), FRAME)).map((e) => [
        e.type,
        'reason' in e ? e.reason : '',
      ]),
    ).toEqual([
      ['fault', 'garbage'],
      ['fault', 'truncated'],
      ['hl7-received', ''],
      ['reading', ''],
    ]);
    expect(parseAll(parser(), FRAME.subarray(0, 50))).toMatchObject([{ type: 'fault', reason: 'truncated' }]);
  });

  it('decodes GB18030 text when MSH-18 says so', () => {
    const gbMessage = MESSAGE.replace('UNICODE UTF-8', 'GB 18030-2000');
    const bytes = Uint8Array.from(Buffer.from(gbMessage, 'latin1'));
    expect(parseAll(parser(), wrapMllp(bytes))).toMatchObject([{ ack: 'AA' }, { systolic: 132 }]);
  });

  it('reads timestamps with and without zone', () => {
    expect(hl7Time('202611210930')).toBe('2026-11-21T09:30');
    expect(hl7Time('20261121093015.123-0500')).toBe('2026-11-21T09:30:15-05:00');
    expect(hl7Time('2026')).toBeUndefined();
  });

  it('gives the same events however the stream is chunked', () => {
    const stream = concatBytes(FRAME, ascii('?'), FRAME.subarray(0, 30), FRAME);
    const whole = parseAll(parser(), stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 10 }), (cuts) => {
        expect(parseSplit(parser(), stream, cuts)).toEqual(whole);
      }),
      { numRuns: 50 },
    );
  });

  it('never crashes and never reads vitals from random bytes', () => {
    checkRandomBytesNeverRead(parser);
    checkRandomBytesNeverRead(
      parser,
      fc.uint8Array({ maxLength: 400 }).map((bytes) => wrapMllp(bytes)),
    );
  });
});
