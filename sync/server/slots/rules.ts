/**
 * The slot pool's rules as pure functions: row validation, slot identity,
 * quota allocation, the no-show blacklist, hold expiry and the nightly upload
 * deadline. No I/O: the service feeds them rows and the gateway clock.
 */
import { createHash } from 'node:crypto';
import { SLOT_KINDS } from '../../protocol/schema/scheduling';
import {
  addDays,
  COUNTY_TIME_ZONE,
  DEFAULT_HOLD_SECONDS,
  MAX_HOLD_SECONDS,
  MIN_QUOTA_SHARE,
  NIGHTLY_DEADLINE,
  type PublishedSlot,
  type SlotKind,
  type SlotPeriod,
} from '../../protocol/slots';

export const SLOT_PERIODS: readonly SlotPeriod[] = ['am', 'pm', 'night', 'day'];
const PRIMARY_LEVELS = new Set(['village', 'township']);
const HOSPITAL_LEVELS = new Set(['township', 'county', 'city']);

/** What a publishing facility's rows are checked against. */
export interface Directory {
  facilityLevel: string;
  departments: ReadonlyArray<{ id: string; name: string }>;
  doctors: ReadonlyArray<{ id: string; name: string; departmentId?: string | undefined }>;
}

export interface FieldProblem {
  field?: string;
  reason: string;
}

export type RowCheck =
  | { ok: true; slot: Required<Pick<PublishedSlot, 'number' | 'green'>> & PublishedSlot }
  | {
      ok: false;
      problems: FieldProblem[];
    };

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

function isRealDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const t = Date.parse(`${value}T12:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === value;
}

/**
 * One published row, typed and checked: kind allowed for this facility, date in
 * the pool window, department and doctor of this facility (by id or by name, as
 * a hand-made sheet names them), time, number, fee. Every problem is listed.
 */
export function checkPublishedRow(
  row: Record<string, unknown>,
  directory: Directory,
  window: { from: string; to: string },
): RowCheck {
  const problems: FieldProblem[] = [];
  const text = (field: string): string | undefined => {
    const value = row[field];
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value.trim() : String(value);
  };

  const kind = text('kind');
  if (!kind) problems.push({ field: 'kind', reason: 'kind is missing' });
  else if (!(SLOT_KINDS as readonly string[]).includes(kind)) {
    problems.push({ field: 'kind', reason: `kind "${kind}" is not one of ${SLOT_KINDS.join(', ')}` });
  } else if (kind === 'virtual' && !PRIMARY_LEVELS.has(directory.facilityLevel)) {
    problems.push({ field: 'kind', reason: 'only village and township facilities publish virtual slots' });
  } else if (kind !== 'virtual' && !HOSPITAL_LEVELS.has(directory.facilityLevel)) {
    problems.push({
      field: 'kind',
      reason: `a ${directory.facilityLevel} facility publishes virtual slots only`,
    });
  }

  const date = text('date');
  if (!date) problems.push({ field: 'date', reason: 'date is missing' });
  else if (!isRealDate(date))
    problems.push({ field: 'date', reason: `date "${date}" is not a YYYY-MM-DD day` });
  else if (date < window.from || date > window.to) {
    problems.push({
      field: 'date',
      reason: `date ${date} is outside the pool (${window.from} to ${window.to}: today and the next 6 days)`,
    });
  }

  const period = text('period');
  if (!period) problems.push({ field: 'period', reason: 'period is missing' });
  else if (!(SLOT_PERIODS as readonly string[]).includes(period)) {
    problems.push({ field: 'period', reason: `period "${period}" is not one of ${SLOT_PERIODS.join(', ')}` });
  }

  const startTime = text('startTime');
  if (startTime !== undefined && !TIME.test(startTime)) {
    problems.push({ field: 'startTime', reason: `start time "${startTime}" is not HH:MM` });
  } else if (startTime === undefined && kind === 'outpatient') {
    problems.push({ field: 'startTime', reason: 'an outpatient slot needs a start time' });
  }

  const departmentRef = text('departmentId');
  let departmentId: string | undefined;
  if (!departmentRef) problems.push({ field: 'departmentId', reason: 'department is missing' });
  else {
    const found = resolveByIdOrName(directory.departments, departmentRef);
    if (found.kind === 'one') departmentId = found.id;
    else {
      problems.push({
        field: 'departmentId',
        reason:
          found.kind === 'many'
            ? `department "${departmentRef}" names more than one department; use its id`
            : `department "${departmentRef}" is not a department of this facility`,
      });
    }
  }

  const doctorRef = text('doctorId');
  let doctorId: string | undefined;
  if (doctorRef) {
    const found = resolveByIdOrName(directory.doctors, doctorRef);
    if (found.kind === 'one') doctorId = found.id;
    else {
      problems.push({
        field: 'doctorId',
        reason:
          found.kind === 'many'
            ? `doctor "${doctorRef}" names more than one doctor here; use the staff id`
            : `doctor "${doctorRef}" is not on this facility's staff`,
      });
    }
  }

  const number = integerField(row.number, 'number', 1, 100_000, problems) ?? 1;
  const feeCents = integerField(row.feeCents, 'feeCents', 0, 10_000_000, problems);

  let green = true;
  if (row.green !== undefined && row.green !== null && row.green !== '') {
    if (typeof row.green === 'boolean') green = row.green;
    else problems.push({ field: 'green', reason: 'green must be true or false' });
  }

  if (problems.length > 0 || !kind || !date || !period || !departmentId) return { ok: false, problems };
  return {
    ok: true,
    slot: {
      kind: kind as SlotKind,
      date,
      period: period as SlotPeriod,
      ...(startTime ? { startTime } : {}),
      departmentId,
      ...(doctorId ? { doctorId } : {}),
      number,
      ...(feeCents !== undefined ? { feeCents } : {}),
      green,
    },
  };
}

function integerField(
  value: unknown,
  field: string,
  min: number,
  max: number,
  problems: FieldProblem[],
): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push({ field, reason: `${field} must be a whole number from ${min} to ${max}` });
    return undefined;
  }
  return n;
}

function resolveByIdOrName(
  items: ReadonlyArray<{ id: string; name: string }>,
  ref: string,
): { kind: 'one'; id: string } | { kind: 'none' } | { kind: 'many' } {
  const byId = items.find((item) => item.id === ref);
  if (byId) return { kind: 'one', id: byId.id };
  const byName = items.filter((item) => item.name === ref);
  if (byName.length === 1 && byName[0]) return { kind: 'one', id: byName[0].id };
  return byName.length > 1 ? { kind: 'many' } : { kind: 'none' };
}

/**
 * A slot's id is made from its natural key, so publishing the same slot again
 * (a repeated nightly upload, an API retry) names the same slot.
 */
export function slotIdOf(hospitalId: string, slot: PublishedSlot): string {
  const key = [
    hospitalId,
    slot.kind,
    slot.date,
    slot.period,
    slot.departmentId,
    slot.doctorId ?? '',
    String(slot.number ?? 1),
  ].join('\u0000');
  return `slot-${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
}

/* ---------------------------------------------------------------------------------------- */
/* Quota allocation (配额模式)                                                               */
/* ---------------------------------------------------------------------------------------- */

export interface AllocationRule {
  hospitalId: string;
  kind: SlotKind;
  /** '' = every department. */
  departmentId: string;
  /** '' = every doctor. */
  doctorId: string;
  share: number;
  facilityIds: string[];
}

/** Why a rule cannot be stored, or null. */
export function checkAllocationRule(rule: AllocationRule): string | null {
  if (!Number.isFinite(rule.share) || rule.share <= 0 || rule.share > 1) {
    return 'the share must be above 0 and at most 1 (e.g. 0.2 for 20%)';
  }
  if (rule.kind === 'outpatient' && rule.share < MIN_QUOTA_SHARE) {
    return `at least ${MIN_QUOTA_SHARE * 100}% of outpatient green slots go to primary facilities`;
  }
  if (rule.kind === 'virtual') return 'virtual slots are booked online, not allocated';
  if (rule.facilityIds.length === 0) return 'name at least one primary facility to allocate to';
  if (new Set(rule.facilityIds).size !== rule.facilityIds.length) return 'a facility is named twice';
  return null;
}

/** The most specific rule for a slot: its doctor's, else its department's, else its hospital's. */
export function ruleFor(
  rules: readonly AllocationRule[],
  slot: { kind: SlotKind; departmentId: string; doctorId?: string | undefined },
): AllocationRule | null {
  const candidates = rules.filter(
    (rule) =>
      rule.kind === slot.kind &&
      (rule.departmentId === '' || rule.departmentId === slot.departmentId) &&
      (rule.doctorId === '' || rule.doctorId === (slot.doctorId ?? '')),
  );
  const rank = (rule: AllocationRule): number => (rule.doctorId ? 2 : 0) + (rule.departmentId ? 1 : 0);
  return candidates.sort((a, b) => rank(b) - rank(a))[0] ?? null;
}

export interface GroupSlot {
  id: string;
  startTime?: string | undefined;
  number: number;
  green: boolean;
  /** Slots the county already has keep their mode and allocation. */
  existing?: { allocatedTo: string | null } | undefined;
}

/**
 * Allocates one session's slots (same hospital, kind, day, period, department,
 * doctor). ceil(share × green slots) are quota; slots already at the county
 * keep what they have, and new slots make up the difference, spread evenly
 * over the session. Each goes to the named facility dealt the fewest so far:
 * `dealt` carries the tally from session to session of one upload, so small
 * sessions do not all favour the first facility named.
 * Returns allocatedTo per NEW slot id (null = online).
 */
export function allocateSession(
  slots: readonly GroupSlot[],
  rule: AllocationRule | null,
  dealt: Map<string, number> = new Map(),
): Map<string, string | null> {
  const result = new Map<string, string | null>();
  const fresh = slots.filter((slot) => !slot.existing);
  for (const slot of fresh) result.set(slot.id, null);
  if (!rule) return result;
  const green = slots.filter((slot) => slot.green);
  const target = Math.ceil(rule.share * green.length - 1e-9);
  const already = slots.filter((slot) => slot.existing?.allocatedTo).length;
  const candidates = fresh
    .filter((slot) => slot.green)
    .sort((a, b) => (a.startTime ?? '').localeCompare(b.startTime ?? '') || a.number - b.number);
  const need = Math.min(Math.max(0, target - already), candidates.length);
  for (let i = 0; i < need; i += 1) {
    const slot = candidates[Math.floor(((i + 0.5) * candidates.length) / need)];
    if (!slot) continue;
    let to = rule.facilityIds[0] as string;
    for (const id of rule.facilityIds) if ((dealt.get(id) ?? 0) < (dealt.get(to) ?? 0)) to = id;
    dealt.set(to, (dealt.get(to) ?? 0) + 1);
    result.set(slot.id, to);
  }
  return result;
}

/** Sessions of a publish: slots grouped by everything but time and number. */
export function sessionKey(hospitalId: string, slot: PublishedSlot): string {
  return [hospitalId, slot.kind, slot.date, slot.period, slot.departmentId, slot.doctorId ?? ''].join('|');
}

/* ---------------------------------------------------------------------------------------- */
/* No-show blacklist                                                                        */
/* ---------------------------------------------------------------------------------------- */

export interface BlacklistPolicy {
  /** This many no-shows … */
  noShows: number;
  /** … within this many days … */
  withinDays: number;
  /** … block online booking for this many days after the last of them. 0 noShows = no blacklist. */
  blockDays: number;
}

export const DEFAULT_BLACKLIST_POLICY: BlacklistPolicy = { noShows: 3, withinDays: 90, blockDays: 90 };

export function checkBlacklistPolicy(policy: BlacklistPolicy): string | null {
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isInteger(value) || value < 0) return `${key} must be a whole number, 0 or more`;
  }
  if (policy.noShows > 0 && (policy.withinDays < 1 || policy.blockDays < 1)) {
    return 'withinDays and blockDays must be at least 1';
  }
  return null;
}

/**
 * Whether a patient may book online today, from the days of their no-shows.
 * Every run of `noShows` no-shows within `withinDays` blocks until the last of
 * them plus `blockDays`; the block lasts even after the run leaves the window.
 * `until` is the first day booking is open again.
 */
export function blacklistStatus(
  noShowDates: readonly string[],
  policy: BlacklistPolicy,
  today: string,
): { blocked: false } | { blocked: true; until: string } {
  if (policy.noShows <= 0) return { blocked: false };
  const dates = [...noShowDates].filter((d) => d <= today).sort();
  let until: string | null = null;
  for (let i = policy.noShows - 1; i < dates.length; i += 1) {
    const first = dates[i - policy.noShows + 1] as string;
    const last = dates[i] as string;
    if (first > addDays(last, -policy.withinDays)) {
      const end = addDays(last, policy.blockDays);
      if (!until || end > until) until = end;
    }
  }
  return until && until > today ? { blocked: true, until } : { blocked: false };
}

/* ---------------------------------------------------------------------------------------- */
/* Holds                                                                                    */
/* ---------------------------------------------------------------------------------------- */

/** The hold length asked for, or why it is refused. */
export function holdSeconds(asked: unknown): number | string {
  if (asked === undefined || asked === null) return DEFAULT_HOLD_SECONDS;
  if (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 30 || asked > MAX_HOLD_SECONDS) {
    return `holdSeconds must be a whole number from 30 to ${MAX_HOLD_SECONDS}`;
  }
  return asked;
}

/** A hold lapses at its end: from that instant another facility may take the slot. */
export function holdExpired(holdUntil: string | Date, now: Date): boolean {
  return new Date(holdUntil).getTime() <= now.getTime();
}

/* ---------------------------------------------------------------------------------------- */
/* Nightly upload deadline                                                                   */
/* ---------------------------------------------------------------------------------------- */

/** The instant of the nightly deadline on a county-local day (Asia/Shanghai has no DST: UTC+8). */
export function deadlineOf(night: string): Date {
  if (COUNTY_TIME_ZONE !== 'Asia/Shanghai') throw new Error('deadlineOf assumes UTC+8');
  return new Date(`${night}T${NIGHTLY_DEADLINE}:00+08:00`);
}

/** The night whose deadline passed last: before 01:00 that is yesterday's. */
export function lastNight(now: Date, countyToday: string): string {
  return now.getTime() >= deadlineOf(countyToday).getTime() ? countyToday : addDays(countyToday, -1);
}

export type UploadStatus =
  | { status: 'on-time'; at: string }
  | { status: 'late'; at: string }
  | { status: 'missing' };

/**
 * A hospital's upload for `night` is on time if one landed after the previous
 * night's deadline and before this one, late if the first came after the
 * deadline, missing if none came at all.
 */
export function uploadStatus(uploadTimes: readonly string[], night: string): UploadStatus {
  const opens = deadlineOf(addDays(night, -1)).getTime();
  const closes = deadlineOf(night).getTime();
  const times = uploadTimes
    .map((t) => new Date(t).getTime())
    .filter((t) => t > opens)
    .sort((a, b) => a - b);
  const onTime = times.find((t) => t <= closes);
  if (onTime !== undefined) return { status: 'on-time', at: new Date(onTime).toISOString() };
  const first = times[0];
  return first !== undefined ? { status: 'late', at: new Date(first).toISOString() } : { status: 'missing' };
}
