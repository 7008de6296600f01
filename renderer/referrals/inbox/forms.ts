/**
 * What the receiving side types, checked before anything is written: review
 * notes, the arrangement, the treatment summary, and the downward feedback
 * with its community rehabilitation plan (社区康复计划). Each rule returns the
 * command payload or, per field, the i18n key of what is wrong.
 */
import type { AppointmentDoc } from '../../../sync/protocol/schema';
import type { ReferralDoc } from '../../../sync/protocol/schema/referrals';
import type { Session } from '../../auth/session';

export type FieldErrors = Record<string, string>;
export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

const NOTE_MAX = 400;
const SUMMARY_MAX = 4000;
const PLAN_MAX = 500;
export const MAX_FOLLOW_UPS = 12;

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** "YYYY-MM-DDTHH:MM" that names a real minute (datetime-local input), or null. */
export function parseWallTime(text: string): Date | null {
  const match = WALL_TIME.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(year, month - 1, day, hour, minute);
  const real =
    date.getFullYear() === year &&
    date.getMonth() === month - 1 &&
    date.getDate() === day &&
    date.getHours() === hour &&
    date.getMinutes() === minute;
  return real ? date : null;
}

function result<T>(errors: FieldErrors, value: () => T): Checked<T> {
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: value() };
}

function tooLong(text: string, max: number): boolean {
  return text.trim().length > max;
}

export interface ReviewForm {
  decision: 'approve' | 'reject';
  note: string;
}

/** A rejection says why (the referring doctor reads it when choosing another institution). */
export function checkReview(form: ReviewForm): Checked<Record<string, unknown>> {
  const errors: FieldErrors = {};
  const note = form.note.trim();
  if (form.decision === 'reject' && note === '') errors.note = 'inbox.error.rejectNoteMissing';
  if (tooLong(note, NOTE_MAX)) errors.note = 'inbox.error.tooLong';
  return result(errors, () => ({ decision: form.decision, ...(note ? { note } : {}) }));
}

export interface ArrangeForm {
  accept: boolean;
  /** datetime-local. */
  time: string;
  departmentId: string;
  doctorId: string;
  bed: string;
  note: string;
}

/** Accepting names when (and where) the patient is expected; declining says why. */
export function checkArrange(form: ArrangeForm, now: Date): Checked<Record<string, unknown>> {
  const errors: FieldErrors = {};
  const note = form.note.trim();
  if (tooLong(note, NOTE_MAX)) errors.note = 'inbox.error.tooLong';
  if (!form.accept) {
    if (note === '') errors.note = 'inbox.error.declineReasonMissing';
    return result(errors, () => ({ accept: false, reason: note }));
  }
  const time = parseWallTime(form.time);
  if (form.time.trim() === '') errors.time = 'inbox.error.timeMissing';
  else if (!time) errors.time = 'inbox.error.timeInvalid';
  else if (time.getTime() < startOfDay(now).getTime()) errors.time = 'inbox.error.timePast';
  if (tooLong(form.bed, 20)) errors.bed = 'inbox.error.tooLong';
  return result(errors, () => ({
    accept: true,
    time: form.time.trim(),
    ...(form.departmentId ? { departmentId: form.departmentId } : {}),
    ...(form.doctorId ? { doctorId: form.doctorId } : {}),
    ...(form.bed.trim() ? { bed: form.bed.trim() } : {}),
    ...(note ? { note } : {}),
  }));
}

/** 是否完成诊疗: completion carries the treatment summary returned to the referring clinic. */
export function checkComplete(summary: string): Checked<Record<string, unknown>> {
  const errors: FieldErrors = {};
  if (summary.trim() === '') errors.summary = 'inbox.error.summaryMissing';
  else if (tooLong(summary, SUMMARY_MAX)) errors.summary = 'inbox.error.tooLong';
  return result(errors, () => ({ summary: summary.trim() }));
}

export const RECOVERY = ['recovered', 'improved', 'unchanged', 'worse'] as const;
export type Recovery = (typeof RECOVERY)[number];

export interface FeedbackForm {
  recovery: Recovery | '';
  healthStatus: string;
  plan: string;
  /** datetime-local, one per rehabilitation follow-up. */
  followUps: string[];
}

export interface DownwardFeedback {
  payload: { arrived: true; recovery: Recovery; healthStatus: string; plan: string; followUps: string[] };
  followUps: string[];
}

/**
 * Downward feedback (下转反馈): arrived, recovery, health status, and the
 * community rehabilitation plan with its follow-up visits (at least one, none
 * in the past, no two at the same minute).
 */
export function checkFeedback(form: FeedbackForm, now: Date): Checked<DownwardFeedback> {
  const errors: FieldErrors = {};
  if (!RECOVERY.includes(form.recovery as Recovery)) errors.recovery = 'inbox.error.recoveryMissing';
  if (form.healthStatus.trim() === '') errors.healthStatus = 'inbox.error.healthStatusMissing';
  else if (tooLong(form.healthStatus, NOTE_MAX)) errors.healthStatus = 'inbox.error.tooLong';
  if (form.plan.trim() === '') errors.plan = 'inbox.error.planMissing';
  else if (tooLong(form.plan, PLAN_MAX)) errors.plan = 'inbox.error.tooLong';
  const given = form.followUps.map((text) => text.trim()).filter((text) => text !== '');
  if (given.length === 0) errors.followUps = 'inbox.error.followUpMissing';
  else if (given.length > MAX_FOLLOW_UPS) errors.followUps = 'inbox.error.followUpTooMany';
  else if (given.some((text) => !parseWallTime(text))) errors.followUps = 'inbox.error.timeInvalid';
  else if (given.some((text) => (parseWallTime(text) as Date).getTime() < now.getTime())) {
    errors.followUps = 'inbox.error.followUpPast';
  } else if (new Set(given).size !== given.length) errors.followUps = 'inbox.error.followUpTwice';
  const followUps = [...given].sort();
  return result(errors, () => ({
    payload: {
      arrived: true,
      recovery: form.recovery as Recovery,
      healthStatus: form.healthStatus.trim(),
      plan: form.plan.trim(),
      followUps,
    },
    followUps,
  }));
}

/** The rehabilitation visits of the plan, booked at this clinic (C's appointments screens list them). */
export function rehabilitationAppointments(
  session: Session,
  referral: ReferralDoc,
  feedback: DownwardFeedback,
  now: Date,
): AppointmentDoc[] {
  const at = now.toISOString();
  return feedback.followUps.map((scheduledAt) => ({
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    patientId: referral.patientId,
    purpose: 'rehabilitation',
    referralId: referral.id,
    scheduledAt,
    status: 'confirmed',
    note: feedback.payload.plan,
  }));
}

function startOfDay(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}
