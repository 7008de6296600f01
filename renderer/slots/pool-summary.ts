/**
 * The county's pool of online slots, counted by hospital, department, date and
 * period: fetched when the link allows (after the overnight pull, on opening
 * the slots page) and kept in a local document, so the clinic can still show
 * what it may book online while it is offline.
 */
import { countyDate, type PoolSummaryRow, poolWindow } from '../../sync/protocol/slots';
import type { ClinicDatabase } from '../store/database';
import type { SlotCounty } from './slot-county';

export const POOL_SUMMARY_DOC = 'slots.pool-summary';

export interface CachedPoolSummary {
  fetchedAt: string;
  from: string;
  to: string;
  rows: PoolSummaryRow[];
}

export async function refreshPoolSummary(
  db: ClinicDatabase,
  county: SlotCounty,
  now = new Date(),
): Promise<CachedPoolSummary> {
  const window = poolWindow(countyDate(now));
  const { rows } = await county.poolSummary(window);
  const cached: CachedPoolSummary = { fetchedAt: now.toISOString(), ...window, rows };
  await db.upsertLocal<CachedPoolSummary>(POOL_SUMMARY_DOC, cached);
  return cached;
}

export async function readPoolSummary(db: ClinicDatabase): Promise<CachedPoolSummary | undefined> {
  const doc = await db.getLocal<CachedPoolSummary>(POOL_SUMMARY_DOC);
  return doc ? (doc.toJSON().data as CachedPoolSummary) : undefined;
}

/** Open online slots per hospital, from today on (rows of past days in an old cache do not count). */
export function onlineOpenByHospital(
  summary: CachedPoolSummary | undefined,
  today: string,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const row of summary?.rows ?? []) {
    if (row.date < today) continue;
    counts.set(row.hospitalId, (counts.get(row.hospitalId) ?? 0) + row.open);
  }
  return counts;
}
