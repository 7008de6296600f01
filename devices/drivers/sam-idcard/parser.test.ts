import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../framing/bytes';
import { fromHex } from '../../framing/hex';
import { checkRandomBytesNeverRead, parseAll, parseSplit } from '../../testing/feed';
import { createIdCardParser } from './parser';
import { command } from './protocol';
import { readReply, SAMPLE_PERSON, samplePhoto } from './simulator';

const READ_REPLY = fromHex(readFileSync(new URL('./fixtures/read-reply.hex', import.meta.url), 'utf8'));
const CARD_FOUND = fromHex('aa aa aa 96 69 00 08 00 00 9f 00 00 00 00 97');
const NO_CARD = fromHex('aa aa aa 96 69 00 08 00 00 80 00 00 00 00 88');
const SELECTED = fromHex('aa aa aa 96 69 00 0c 00 00 90 00 00 00 00 00 00 00 00 9c');
const READ_FAILED = fromHex('aa aa aa 96 69 00 04 00 00 41 45');

const parser = () => createIdCardParser({ deviceId: 'id-1' });

describe('GA/T 467 SAM reader', () => {
  it('builds the documented host commands byte for byte', () => {
    expect(command('findCard')).toEqual(fromHex('aa aa aa 96 69 00 03 20 01 22'));
    expect(command('selectCard')).toEqual(fromHex('aa aa aa 96 69 00 03 20 02 21'));
    expect(command('readTextAndPhoto')).toEqual(fromHex('aa aa aa 96 69 00 03 30 01 32'));
    expect(command('samStatus')).toEqual(fromHex('aa aa aa 96 69 00 03 11 ff ed'));
    expect(command('samId')).toEqual(fromHex('aa aa aa 96 69 00 03 12 ff ee'));
  });

  it('decodes the recorded read reply: text fields, 长期, photo bytes untouched', () => {
    expect(READ_REPLY.length).toBe(1295);
    expect(READ_REPLY.subarray(5, 7)).toEqual(fromHex('05 08'));
    expect(readReply(SAMPLE_PERSON)).toEqual(READ_REPLY);
    const [event] = parseAll(parser(), READ_REPLY);
    expect(event).toEqual({
      type: 'idcard',
      deviceId: 'id-1',
      person: {
        name: '张秀英',
        sex: 'female',
        ethnicityCode: '01',
        birthDate: '1958-03-07',
        address: '四川省凉山彝族自治州昭觉县竹核乡竹核村3组12号',
        idNumber: '513431195803070021',
        issuingAuthority: '昭觉县公安局',
        validFrom: '2016-05-20',
        validTo: 'long-term',
      },
      photo: samplePhoto(),
    });
    expect(event?.type === 'idcard' && event.photo).toEqual(READ_REPLY.subarray(14 + 256, 14 + 256 + 1024));
  });

  it('decodes a dated expiry and a male card', () => {
    const [event] = parseAll(parser(), readReply({ ...SAMPLE_PERSON, sex: 'male', validTo: '2036-05-20' }));
    expect(event).toMatchObject({ person: { sex: 'male', validTo: '2036-05-20' } });
  });

  it('maps status words', () => {
    expect(parseAll(parser(), CARD_FOUND, NO_CARD, SELECTED)).toEqual([
      { type: 'status', status: 'card-found' },
      { type: 'status', status: 'no-card' },
      { type: 'status', status: 'ok', data: new Uint8Array(8) },
    ]);
    expect(parseAll(parser(), READ_FAILED)).toMatchObject([
      { type: 'fault', reason: 'device-error', deviceCode: 'read-failed' },
    ]);
    expect(parseAll(parser(), fromHex('aa aa aa 96 69 00 04 00 00 21 25'))).toMatchObject([
      { deviceCode: 'command-error' },
    ]);
  });

  it('reports a bad XOR as a checksum fault', () => {
    const bad = READ_REPLY.slice();
    bad[1294] = (bad[1294] as number) ^ 0xff;
    expect(parseAll(parser(), bad, CARD_FOUND)).toMatchObject([
      { type: 'fault', reason: 'checksum' },
      { type: 'status', status: 'card-found' },
    ]);
  });

  it('reports a reply cut by the next one as truncated, even before enough bytes arrive', () => {
    expect(parseAll(parser(), concatBytes(READ_REPLY.subarray(0, 700), CARD_FOUND))).toMatchObject([
      { type: 'fault', reason: 'truncated' },
      { type: 'status', status: 'card-found' },
    ]);
    expect(parseAll(parser(), READ_REPLY.subarray(0, 700))).toMatchObject([
      { type: 'fault', reason: 'truncated' },
    ]);
  });

  it('skips garbage, including a lone AA at a chunk end', () => {
    expect(parseAll(parser(), fromHex('00 ff aa'), fromHex('55'), CARD_FOUND)).toMatchObject([
      { type: 'fault', reason: 'garbage' },
      { type: 'status', status: 'card-found' },
    ]);
  });

  it('rejects text that cannot be a card', () => {
    const text = readReply({ ...SAMPLE_PERSON, birthDate: 'xx' });
    expect(parseAll(parser(), text)).toMatchObject([{ type: 'fault', reason: 'out-of-range' }]);
  });

  it('gives the same events however the stream is chunked', () => {
    const stream = concatBytes(
      fromHex('aa aa 00'),
      CARD_FOUND,
      SELECTED,
      READ_REPLY.subarray(0, 40),
      READ_REPLY,
      READ_FAILED,
    );
    const whole = parseAll(parser(), stream);
    expect(whole.map((event) => event.type)).toEqual([
      'fault',
      'status',
      'status',
      'fault',
      'idcard',
      'fault',
    ]);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length), { maxLength: 12 }), (cuts) => {
        expect(parseSplit(parser(), stream, cuts)).toEqual(whole);
      }),
      { numRuns: 50 },
    );
  });

  it('never crashes and never reads a card from random bytes', () => {
    checkRandomBytesNeverRead(parser);
    const framed = fc
      .uint8Array({ maxLength: 1400 })
      .map((body) => concatBytes(fromHex('aa aa aa 96 69 05 08 00 00 90 01 00 04 00'), body));
    checkRandomBytesNeverRead(parser, framed);
  });
});
