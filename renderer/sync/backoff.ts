/**
 * How long to wait before the next try after consecutive failures: doubling
 * from 2 s, never more than 5 minutes (the county plan retries every 5 minutes),
 * with jitter so 300 clinics coming back online do not all call at once.
 */
export const FIRST_RETRY_MS = 2_000;
export const MAX_RETRY_MS = 5 * 60_000;

export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
  // Full jitter over the upper half keeps the order of magnitude predictable.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
