// Model-based check of the index's bookkeeping (swap-remove across all columns,
// lazy rebuilds, pending merges): after any sequence of upserts and removes, the
// set of patients found must equal a brute-force scan of the live records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PatientSearchIndex, type SearchablePatient } from './patient-search-index';

const name = fc.stringMatching(/^[张王三丰小]{1,3}$/);
const digits = fc.stringMatching(/^[12]{4,7}$/);
const patient = fc.record({
  id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'),
  name,
  idNumber: fc.option(digits, { nil: undefined }),
  phone: fc.option(digits, { nil: undefined }),
});
type Op = { upsert: SearchablePatient } | { remove: string };
const op: fc.Arbitrary<Op> = fc.oneof(
  patient.map((p) => ({ upsert: p })),
  fc.constantFrom('a', 'b', 'c', 'd').map((id) => ({ remove: id })),
);

/** The documented rules, written the slow obvious way. */
function brute(live: Map<string, SearchablePatient>, q: string): string[] {
  const out: string[] = [];
  for (const p of live.values()) {
    const id = p.idNumber;
    const ph = p.phone;
    const hit = /^\d+$/.test(q)
      ? (id !== undefined && (id === q || (q.length >= 6 && id.startsWith(q)) || id.endsWith(q))) ||
        (ph !== undefined && (ph.startsWith(q) || ph.endsWith(q)))
      : p.name.includes(q);
    if (hit) out.push(p.id);
  }
  return out.sort();
}

describe('PatientSearchIndex model', () => {
  it('property: finds exactly the live records matching a query', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 60 }),
        fc.oneof(name, digits),
        fc.array(fc.oneof(name, digits), { maxLength: 3 }),
        (ops, q, interleaved) => {
          const idx = new PatientSearchIndex();
          const live = new Map<string, SearchablePatient>();
          ops.forEach((o, i) => {
            if ('upsert' in o) {
              idx.upsert(o.upsert);
              live.set(o.upsert.id, o.upsert);
            } else {
              idx.remove(o.remove);
              live.delete(o.remove);
            }
            // Query between edits so lazy rebuilds and merges happen mid-sequence.
            const mid = interleaved[i % 4];
            if (mid !== undefined) idx.search(mid);
          });
          expect(idx.size).toBe(live.size);
          const found = idx
            .search(q, 1000)
            .map((h) => h.id)
            .sort();
          expect(found).toEqual(brute(live, q));
        },
      ),
      { numRuns: 300 },
    );
  });
});
