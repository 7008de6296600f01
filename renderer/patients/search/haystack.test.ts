import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Haystack, type HitKind } from './haystack';

function hits(h: Haystack, q: string): Array<[number, HitKind]> {
  const out: Array<[number, HitKind]> = [];
  h.eachSubstring(q, (slot, kind) => out.push([slot, kind]));
  return out;
}

describe('Haystack', () => {
  it('classifies exact, prefix and inner hits once per slot', () => {
    const h = new Haystack();
    for (const v of ['张三', '张三丰', '赵小三', '', '买买提', '三']) h.push(v);
    expect(hits(h, '张三')).toEqual([
      [0, 'exact'],
      [1, 'prefix'],
    ]);
    expect(hits(h, '三')).toEqual([
      [0, 'inner'],
      [1, 'inner'],
      [2, 'inner'],
      [5, 'exact'],
    ]);
    expect(hits(h, '买')).toEqual([[4, 'prefix']]);
  });

  it('stays correct after set and swapRemove (lazy rebuild)', () => {
    const h = new Haystack();
    for (const v of ['a', 'b', 'c']) h.push(v);
    h.set(1, 'ab');
    h.swapRemove(0);
    expect(h.values).toEqual(['c', 'ab']);
    expect(hits(h, 'a')).toEqual([[1, 'prefix']]);
    h.push('xa');
    expect(hits(h, 'a')).toEqual([
      [1, 'prefix'],
      [2, 'inner'],
    ]);
  });

  it('property: agrees with includes() on random data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[abc]{0,4}$/), { maxLength: 30 }),
        fc.stringMatching(/^[abc]{1,2}$/),
        (vals, q) => {
          const h = new Haystack();
          for (const v of vals) h.push(v);
          const expected = vals.flatMap((v, i) => (v.includes(q) ? [i] : []));
          expect(hits(h, q).map(([slot]) => slot)).toEqual(expected);
        },
      ),
    );
  });
});
