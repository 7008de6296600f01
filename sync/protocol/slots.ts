/**
 * The slot API (号源) between facilities and the county gateway, shared by both
 * sides. Slots themselves replicate as `slots` documents (schema in
 * `schema/scheduling.ts`); these routes are the parts that cannot be offline:
 * publishing, the online pool, and the real-time lock of an online slot.
 *
 *   POST /v1/slots/publish        a facility publishes its own slots (idempotent by natural key)
 *   GET  /v1/slots/pool/summary   open online slots counted by hospital/department/date/period/kind
 *   GET  /v1/slots/pool/open      open online slots of one hospital (department, date optional)
 *   POST /v1/slots/lock           hold one online slot for a patient (exactly one of many wins)
 *   POST /v1/slots/confirm        turn the hold into a booking
 *   POST /v1/slots/release        give a held or booked slot back to its owner
 *   POST /v1/slots/doctor-status  a hospital suspends (停诊) or reinstates one of its doctors, at once
 *   POST /v1/slots/department-name  a hospital renames one of its departments, at once
 *
 * Two modes (配额模式 / 在线预约模式):
 * - quota: the county allocates a share of a hospital's green slots to named
 *   primary facilities (`allocatedTo`). The slot replicates to that facility
 *   (scope = owner + allocatedTo), which books it OFFLINE by pushing an
 *   `appointments` document with `slotId`; no lock, no possible conflict. On
 *   push the gateway marks the slot booked. A booking it cannot take (the slot
 *   is booked by another appointment, allocated to another facility, unknown
 *   or suspended) comes back in the push response's `conflicts` as the
 *   appointment with `status: 'needs-rebooking'` and `slotRefusal` set.
 *   Cancelling the appointment (status 'cancelled' or deleted) returns the slot
 *   to its allocated facility; 'missed' does too and counts as a no-show.
 * - online: every other open slot, booked through lock → confirm. While held or
 *   booked the slot also replicates to the holding facility (scope + heldBy), so
 *   a suspension (停诊) reaches it on its next pull.
 *
 * Virtual slots (kind 'virtual') are capacity a primary facility publishes for
 * downward referrals; hospitals book them online.
 *
 * Every refusal is a 4xx `{ error: SlotErrorCode, message, row?, field? }`.
 */
import type { SlotDoc } from './schema/scheduling';

export const SLOTS_PREFIX = '/v1/slots';
export const SLOT_ROUTES = {
  publish: `${SLOTS_PREFIX}/publish`,
  poolSummary: `${SLOTS_PREFIX}/pool/summary`,
  poolOpen: `${SLOTS_PREFIX}/pool/open`,
  lock: `${SLOTS_PREFIX}/lock`,
  confirm: `${SLOTS_PREFIX}/confirm`,
  release: `${SLOTS_PREFIX}/release`,
  doctorStatus: `${SLOTS_PREFIX}/doctor-status`,
  departmentName: `${SLOTS_PREFIX}/department-name`,
} as const;

/** The county's time zone: pool days, the nightly deadline and "today" are counted in it. */
export const COUNTY_TIME_ZONE = 'Asia/Shanghai';
/** The pool holds today plus this many following days. */
export const POOL_DAYS_AHEAD = 6;
/** A hospital's nightly upload must land before this county-local time. */
export const NIGHTLY_DEADLINE = '01:00';
/** Default and maximum time an online hold lasts before the slot frees itself. */
export const DEFAULT_HOLD_SECONDS = 600;
export const MAX_HOLD_SECONDS = 1800;
/** A quota share below this (10% of outpatient green slots) is refused. */
export const MIN_QUOTA_SHARE = 0.1;

export type SlotKind = SlotDoc['kind'];
export type SlotPeriod = SlotDoc['period'];
export type SlotState = SlotDoc['state'];

/**
 * One slot as a facility publishes it (API body row, CSV/XLSX row). The natural
 * key is (kind, date, period, departmentId, doctorId, number): publishing the
 * same key again updates that slot (time, fee, green) and never touches its
 * booking, so a nightly upload may be repeated.
 */
export interface PublishedSlot {
  kind: SlotKind;
  /** YYYY-MM-DD, county-local, within today … today + POOL_DAYS_AHEAD. */
  date: string;
  period: SlotPeriod;
  /** HH:MM; required for outpatient slots. */
  startTime?: string;
  departmentId: string;
  /** Outpatient slots name their doctor (a `staff` id of the publishing facility). */
  doctorId?: string;
  /** 号序 / bed number / capacity unit: tells apart slots that share everything else. Default 1. */
  number?: number;
  feeCents?: number;
  /** 绿色号源: in the green channel (quota allocation draws from these). Default true. */
  green?: boolean;
}

export interface PublishRequest {
  slots: PublishedSlot[];
}

export interface RowProblem {
  /** API: index in `slots` (0-based). Import: line in the file (1-based, the header is line 1). */
  row: number;
  field?: string;
  reason: string;
}

export interface PublishResponse {
  /** Slots new at the county. */
  created: number;
  /** Known slots whose published fields changed. */
  updated: number;
  /** Known slots published again unchanged. */
  unchanged: number;
  /** Of the created ones, how many the county allocated to primary facilities (quota). */
  allocated: number;
  /** Rows not taken, each with its reason; the others were taken. */
  rejected: RowProblem[];
}

export interface PoolSummaryQuery {
  /** YYYY-MM-DD; default today (county-local). */
  from?: string;
  /** YYYY-MM-DD; default today + POOL_DAYS_AHEAD. */
  to?: string;
  hospitalId?: string;
  kind?: SlotKind;
}

export interface PoolSummaryRow {
  hospitalId: string;
  departmentId: string;
  date: string;
  period: SlotPeriod;
  kind: SlotKind;
  open: number;
}

export interface PoolSummaryResponse {
  rows: PoolSummaryRow[];
}

export interface PoolOpenQuery {
  hospitalId: string;
  departmentId?: string;
  date?: string;
  kind?: SlotKind;
}

export interface OpenSlot {
  slotId: string;
  hospitalId: string;
  kind: SlotKind;
  departmentId: string;
  doctorId?: string;
  date: string;
  period: SlotPeriod;
  startTime?: string;
  number: number;
  feeCents?: number;
  green: boolean;
}

export interface PoolOpenResponse {
  slots: OpenSlot[];
}

export const SLOT_PURPOSES = ['referral', 'follow-up', 'rehabilitation'] as const;
export type SlotPurpose = (typeof SLOT_PURPOSES)[number];

export interface LockRequest {
  slotId: string;
  patientId: string;
  purpose: SlotPurpose;
  /** The referral (or other record) this booking is for. */
  referenceId?: string;
  /** Default DEFAULT_HOLD_SECONDS, at most MAX_HOLD_SECONDS. */
  holdSeconds?: number;
}

export interface LockResponse {
  slotId: string;
  /** Proof of the hold: confirm and release need it. */
  lockId: string;
  /** Gateway time (ISO 8601 UTC) when the hold lapses unless confirmed. */
  holdUntil: string;
}

export interface ConfirmRequest {
  slotId: string;
  lockId: string;
  /** The clinic's appointment document for this booking (pushed with `slotId`). */
  appointmentId: string;
}

export interface ConfirmResponse {
  slotId: string;
  state: 'booked';
  appointmentId: string;
}

export const RELEASE_REASONS = ['cancelled', 'rejected', 'no-show', 'discharged', 'expired'] as const;
export type ReleaseReason = (typeof RELEASE_REASONS)[number];

/**
 * The holder releases with its `lockId` or `appointmentId`; the owning
 * hospital may release any of its slots (no-show, discharge, rejection).
 * 'expired' is the gateway's own reason (a lapsed hold) and is not accepted here.
 */
export interface ReleaseRequest {
  slotId: string;
  lockId?: string;
  appointmentId?: string;
  reason: Exclude<ReleaseReason, 'expired'>;
}

export interface ReleaseResponse {
  slotId: string;
  state: SlotState;
}

/** Suspension marks the doctor's slots from `from` (default today) as 'suspended'; reinstating lifts them all. */
export interface DoctorStatusRequest {
  doctorId: string;
  suspended: boolean;
  from?: string;
}

export interface DoctorStatusResponse {
  doctorId: string;
  suspended: boolean;
  /** How many of the doctor's slots changed state. */
  slots: number;
}

export interface DepartmentNameRequest {
  departmentId: string;
  name: string;
}

export const SLOT_ERROR_CODES = [
  'bad-request',
  'slot-unknown',
  'slot-taken',
  'slot-not-yours',
  'slot-is-quota',
  'slot-suspended',
  'slot-past',
  'patient-blacklisted',
  'lock-unknown',
  'hold-expired',
  'not-publisher',
] as const;
export type SlotErrorCode = (typeof SLOT_ERROR_CODES)[number];

export const SLOT_ERROR_STATUS: Record<SlotErrorCode, number> = {
  'bad-request': 400,
  'slot-unknown': 404,
  'slot-taken': 409,
  'slot-not-yours': 403,
  'slot-is-quota': 409,
  'slot-suspended': 409,
  'slot-past': 409,
  'patient-blacklisted': 403,
  'lock-unknown': 409,
  'hold-expired': 409,
  'not-publisher': 403,
};

export interface SlotErrorBody {
  error: SlotErrorCode;
  message: string;
  row?: number;
  field?: string;
  /** patient-blacklisted: when online booking opens again for this patient (ISO 8601). */
  blockedUntil?: string;
}

/** Why the county did not take a quota booking pushed as an appointment. */
export const SLOT_REFUSAL_CODES = ['slot-taken', 'slot-not-yours', 'slot-unknown', 'slot-suspended'] as const;
export type SlotRefusalCode = (typeof SLOT_REFUSAL_CODES)[number];

export interface SlotRefusal {
  code: SlotRefusalCode;
  message: string;
}

/** The pool window [today, today + POOL_DAYS_AHEAD] of a county-local date. */
export function poolWindow(today: string): { from: string; to: string } {
  return { from: today, to: addDays(today, POOL_DAYS_AHEAD) };
}

/** Calendar arithmetic on YYYY-MM-DD (UTC noon, so no time zone can shift the day). */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T12:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The county-local calendar date of an instant. */
export function countyDate(at: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: COUNTY_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
