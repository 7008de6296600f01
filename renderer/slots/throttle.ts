/**
 * Keeping the overnight pull under its bandwidth cap: requests go one after
 * another, each batch sized to take a few seconds at the cap, and the next one
 * waits until the bytes so far average no more than the cap since the start.
 */

/** How long to wait before the next request so that `bytes` over the run so far stays within the cap. */
export function throttleDelayMs(bytes: number, elapsedMs: number, capKbps: number): number {
  if (capKbps <= 0) return 0;
  const earliestMs = (bytes * 8) / capKbps; // kbit/s is bits per millisecond
  return Math.max(0, Math.ceil(earliestMs - elapsedMs));
}

export const MIN_BATCH = 20;
export const MAX_BATCH = 1000;
/** A batch long enough to be worth a request, short enough that a cut loses little. */
export const BATCH_SECONDS = 8;

/**
 * Documents per request so one batch takes about BATCH_SECONDS at the cap,
 * from the wire size of a document seen so far (a guess before the first batch).
 */
export function batchSize(capKbps: number, bytesPerDocument: number): number {
  const perDocument = Math.max(1, bytesPerDocument);
  const documents = Math.floor((capKbps * 1000 * BATCH_SECONDS) / 8 / perDocument);
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, documents));
}
