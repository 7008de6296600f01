/** The figures' arithmetic the bench groups share, and the load average each figure is read beside. */
import { loadavg } from 'node:os';

/** The one-minute load average, to two places: the machine is shared, a figure is read with it. */
export const load = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

export const round1 = (x: number) => Math.round(x * 10) / 10;

/** The middle value; of an even count, the mean of the two middle ones. */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The middle value; of an even count, the upper of the two middle ones: always a run that happened. */
export function upperMedian(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The 95th percentile, nearest rank below, to one place (0 of no values). */
export function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return round1(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? 0);
}
