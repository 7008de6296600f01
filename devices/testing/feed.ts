import fc from 'fast-check';
import { expect } from 'vitest';
import type { Parser } from '../framing/parser';
import type { DeviceEvent } from '../readings';

/** Feeds the whole stream, then flushes: everything the parser would ever say about it. */
export function parseAll<E>(parser: Parser<E>, ...chunks: Uint8Array[]): E[] {
  return [...chunks.flatMap((chunk) => parser.push(chunk)), ...parser.flush()];
}

/** Same stream cut at the given offsets, to prove frames split across reads come out identical. */
export function parseSplit<E>(parser: Parser<E>, bytes: Uint8Array, cuts: number[]): E[] {
  const points = [...new Set(cuts.map((cut) => Math.max(0, Math.min(bytes.length, cut))))].sort(
    (a, b) => a - b,
  );
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, point));
    from = point;
  }
  return parseAll(parser, ...chunks);
}

/** Every parser must survive arbitrary bytes, in arbitrary chunking, without a single reading. */
export function checkRandomBytesNeverRead(
  createParser: () => Parser<DeviceEvent>,
  bytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 600 }),
): void {
  fc.assert(
    fc.property(bytes, fc.array(fc.nat(600), { maxLength: 8 }), (stream, cuts) => {
      const events = parseSplit(createParser(), stream, cuts);
      expect(events.filter((event) => event.type === 'reading' || event.type === 'idcard')).toEqual([]);
    }),
    { numRuns: 300 },
  );
}

/** Resolves once `predicate` holds for something `subscribe` delivered; for event-driven tests. */
export function nextMatching<E>(
  subscribe: (listener: (event: E) => void) => () => void,
  predicate: (event: E) => boolean,
  timeoutMs = 5000,
): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('expected event never came'));
    }, timeoutMs);
    const stop = subscribe((event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      stop();
      resolve(event);
    });
  });
}
