/**
 * Referral statistics of one clinic, from what it holds locally: its own
 * referrals (转出) and those sent to it (转入), with their commands and the
 * county's outcomes. Pure functions over plain documents: the page observes
 * the collections and calls `referralFacts` then `summarise`.
 *
 * Times are the county's (`outcome.appliedAt`), so two clinics with wrong
 * clocks still agree; months are China Standard Time (UTC+8).
 */

import { canonicalCommand } from '../../../sync/protocol/referral/state-machine';
import type { ReferralCommandDoc, ReferralDoc } from '../../../sync/protocol/schema';
import {
  REFERRAL_DIRECTIONS,
  REFERRAL_TYPES,
  type ReferralDirection,
  type ReferralType,
} from '../../../sync/protocol/schema/referrals';

export type Side = 'outgoing' | 'incoming';
export const SIDES: readonly Side[] = ['outgoing', 'incoming'];

/** What one submitted referral contributes to the statistics. */
export interface ReferralFacts {
  id: string;
  side: Side;
  direction: ReferralDirection;
  type: ReferralType;
  /** The other institution: where we sent the patient (accepted, else first target), or who sent them. */
  counterpartId: string;
  /** Our doctor: who referred (转出) or who took the patient in (转入); undefined when unknown. */
  doctorId: string | undefined;
  /** First submit the county applied (county clock). */
  submittedAt: string;
  /** YYYY-MM in China Standard Time. */
  month: string;
  /** Refused by a review or at arrangement (自动驳回 counted apart). */
  rejected: boolean;
  autoRejected: boolean;
  /** Hours from the first submit to the arrival the receiving side recorded. */
  hoursToArrival: number | undefined;
}

const CST_MS = 8 * 3600_000;
const HOUR_MS = 3600_000;

export function monthOf(iso: string): string {
  return new Date(Date.parse(iso) + CST_MS).toISOString().slice(0, 7);
}

const applied = (command: ReferralCommandDoc): boolean => command.outcome?.status === 'applied';

function appliedAt(command: ReferralCommandDoc): number {
  return Date.parse(command.outcome?.appliedAt ?? command.createdAt);
}

/** Commands that take the patient in at the receiving side (the doctor credited with an incoming referral). */
const RECEIVING = new Set(['review', 'arrange', 'attend', 'complete']);

/**
 * One entry per referral that reached the county as a submit (drafts and
 * drafts cancelled before sending are not referrals yet).
 */
export function referralFacts(
  facilityId: string,
  referrals: readonly ReferralDoc[],
  commands: readonly ReferralCommandDoc[],
): ReferralFacts[] {
  const byReferral = new Map<string, ReferralCommandDoc[]>();
  for (const command of commands) {
    const list = byReferral.get(command.referralId) ?? [];
    list.push(command);
    byReferral.set(command.referralId, list);
  }
  const facts: ReferralFacts[] = [];
  for (const referral of referrals) {
    const side: Side | null =
      referral.facilityId === facilityId
        ? 'outgoing'
        : referral.targetFacilityIds.includes(facilityId)
          ? 'incoming'
          : null;
    if (!side) continue;
    const history = [...(byReferral.get(referral.id) ?? [])].sort((a, b) => appliedAt(a) - appliedAt(b));
    const submits = history.filter((c) => c.command === 'submit' && applied(c));
    const firstSubmit = submits[0];
    // Without its submit command (not pulled yet) a referral past draft still counts, from its own stamp.
    if (!firstSubmit && (referral.state === 'draft' || referral.state === 'cancelled')) continue;
    const submittedAt = firstSubmit?.outcome?.appliedAt ?? referral.countyTime ?? referral.createdAt;
    const autoRejected =
      referral.state === 'auto-rejected' ||
      history.some(
        (c) => (c.command === 'expire' && applied(c)) || c.outcome?.reason === 'review-deadline-passed',
      );
    const rejected = referral.state === 'rejected' || (submits.length > 1 && !autoRejected);
    const arrival = history.find(
      (c) => c.command === 'attend' && applied(c) && (c.payload as { attended?: unknown }).attended === true,
    );
    const hoursToArrival = arrival?.outcome
      ? Math.max(0, (Date.parse(arrival.outcome.appliedAt) - Date.parse(submittedAt)) / HOUR_MS)
      : undefined;
    const receiver = history.find(
      (c) =>
        c.facilityId === facilityId &&
        applied(c) &&
        RECEIVING.has(canonicalCommand({ command: c.command, payload: c.payload }).command),
    );
    facts.push({
      id: referral.id,
      side,
      direction: referral.direction,
      type: referral.type,
      counterpartId:
        side === 'outgoing'
          ? (referral.acceptedFacilityId ?? referral.targetFacilityIds[0] ?? '')
          : referral.facilityId,
      doctorId: side === 'outgoing' ? referral.createdBy : receiver?.createdBy,
      submittedAt,
      month: monthOf(submittedAt),
      rejected,
      autoRejected,
      hoursToArrival,
    });
  }
  return facts;
}

export interface SideCounts {
  outgoing: number;
  incoming: number;
}

export interface Rates {
  submitted: number;
  rejected: number;
  autoRejected: number;
  /** 0..1; 0 when nothing was submitted. */
  rejectionRate: number;
  autoRejectionRate: number;
}

export interface ArrivalTimes {
  count: number;
  medianHours: number | undefined;
  p90Hours: number | undefined;
}

export const ARRIVAL_BUCKETS = ['within-1d', '1-3d', '3-7d', 'over-7d'] as const;
export type ArrivalBucket = (typeof ARRIVAL_BUCKETS)[number];

export interface Statistics {
  total: SideCounts;
  byDirection: Array<{ direction: ReferralDirection } & SideCounts>;
  byType: Array<{ type: ReferralType } & SideCounts>;
  /** Ranked, most referrals first. */
  byInstitution: Array<{ facilityId: string; rejected: number; autoRejected: number } & SideCounts>;
  byDoctor: Array<{ doctorId: string } & SideCounts>;
  /** Every month from the first to the last with referrals, none skipped. */
  byMonth: Array<{ month: string } & SideCounts>;
  rates: Record<Side, Rates>;
  arrival: Record<Side, ArrivalTimes>;
  arrivalBuckets: Array<{ bucket: ArrivalBucket } & SideCounts>;
}

function tally<K extends string>(
  facts: readonly ReferralFacts[],
  key: (fact: ReferralFacts) => K | undefined,
): Map<K, SideCounts> {
  const counts = new Map<K, SideCounts>();
  for (const fact of facts) {
    const k = key(fact);
    if (k === undefined) continue;
    const entry = counts.get(k) ?? { outgoing: 0, incoming: 0 };
    entry[fact.side] += 1;
    counts.set(k, entry);
  }
  return counts;
}

const byTotal = (a: SideCounts, b: SideCounts): number => b.outgoing + b.incoming - (a.outgoing + a.incoming);

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

export function arrivalBucket(hours: number): ArrivalBucket {
  if (hours < 24) return 'within-1d';
  if (hours < 72) return '1-3d';
  if (hours < 168) return '3-7d';
  return 'over-7d';
}

function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let [year, month] = first.split('-').map(Number) as [number, number];
  for (let guard = 0; guard < 1200; guard += 1) {
    const label = `${year}-${String(month).padStart(2, '0')}`;
    months.push(label);
    if (label >= last) break;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  return months;
}

function ratesOf(facts: readonly ReferralFacts[]): Rates {
  const submitted = facts.length;
  const rejected = facts.filter((f) => f.rejected).length;
  const autoRejected = facts.filter((f) => f.autoRejected).length;
  return {
    submitted,
    rejected,
    autoRejected,
    rejectionRate: submitted ? rejected / submitted : 0,
    autoRejectionRate: submitted ? autoRejected / submitted : 0,
  };
}

function arrivalOf(facts: readonly ReferralFacts[]): ArrivalTimes {
  const hours = facts
    .map((f) => f.hoursToArrival)
    .filter((h): h is number => h !== undefined)
    .sort((a, b) => a - b);
  return { count: hours.length, medianHours: percentile(hours, 50), p90Hours: percentile(hours, 90) };
}

export function summarise(facts: readonly ReferralFacts[]): Statistics {
  const sides = (counts: SideCounts | undefined): SideCounts => counts ?? { outgoing: 0, incoming: 0 };
  const directions = tally(facts, (f) => f.direction);
  const types = tally(facts, (f) => f.type);
  const months = tally(facts, (f) => f.month);
  const monthKeys = [...months.keys()].sort();
  const institutions = tally(facts, (f) => f.counterpartId || undefined);
  const buckets = tally(facts, (f) =>
    f.hoursToArrival === undefined ? undefined : arrivalBucket(f.hoursToArrival),
  );
  return {
    total: {
      outgoing: facts.filter((f) => f.side === 'outgoing').length,
      incoming: facts.filter((f) => f.side === 'incoming').length,
    },
    byDirection: REFERRAL_DIRECTIONS.map((direction) => ({ direction, ...sides(directions.get(direction)) })),
    byType: REFERRAL_TYPES.map((type) => ({ type, ...sides(types.get(type)) })),
    byInstitution: [...institutions.entries()]
      .map(([facilityId, counts]) => {
        const mine = facts.filter((f) => f.counterpartId === facilityId);
        return {
          facilityId,
          ...counts,
          rejected: mine.filter((f) => f.rejected).length,
          autoRejected: mine.filter((f) => f.autoRejected).length,
        };
      })
      .sort((a, b) => byTotal(a, b) || a.facilityId.localeCompare(b.facilityId)),
    byDoctor: [...tally(facts, (f) => f.doctorId).entries()]
      .map(([doctorId, counts]) => ({ doctorId, ...counts }))
      .sort((a, b) => byTotal(a, b) || a.doctorId.localeCompare(b.doctorId)),
    byMonth:
      monthKeys.length === 0
        ? []
        : monthsBetween(monthKeys[0] as string, monthKeys.at(-1) as string).map((month) => ({
            month,
            ...sides(months.get(month)),
          })),
    rates: {
      outgoing: ratesOf(facts.filter((f) => f.side === 'outgoing')),
      incoming: ratesOf(facts.filter((f) => f.side === 'incoming')),
    },
    arrival: {
      outgoing: arrivalOf(facts.filter((f) => f.side === 'outgoing')),
      incoming: arrivalOf(facts.filter((f) => f.side === 'incoming')),
    },
    arrivalBuckets: ARRIVAL_BUCKETS.map((bucket) => ({ bucket, ...sides(buckets.get(bucket)) })),
  };
}

/** The period the page shows: referrals submitted from `from` (inclusive) to `to` (exclusive). */
export function withinPeriod(
  facts: readonly ReferralFacts[],
  period: { from?: string; to?: string },
): ReferralFacts[] {
  return facts.filter(
    (f) => (!period.from || f.submittedAt >= period.from) && (!period.to || f.submittedAt < period.to),
  );
}

export const PERIODS = ['this-month', 'last-3-months', 'last-12-months', 'all'] as const;
export type Period = (typeof PERIODS)[number];

/** Start of the period, as an ISO instant, counted in China Standard Time months from `now`. */
export function periodStart(period: Period, now: Date): string | undefined {
  if (period === 'all') return undefined;
  const back = period === 'this-month' ? 0 : period === 'last-3-months' ? 2 : 11;
  const local = new Date(now.getTime() + CST_MS);
  const start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth() - back, 1) - CST_MS;
  return new Date(start).toISOString();
}
