import type { PatientSearchIndex } from './patient-search-index';

/**
 * Latency helper for the lead's benchmark script: runs every query once to warm
 * up the JIT, then `rounds` timed passes, and reports the 95th percentile of
 * single-query latency. Measures only; asserts nothing.
 */
export function benchSearch(
  index: PatientSearchIndex,
  queries: readonly string[],
  rounds = 5,
): { p95_ms: number; samples: number } {
  for (const q of queries) index.search(q);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of queries) {
      const t0 = performance.now();
      index.search(q);
      times.push(performance.now() - t0);
    }
  }
  if (times.length === 0) return { p95_ms: 0, samples: 0 };
  times.sort((a, b) => a - b);
  const at = Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1);
  return { p95_ms: times[at] ?? 0, samples: times.length };
}
