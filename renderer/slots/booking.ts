/**
 * Booking hospital slots for the clinic's patients (contract 2: the referral
 * form imports these).
 *
 * - A quota slot (配额) is allocated to this clinic alone, so it is booked
 *   offline: the appointment is confirmed locally at once and pushed with the
 *   rest; the county marks the slot booked when it arrives, or sends the
 *   appointment back as needs-rebooking with its reason.
 * - An online slot (在线预约) must be held at the county: the appointment waits
 *   until lock → confirm succeed, and stays waiting (saying why) while the
 *   clinic is offline; `confirmWaitingBookings` tries again later.
 */
import { assertCan } from '../../sync/protocol/roles';
import type { AppointmentDoc, PatientDoc, SlotDoc } from '../../sync/protocol/schema';
import type { OpenSlot, SlotPurpose } from '../../sync/protocol/slots';
import { appendAudit } from '../audit/audit-log';
import type { Session } from '../auth/session';
import type { ClinicDatabase } from '../store/database';
import { onlineOpenByHospital, readPoolSummary } from './pool-summary';
import { isOffline, type SlotCounty, slotErrorCode } from './slot-county';

export const BOOKING_REFUSALS = [
  'slot-unknown',
  'slot-not-yours',
  'slot-not-quota',
  'slot-taken',
  'slot-suspended',
  'slot-past',
  'patient-unknown',
  'patient-inactive',
] as const;
export type BookingRefusalCode = (typeof BOOKING_REFUSALS)[number];

/** A booking the clinic refuses before anything is written; the code words it on screen. */
export class BookingRefused extends Error {
  constructor(
    readonly code: BookingRefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'BookingRefused';
  }
}

export interface BookingInput {
  patientId: string;
  purpose: SlotPurpose;
  referralId?: string;
  note?: string;
}

/** Appointments that hold their slot: a cancelled, missed or refused one has let it go. */
export const HOLDING: ReadonlyArray<AppointmentDoc['status']> = ['waiting', 'confirmed', 'attended'];

/** The usual start of a period, for slots published without a time (beds, emergency capacity). */
export const PERIOD_START: Record<SlotDoc['period'], string> = {
  am: '08:00',
  pm: '14:00',
  night: '18:00',
  day: '08:00',
};

export function scheduledAtOf(slot: Pick<SlotDoc, 'date' | 'startTime' | 'period'>): string {
  return `${slot.date}T${slot.startTime ?? PERIOD_START[slot.period]}`;
}

/** Today in the clinic's local calendar, "YYYY-MM-DD". */
export function localDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}

const WORKSTATION_DOC = 'booking-workstation';

const workstationKeys = new WeakMap<ClinicDatabase, Promise<string>>();

/**
 * This workstation's booking key: made once and kept in a local document (never
 * replicated). One promise per store, so bookings racing on a fresh store share it.
 */
export function workstationKey(db: ClinicDatabase): Promise<string> {
  let key = workstationKeys.get(db);
  if (!key) {
    key = (async () => {
      const found = await db.getLocal<{ key: string }>(WORKSTATION_DOC);
      if (found) return found.get('key');
      const made = crypto.randomUUID();
      await db.upsertLocal<{ key: string }>(WORKSTATION_DOC, { key: made });
      return made;
    })();
    key.catch(() => workstationKeys.delete(db));
    workstationKeys.set(db, key);
  }
  return key;
}

/**
 * The id of this workstation's n-th booking of a slot, the same on every try: two
 * bookings of one slot racing in this store make the same id, and the second insert
 * fails. Another workstation of the same clinic, offline too, makes another id, so
 * its booking is not silently merged into this one: the county books the first to
 * arrive and answers the other "needs rebooking".
 */
export async function bookingId(workstation: string, slotId: string, generation: number): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest(
      'SHA-256',
      new TextEncoder().encode(`booking:${workstation}:${slotId}:${generation}`),
    ),
  );
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x80; // UUID version 8 (name-based, custom hash)
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function guard(session: Session, purpose: SlotPurpose): void {
  assertCan(session.roles, purpose === 'referral' ? 'referral.create' : 'patient.edit');
}

async function activePatient(db: ClinicDatabase, patientId: string): Promise<PatientDoc> {
  const patient = (await db.patients.findOne(patientId).exec())?.toJSON() as PatientDoc | undefined;
  if (!patient) throw new BookingRefused('patient-unknown', `no patient ${patientId} in this clinic`);
  if (patient.status !== 'active')
    throw new BookingRefused(
      'patient-inactive',
      `patient ${patientId} is ${patient.status}: no new bookings`,
    );
  return patient;
}

async function holdingBooking(db: ClinicDatabase, slotId: string): Promise<AppointmentDoc | undefined> {
  const docs = await db.appointments.find({ selector: { slotId, status: { $in: [...HOLDING] } } }).exec();
  return docs[0]?.toJSON() as AppointmentDoc | undefined;
}

function newAppointment(
  session: Session,
  id: string,
  input: BookingInput,
  slot: Pick<SlotDoc, 'date' | 'startTime' | 'period' | 'departmentId' | 'doctorId'> & {
    id: string;
    hospitalId: string;
  },
  mode: 'quota' | 'online',
  status: AppointmentDoc['status'],
  now: Date,
): AppointmentDoc {
  const at = now.toISOString();
  return {
    id,
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    patientId: input.patientId,
    purpose: input.purpose,
    slotId: slot.id,
    ...(input.referralId ? { referralId: input.referralId } : {}),
    scheduledAt: scheduledAtOf(slot),
    ...(slot.doctorId ? { doctorId: slot.doctorId } : {}),
    status,
    ...(input.note?.trim() ? { note: input.note.trim() } : {}),
    hospitalId: slot.hospitalId,
    departmentId: slot.departmentId,
    period: slot.period,
    mode,
  };
}

/** Why this clinic may not book this quota slot now, or nothing. */
export function quotaProblem(
  slot: SlotDoc,
  facilityId: string,
  today: string,
): { code: BookingRefusalCode; message: string } | undefined {
  if (slot.mode !== 'quota')
    return { code: 'slot-not-quota', message: `slot ${slot.id} is an online slot: book it online` };
  if (slot.allocatedTo !== facilityId)
    return { code: 'slot-not-yours', message: `slot ${slot.id} is not allocated to this clinic` };
  if (slot.state === 'suspended')
    return { code: 'slot-suspended', message: `slot ${slot.id} is suspended by the hospital` };
  if (slot.state !== 'open') return { code: 'slot-taken', message: `slot ${slot.id} is ${slot.state}` };
  if (slot.date < today) return { code: 'slot-past', message: `slot ${slot.id} was on ${slot.date}` };
  return undefined;
}

/** Books one of this clinic's quota slots: no network needed, confirmed at once. */
export async function bookQuotaSlot(
  db: ClinicDatabase,
  session: Session,
  input: BookingInput & { slotId: string },
  now = new Date(),
): Promise<AppointmentDoc> {
  guard(session, input.purpose);
  const slot = (await db.slots.findOne(input.slotId).exec())?.toJSON() as SlotDoc | undefined;
  if (!slot) throw new BookingRefused('slot-unknown', `no slot ${input.slotId} in this clinic's allocation`);
  const problem = quotaProblem(slot, session.facilityId, localDate(now));
  if (problem) throw new BookingRefused(problem.code, problem.message);
  await activePatient(db, input.patientId);
  const holder = await holdingBooking(db, slot.id);
  if (holder) throw new BookingRefused('slot-taken', `slot ${slot.id} is already booked here`);

  const generation = await db.appointments.count({ selector: { slotId: slot.id } }).exec();
  const id = await bookingId(await workstationKey(db), slot.id, generation);
  const appointment = newAppointment(
    session,
    id,
    input,
    { ...slot, hospitalId: slot.facilityId },
    'quota',
    'confirmed',
    now,
  );
  try {
    await db.appointments.insert(appointment);
  } catch (error) {
    if ((error as { code?: string }).code === 'CONFLICT')
      throw new BookingRefused('slot-taken', `slot ${slot.id} was booked here a moment ago`);
    throw error;
  }
  await appendAudit(db, session, {
    action: 'appointment.book',
    recordType: 'appointment',
    recordId: id,
    detail: 'quota',
  });
  return appointment;
}

export type OnlineOutcome =
  | { state: 'confirmed'; appointment: AppointmentDoc }
  /** Kept waiting: the county could not be reached; tried again later. */
  | { state: 'waiting'; appointment: AppointmentDoc; reason: 'offline' }
  /** The county said no: the appointment needs rebooking, with its reason. */
  | { state: 'refused'; appointment: AppointmentDoc; code: string; message: string };

/**
 * Books an online slot (from the pool): the appointment is written as waiting
 * first, so the doctor's choice survives a dropped link, then held and
 * confirmed at the county. `county` is null when the clinic has no link.
 */
export async function bookOnlineSlot(
  db: ClinicDatabase,
  session: Session,
  county: SlotCounty | null,
  input: BookingInput & { slot: OpenSlot },
  now = new Date(),
): Promise<OnlineOutcome> {
  guard(session, input.purpose);
  await activePatient(db, input.patientId);
  if (input.slot.date < localDate(now))
    throw new BookingRefused('slot-past', `slot ${input.slot.slotId} was on ${input.slot.date}`);
  if (await holdingBooking(db, input.slot.slotId))
    throw new BookingRefused('slot-taken', `slot ${input.slot.slotId} is already booked here`);
  const appointment = newAppointment(
    session,
    crypto.randomUUID(),
    input,
    { ...input.slot, id: input.slot.slotId },
    'online',
    'waiting',
    now,
  );
  await db.appointments.insert(appointment);
  await appendAudit(db, session, {
    action: 'appointment.book',
    recordType: 'appointment',
    recordId: appointment.id,
    detail: 'online',
  });
  return confirmOnline(db, session, county, appointment.id);
}

async function update(
  db: ClinicDatabase,
  session: Session,
  id: string,
  change: (current: AppointmentDoc) => AppointmentDoc,
): Promise<AppointmentDoc> {
  const doc = await db.appointments.findOne(id).exec();
  if (!doc) throw new Error(`no appointment ${id}`);
  const saved = await doc.incrementalModify((current) => ({
    ...change(current as AppointmentDoc),
    updatedAt: new Date().toISOString(),
    updatedBy: session.userId,
  }));
  return saved.toJSON() as AppointmentDoc;
}

/**
 * Holds and confirms one waiting online appointment. A hold already taken is
 * confirmed without a new lock; a hold that lapsed meanwhile is taken again.
 */
export async function confirmOnline(
  db: ClinicDatabase,
  session: Session,
  county: SlotCounty | null,
  appointmentId: string,
): Promise<OnlineOutcome> {
  const current = (await db.appointments.findOne(appointmentId).exec())?.toJSON() as
    | AppointmentDoc
    | undefined;
  if (!current?.slotId) throw new Error(`no online booking ${appointmentId}`);
  if (current.status !== 'waiting') {
    return current.status === 'confirmed'
      ? { state: 'confirmed', appointment: current }
      : {
          state: 'refused',
          appointment: current,
          code: current.slotRefusal?.code ?? current.status,
          message: current.slotRefusal?.message ?? current.status,
        };
  }
  if (!county) return { state: 'waiting', appointment: current, reason: 'offline' };
  const slotId = current.slotId;
  try {
    let lockId = current.holdUntil && Date.parse(current.holdUntil) > Date.now() ? current.lockId : undefined;
    if (!lockId) {
      const hold = await county.lock({
        slotId,
        patientId: current.patientId,
        purpose: current.purpose,
        ...(current.referralId ? { referenceId: current.referralId } : {}),
      });
      lockId = hold.lockId;
      await update(db, session, appointmentId, (doc) => ({
        ...doc,
        lockId: hold.lockId,
        holdUntil: hold.holdUntil,
      }));
    }
    try {
      await county.confirm({ slotId, lockId, appointmentId });
    } catch (error) {
      const code = slotErrorCode(error);
      if (code !== 'hold-expired' && code !== 'lock-unknown') throw error;
      // The hold lapsed between the two calls (a slow link): take it again once.
      const hold = await county.lock({ slotId, patientId: current.patientId, purpose: current.purpose });
      await update(db, session, appointmentId, (doc) => ({
        ...doc,
        lockId: hold.lockId,
        holdUntil: hold.holdUntil,
      }));
      await county.confirm({ slotId, lockId: hold.lockId, appointmentId });
    }
    const confirmed = await update(db, session, appointmentId, ({ lockId: _l, holdUntil: _h, ...doc }) => ({
      ...doc,
      status: 'confirmed',
    }));
    return { state: 'confirmed', appointment: confirmed };
  } catch (error) {
    if (isOffline(error)) return { state: 'waiting', appointment: current, reason: 'offline' };
    const code = slotErrorCode(error);
    if (!code) throw error;
    const message = (error as Error).message;
    const refused = await update(db, session, appointmentId, ({ lockId: _l, holdUntil: _h, ...doc }) => ({
      ...doc,
      status: 'needs-rebooking',
      slotRefusal: { code, message: message.slice(0, 300) },
    }));
    return { state: 'refused', appointment: refused, code, message };
  }
}

/** Tries every waiting online booking of this clinic again (when the link is back, after a pull). */
export async function confirmWaitingBookings(
  db: ClinicDatabase,
  session: Session,
  county: SlotCounty,
): Promise<OnlineOutcome[]> {
  const waiting = await db.appointments
    .find({ selector: { facilityId: session.facilityId, status: 'waiting', mode: 'online' } })
    .exec();
  const outcomes: OnlineOutcome[] = [];
  for (const doc of waiting) {
    const outcome = await confirmOnline(db, session, county, doc.id);
    outcomes.push(outcome);
    if (outcome.state === 'waiting') break; // still offline: the rest would wait too
  }
  return outcomes;
}

/** Cancels a slot booking; an online one also gives its hold or booking back at the county when it can. */
export async function cancelBooking(
  db: ClinicDatabase,
  session: Session,
  county: SlotCounty | null,
  appointmentId: string,
): Promise<AppointmentDoc> {
  const current = (await db.appointments.findOne(appointmentId).exec())?.toJSON() as
    | AppointmentDoc
    | undefined;
  if (!current) throw new Error(`no appointment ${appointmentId}`);
  guard(session, current.purpose);
  if (current.mode === 'online' && current.slotId && county && current.status !== 'needs-rebooking') {
    try {
      await county.release({
        slotId: current.slotId,
        ...(current.lockId ? { lockId: current.lockId } : { appointmentId }),
        reason: 'cancelled',
      });
    } catch (error) {
      // Offline: the cancelled appointment still reaches the county, which frees the slot then.
      if (!isOffline(error) && !slotErrorCode(error)) throw error;
    }
  }
  const cancelled = await update(db, session, appointmentId, (doc) => ({ ...doc, status: 'cancelled' }));
  await appendAudit(db, session, {
    action: 'appointment.cancel',
    recordType: 'appointment',
    recordId: appointmentId,
    detail: current.mode ?? current.purpose,
  });
  return cancelled;
}

export interface SlotsLeft {
  /** This clinic's open quota slots at the hospital, not yet booked here. */
  quota: number;
  /** Open online slots at the hospital, from the last cached pool summary. */
  online: number;
  /** Earliest date with a quota slot, if any. */
  firstQuotaDate?: string;
}

/** Open quota slots of this clinic, not booked here, from today (for pickers and the referral form). */
export async function openQuotaSlots(
  db: ClinicDatabase,
  facilityId: string,
  filter: { hospitalId?: string; departmentId?: string; kind?: SlotDoc['kind'] } = {},
  now = new Date(),
): Promise<SlotDoc[]> {
  const docs = await db.slots
    .find({
      selector: {
        allocatedTo: facilityId,
        mode: 'quota',
        state: 'open',
        date: { $gte: localDate(now) },
        ...(filter.hospitalId ? { facilityId: filter.hospitalId } : {}),
        ...(filter.departmentId ? { departmentId: filter.departmentId } : {}),
        ...(filter.kind ? { kind: filter.kind } : {}),
      },
      sort: [{ date: 'asc' }, { departmentId: 'asc' }],
    })
    .exec();
  const slots = docs.map((doc) => doc.toJSON() as SlotDoc);
  const booked = new Set(
    (
      await db.appointments
        .find({ selector: { slotId: { $in: slots.map((slot) => slot.id) }, status: { $in: [...HOLDING] } } })
        .exec()
    ).map((doc) => doc.slotId),
  );
  return slots
    .filter((slot) => !booked.has(slot.id))
    .sort((a, b) => scheduledAtOf(a).localeCompare(scheduledAtOf(b)));
}

/**
 * What is left to book at one hospital (the referral form ranks targets by it):
 * this clinic's quota from the local store, online slots from the cached pool summary.
 */
export async function slotsLeft(
  db: ClinicDatabase,
  facilityId: string,
  hospitalId: string,
  now = new Date(),
): Promise<SlotsLeft> {
  const quota = await openQuotaSlots(db, facilityId, { hospitalId }, now);
  const online = onlineOpenByHospital(await readPoolSummary(db), localDate(now)).get(hospitalId) ?? 0;
  return { quota: quota.length, online, ...(quota[0] ? { firstQuotaDate: quota[0].date } : {}) };
}
