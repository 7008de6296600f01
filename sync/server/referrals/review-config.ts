/**
 * Per-facility review configuration (免审 per side, review levels), kept in
 * the county database so every gateway process judges with the same rules and
 * a county admin changes them without a restart (`county-cli review-config`).
 */
import {
  DEFAULT_REVIEW_CONFIG,
  MAX_INCOMING_LEVELS,
  type ReviewConfig,
} from '../../protocol/referral/state-machine';
import type { Database, Queryable } from '../db/driver';
import { facilityByCode, RegistryError } from '../facilities/registry';

interface Row {
  facility_id: string;
  outgoing_review_free: boolean;
  outgoing_levels: number;
  incoming_review_free: boolean;
  incoming_levels: number;
}

function configOf(row: Row): ReviewConfig {
  return {
    outgoingReviewFree: row.outgoing_review_free,
    outgoingLevels: row.outgoing_levels as ReviewConfig['outgoingLevels'],
    incomingReviewFree: row.incoming_review_free,
    incomingLevels: row.incoming_levels as ReviewConfig['incomingLevels'],
  };
}

/** The stored configuration of these facilities; facilities without a row are absent (= default). */
export async function reviewConfigsOf(
  tx: Queryable,
  facilityIds?: readonly string[],
): Promise<Record<string, ReviewConfig>> {
  const { rows } = await tx.query<Row>(
    `SELECT facility_id, outgoing_review_free, outgoing_levels, incoming_review_free, incoming_levels
       FROM review_config ${facilityIds ? 'WHERE facility_id = ANY($1::text[])' : ''}`,
    facilityIds ? [[...new Set(facilityIds)]] : [],
  );
  return Object.fromEntries(rows.map((row) => [row.facility_id, configOf(row)]));
}

/**
 * Command-line flags → a partial configuration. Pure; refuses anything but the
 * documented values with a sentence naming the flag.
 */
export function parseReviewConfigFlags(flags: {
  'outgoing-free'?: string | undefined;
  'outgoing-levels'?: string | undefined;
  'incoming-free'?: string | undefined;
  'incoming-levels'?: string | undefined;
}): Partial<ReviewConfig> {
  const patch: Partial<ReviewConfig> = {};
  const yesNo = (flag: string, value: string): boolean => {
    if (value === 'true' || value === 'yes') return true;
    if (value === 'false' || value === 'no') return false;
    throw new RegistryError(`--${flag} must be true or false, not "${value}"`);
  };
  const levels = (flag: string, value: string, max: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new RegistryError(`--${flag} must be a whole number from 1 to ${max}, not "${value}"`);
    }
    return n;
  };
  if (flags['outgoing-free'] !== undefined)
    patch.outgoingReviewFree = yesNo('outgoing-free', flags['outgoing-free']);
  if (flags['incoming-free'] !== undefined)
    patch.incomingReviewFree = yesNo('incoming-free', flags['incoming-free']);
  if (flags['outgoing-levels'] !== undefined) {
    patch.outgoingLevels = levels('outgoing-levels', flags['outgoing-levels'], 2) as 1 | 2;
  }
  if (flags['incoming-levels'] !== undefined) {
    patch.incomingLevels = levels('incoming-levels', flags['incoming-levels'], MAX_INCOMING_LEVELS) as
      | 1
      | 2
      | 3;
  }
  return patch;
}

/** Changes the given fields of one facility's configuration (the rest stay); returns the result. */
export async function setReviewConfig(
  db: Database,
  facilityCode: string,
  patch: Partial<ReviewConfig>,
): Promise<ReviewConfig> {
  return db.transaction(async (tx) => {
    const facility = await facilityByCode(tx, facilityCode);
    const current = (await reviewConfigsOf(tx, [facility.id]))[facility.id] ?? DEFAULT_REVIEW_CONFIG;
    const next: ReviewConfig = { ...current, ...patch };
    await tx.query(
      `INSERT INTO review_config
         (facility_id, outgoing_review_free, outgoing_levels, incoming_review_free, incoming_levels)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (facility_id) DO UPDATE SET
         outgoing_review_free = EXCLUDED.outgoing_review_free, outgoing_levels = EXCLUDED.outgoing_levels,
         incoming_review_free = EXCLUDED.incoming_review_free, incoming_levels = EXCLUDED.incoming_levels,
         updated_at = now()`,
      [
        facility.id,
        next.outgoingReviewFree,
        next.outgoingLevels,
        next.incomingReviewFree,
        next.incomingLevels,
      ],
    );
    return next;
  });
}

/** One line for the CLI, in the county's words. */
export function describeReviewConfig(config: ReviewConfig): string {
  const outgoing = config.outgoingReviewFree ? '转出免审' : `转出审核 ${config.outgoingLevels} 级`;
  const incoming = config.incomingReviewFree ? '转入免审' : `转入审核 ${config.incomingLevels} 级`;
  return `${outgoing} / ${incoming}`;
}
