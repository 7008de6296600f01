import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type PrefixKind, SortedColumn } from './sorted-column';

function prefixHits(c: SortedColumn, q: string): Array<[number, PrefixKind]> {
  const out: Array<[number, PrefixKind]> = [];
  c.eachPrefix(q, (slot, kind) => out.push([slot, kind]));
  return out.sort((a, b) => a[0] - b[0]);
}

describe('SortedColumn', () => {
  it('finds prefixes and exact values', () => {
    const c = new SortedColumn();
    for (const v of ['zhangsan', 'zhangsanfeng', 'zhaoxiaosan', '', 'zengguofan']) c.push(v);
    expect(prefixHits(c, 'zhangsan')).toEqual([
      [0, 'exact'],
      [1, 'prefix'],
    ]);
    expect(prefixHits(c, 'z').map(([s]) => s)).toEqual([0, 1, 2, 4]);
    expect(prefixHits(c, 'x')).toEqual([]);
  });

  // Model-based: random pushes, sets and swap-removes against a plain array.
  type Op =
    | { kind: 'push'; v: string }
    | { kind: 'set'; at: number; v: string }
    | { kind: 'remove'; at: number };
  const value = fc.stringMatching(/^[ab]{0,3}$/);
  const op: fc.Arbitrary<Op> = fc.oneof(
    value.map((v) => ({ kind: 'push' as const, v })),
    fc.tuple(fc.nat(), value).map(([at, v]) => ({ kind: 'set' as const, at, v })),
    fc.nat().map((at) => ({ kind: 'remove' as const, at })),
  );

  it('property: matches a naive model under any sequence of edits', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.stringMatching(/^[ab]{1,2}$/), (ops, q) => {
        const c = new SortedColumn();
        const model: string[] = [];
        for (const o of ops) {
          if (o.kind === 'push') {
            c.push(o.v);
            model.push(o.v);
          } else if (model.length > 0) {
            const at = o.at % model.length;
            if (o.kind === 'set') {
              c.set(at, o.v);
              model[at] = o.v;
            } else {
              c.swapRemove(at);
              const last = model.pop() as string;
              if (at < model.length) model[at] = last;
            }
          }
          // Query now and then, so merges interleave with edits.
          if (model.length % 7 === 0) c.eachPrefix(q, () => {});
        }
        expect(c.values).toEqual(model);
        const expected = model.flatMap(
          (v, i): Array<[number, PrefixKind]> => (v.startsWith(q) ? [[i, v === q ? 'exact' : 'prefix']] : []),
        );
        expect(prefixHits(c, q)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
