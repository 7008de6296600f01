/**
 * The referring doctor's writes: saving a draft (works offline; the serial
 * number is made on this workstation), submitting it (books the chosen slot,
 * then appends the `submit` command the gateway judges), re-sending a
 * rejected referral to other institutions, cancelling, and closing the loop
 * (闭环) with feedback once the receiving side has completed treatment.
 *
 * The form fields are the referring facility's own; the workflow fields are
 * the gateway's, and the type, direction and targets freeze once the
 * referral has left draft (a re-send names new targets in its command).
 */
import { FROZEN_AFTER_DRAFT } from '../../sync/protocol/referral/state-machine';
import { assertCan } from '../../sync/protocol/roles';
import type { AppointmentDoc, FacilityDoc, ReferralDoc } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import type { Session } from '../auth/session';
import {
  bookOnlineSlot,
  bookQuotaSlot,
  cancelBooking,
  confirmOnline,
  HOLDING,
  type OnlineOutcome,
} from '../slots/booking';
import type { SlotCounty } from '../slots/slot-county';
import type { ClinicDatabase } from '../store/database';
import {
  formFields,
  type ReferralErrors,
  type ReferralInput,
  type SubmitContext,
  slotBooking,
  validateDraft,
  validateSubmit,
} from './form/referral-input';
import { appendReferralCommand } from './referral-commands';
import { nextSerialNumber } from './slip/serial-number';

export class ReferralInputError extends Error {
  constructor(readonly errors: ReferralErrors) {
    super(
      `referral refused: ${Object.entries(errors)
        .map(([field, problem]) => `${field} ${problem}`)
        .join(', ')}`,
    );
    this.name = 'ReferralInputError';
  }
}

/**
 * The county refused to hold or confirm the online slot chosen on the form
 * (taken by another clinic a moment ago, the patient barred from online
 * booking for no-shows, the session suspended). Nothing was submitted; the
 * draft is kept without the slot, so the doctor picks another one.
 */
export class SlotRefusedByCounty extends Error {
  constructor(
    /** The county's slot error code (sync/protocol/slots.ts), worded by `slots.refusal.*`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SlotRefusedByCounty';
  }
}

/** States in which the referring doctor may still change the form (a refused referral is fixed and re-sent). */
export const EDITABLE_STATES: ReadonlySet<string> = new Set(['draft', 'rejected', 'auto-rejected']);

/** Form fields that changed (names only, for the audit trail). */
function changedFields(before: ReferralDoc, after: ReferralDoc): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter(
    (key) =>
      !['updatedAt', 'updatedBy', 'countySeq', 'countyTime', '_meta', '_rev', '_attachments'].includes(key) &&
      JSON.stringify(before[key as keyof ReferralDoc]) !== JSON.stringify(after[key as keyof ReferralDoc]),
  );
}

/**
 * Creates or updates the draft with this id. A new draft takes the next
 * serial number of this workstation. Once submitted, the frozen fields keep
 * their values (the gateway would ignore a change anyway).
 */
export async function saveDraft(
  db: ClinicDatabase,
  session: Session,
  facility: Pick<FacilityDoc, 'code'>,
  id: string,
  input: ReferralInput,
  now = new Date(),
): Promise<ReferralDoc> {
  assertCan(session.roles, 'referral.create');
  const errors = validateDraft(input);
  if (Object.keys(errors).length > 0) throw new ReferralInputError(errors);
  const at = now.toISOString();
  const existing = await db.referrals.findOne(id).exec();
  if (!existing) {
    const doc: ReferralDoc = {
      id,
      facilityId: session.facilityId,
      createdAt: at,
      updatedAt: at,
      createdBy: session.userId,
      updatedBy: session.userId,
      serialNo: await nextSerialNumber(db, facility),
      state: 'draft',
      appliedSeq: 0,
      ...formFields(input),
    };
    await db.referrals.insert(doc);
    await appendAudit(db, session, { action: 'referral.create', recordType: 'referral', recordId: id });
    return doc;
  }
  const before = existing.toJSON() as ReferralDoc;
  if (before.facilityId !== session.facilityId || !EDITABLE_STATES.has(before.state)) {
    throw new ReferralInputError({ form: 'wrong-state' });
  }
  const frozen: readonly string[] = before.state === 'draft' ? [] : FROZEN_AFTER_DRAFT;
  const fields: Partial<ReferralDoc> = formFields(input);
  for (const key of frozen) delete fields[key as keyof ReferralDoc];
  const { _meta, _rev, _attachments, ...stored } = before as ReferralDoc & Record<string, unknown>;
  // An optional field left empty in the form is removed, unless it is frozen.
  const kept = Object.fromEntries(
    Object.entries(stored).filter(([key]) => !OPTIONAL_FORM_FIELDS.has(key) || frozen.includes(key)),
  );
  const after = { ...kept, ...fields, updatedAt: at, updatedBy: session.userId } as ReferralDoc;
  const changed = changedFields(before, after);
  if (changed.length === 0) return before;
  await existing.incrementalModify(() => after);
  await appendAudit(db, session, {
    action: 'referral.edit',
    recordType: 'referral',
    recordId: id,
    detail: changed.join(','),
  });
  return after;
}

/** Form fields a save may clear (the optional ones). */
const OPTIONAL_FORM_FIELDS: ReadonlySet<string> = new Set([
  'visitId',
  'careBeforeReferral',
  'chiefComplaint',
  'presentIllness',
  'consentAttachmentId',
  'slotId',
  'special',
  'specialReason',
]);

async function holdingAppointments(db: ClinicDatabase, referralId: string): Promise<AppointmentDoc[]> {
  const docs = await db.appointments.find({ selector: { referralId, status: { $in: [...HOLDING] } } }).exec();
  return docs.map((doc) => doc.toJSON() as AppointmentDoc);
}

/**
 * Gives back the referral's slot bookings except the one to keep (a re-send
 * to another hospital, a cancelled referral). Quota bookings are cancelled
 * locally and the county frees the slot when the change arrives; an online
 * hold or booking is also released at the county at once when it answers.
 */
async function releaseBookings(
  db: ClinicDatabase,
  session: Session,
  county: SlotCounty | null,
  referralId: string,
  keepSlotId?: string,
): Promise<void> {
  for (const appointment of await holdingAppointments(db, referralId)) {
    if (appointment.slotId !== keepSlotId && appointment.status !== 'attended')
      await cancelBooking(db, session, county, appointment.id);
  }
}

export interface SubmitOptions {
  now?: Date;
  /** The county's slot API; null or absent when the clinic has no link (an online slot then waits). */
  county?: SlotCounty | null;
}

/**
 * Books the slot the form chose, unless this referral holds it already (a
 * second submit): a quota slot offline at once; an online slot held and
 * confirmed at the county, or kept waiting when the county cannot be reached
 * (confirmWaitingBookings confirms it later). A county refusal leaves no
 * standing booking behind and is thrown as SlotRefusedByCounty.
 */
async function bookChosenSlot(
  db: ClinicDatabase,
  session: Session,
  county: SlotCounty | null,
  id: string,
  input: ReferralInput,
  now: Date,
): Promise<void> {
  const booking = slotBooking(input);
  if (!booking) return;
  const held = (await holdingAppointments(db, id)).find((a) => a.slotId === input.slotId);
  const base = { patientId: input.patientId, purpose: 'referral' as const, referralId: id };
  let outcome: OnlineOutcome | undefined;
  if (held) {
    if (held.mode === 'online' && held.status === 'waiting')
      outcome = await confirmOnline(db, session, county, held.id);
  } else if (booking.mode === 'online') {
    outcome = await bookOnlineSlot(db, session, county, { ...base, slot: booking.slot }, now);
  } else {
    await bookQuotaSlot(db, session, { ...base, slotId: booking.slotId }, now);
  }
  if (outcome?.state !== 'refused') return;
  // The doctor is told now and picks another slot: the refused booking is not left asking for rebooking.
  await cancelBooking(db, session, null, outcome.appointment.id);
  throw new SlotRefusedByCounty(outcome.code, outcome.message);
}

/**
 * Saves and submits (or re-sends) the referral: every rule first, so a
 * refused submit writes nothing but the draft; then the chosen slot is
 * booked (a quota slot offline; an online slot at the county, waiting while
 * it cannot be reached) and the `submit` command appended with the targets.
 * Until the county answers, the referral shows as waiting. A slot the county
 * refuses stops the submit: the draft stays, without that slot.
 */
export async function submitReferral(
  db: ClinicDatabase,
  session: Session,
  context: SubmitContext,
  id: string,
  input: ReferralInput,
  options: SubmitOptions = {},
): Promise<ReferralDoc> {
  const now = options.now ?? new Date();
  const county = options.county ?? null;
  assertCan(session.roles, 'referral.create');
  const errors = validateSubmit(input, context);
  if (Object.keys(errors).length > 0) throw new ReferralInputError(errors);
  const saved = await saveDraft(db, session, context.referrer, id, input, now);
  await releaseBookings(db, session, county, id, input.slotId);
  try {
    await bookChosenSlot(db, session, county, id, input, now);
  } catch (error) {
    if (error instanceof SlotRefusedByCounty)
      await saveDraft(db, session, context.referrer, id, { ...input, slotId: undefined });
    throw error;
  }
  await appendReferralCommand(
    db,
    session,
    id,
    'submit',
    { targetFacilityIds: [...input.targetFacilityIds] },
    now,
  );
  return saved;
}

/** Withdraws the referral (the county tells the targets) and gives its booked slot back. */
export async function cancelReferral(
  db: ClinicDatabase,
  session: Session,
  id: string,
  reason: string,
  county: SlotCounty | null = null,
): Promise<void> {
  await appendReferralCommand(db, session, id, 'cancel', reason.trim() ? { reason: reason.trim() } : {});
  await releaseBookings(db, session, county, id);
}

/** Closes the loop (闭环) of an up or lateral referral the receiving side has completed. */
export async function closeLoop(
  db: ClinicDatabase,
  session: Session,
  id: string,
  feedback: { note: string },
): Promise<void> {
  await appendReferralCommand(db, session, id, 'feedback', { note: feedback.note.trim() });
}
