import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from './byte-queue';
import { ascii, concatBytes, indexOfBytes } from './bytes';
import { sum8, xor8, zeroSumByte } from './checksum';
import { fromHex, toHex } from './hex';
import { LineSplitter } from './lines';

describe('framing helpers', () => {
  it('hex round-trips and tolerates comments and 0x prefixes', () => {
    expect(toHex(fromHex('0x3E 07 # cuff\n01'))).toBe('3e 07 01');
    expect(() => fromHex('3e 0')).toThrow();
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(fromHex(toHex(bytes))).toEqual(bytes);
      }),
    );
  });

  it('checksums match the documented frames', () => {
    expect(sum8(fromHex('3e 07 01 8e 00 00 2c'))).toBe(0);
    expect(zeroSumByte(fromHex('3e 04 4f'))).toBe(0x6f);
    expect(xor8(fromHex('00 03 20 01'))).toBe(0x22);
  });

  it('ByteQueue behaves like a plain array under any push/take sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 700 }), fc.nat(800))), (steps) => {
        const queue = new ByteQueue();
        let model: number[] = [];
        for (const [chunk, take] of steps) {
          queue.push(chunk);
          model.push(...chunk);
          const n = Math.min(take, model.length);
          expect([...queue.take(n)]).toEqual(model.slice(0, n));
          model = model.slice(n);
          expect(queue.length).toBe(model.length);
        }
      }),
    );
  });

  it('finds byte sequences', () => {
    const queue = new ByteQueue();
    queue.push(fromHex('00 aa aa aa 96 69'));
    expect(queue.indexOfSequence(fromHex('aa aa 96'))).toBe(2);
    expect(queue.indexOfSequence(fromHex('69 00'))).toBe(-1);
    expect(indexOfBytes(fromHex('01 02 03 02 03'), fromHex('02 03'), 2)).toBe(3);
    expect(concatBytes(ascii('a'), ascii('b'))).toEqual(ascii('ab'));
  });

  it('splits lines on CR, LF and CRLF, also when CRLF straddles chunks', () => {
    const splitter = new LineSplitter(8);
    const lines = [
      ...splitter.push(ascii('one\r')),
      ...splitter.push(ascii('\ntwo\nthree\rfour')),
      ...splitter.push(ascii('\r\n')),
    ];
    expect(lines.map(({ line }) => String.fromCharCode(...line))).toEqual(['one', 'two', 'three', 'four']);
    expect(splitter.push(ascii('0123456789'))).toMatchObject([{ overlong: true }]);
    expect(splitter.flush()).toEqual(ascii('89'));
  });
});
