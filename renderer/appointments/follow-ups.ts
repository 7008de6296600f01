/**
 * Follow-up appointments of the clinic's own patients: book, move, cancel and
 * record whether the patient came. Guarded by role, checked by the rules in
 * follow-up-rules.ts, audited.
 */
import { assertCan } from '../../sync/protocol/roles';
import type { AppointmentDoc, PatientDoc } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import type { Session } from '../auth/session';
import { localDate } from '../slots/booking';
import type { ClinicDatabase } from '../store/database';
import { checkFollowUp, type FollowUpProblem } from './follow-up-rules';

export class FollowUpInvalid extends Error {
  constructor(readonly problems: FollowUpProblem[]) {
    super(`the follow-up cannot be booked: ${problems.map((p) => `${p.field} ${p.code}`).join(', ')}`);
    this.name = 'FollowUpInvalid';
  }
}

export class AppointmentNotChangeable extends Error {
  constructor(id: string, status: string) {
    super(`appointment ${id} is ${status}: it can no longer be changed`);
    this.name = 'AppointmentNotChangeable';
  }
}

export interface FollowUpInput {
  patientId: string;
  date: string;
  time: string;
  doctorId?: string;
  note?: string;
}

async function patientAppointments(db: ClinicDatabase, patientId: string, except?: string) {
  const docs = await db.appointments.find({ selector: { patientId } }).exec();
  return docs.map((doc) => doc.toJSON() as AppointmentDoc).filter((a) => a.id !== except);
}

async function ownActivePatient(
  db: ClinicDatabase,
  session: Session,
  patientId: string,
): Promise<PatientDoc> {
  const patient = (await db.patients.findOne(patientId).exec())?.toJSON() as PatientDoc | undefined;
  if (!patient) throw new Error(`no patient ${patientId} in this clinic`);
  if (patient.status !== 'active')
    throw new Error(`patient ${patient.name} is ${patient.status}: no follow-ups can be booked`);
  if (patient.facilityId !== session.facilityId)
    throw new Error(`patient ${patient.name} is registered at another facility: book follow-ups there`);
  return patient;
}

export async function scheduleFollowUp(
  db: ClinicDatabase,
  session: Session,
  input: FollowUpInput,
  now = new Date(),
): Promise<AppointmentDoc> {
  assertCan(session.roles, 'patient.edit');
  await ownActivePatient(db, session, input.patientId);
  const problems = checkFollowUp(input, localDate(now), await patientAppointments(db, input.patientId));
  if (problems.length) throw new FollowUpInvalid(problems);
  const at = now.toISOString();
  const appointment: AppointmentDoc = {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    patientId: input.patientId,
    purpose: 'follow-up',
    scheduledAt: `${input.date}T${input.time}`,
    ...(input.doctorId ? { doctorId: input.doctorId } : {}),
    status: 'confirmed',
    ...(input.note?.trim() ? { note: input.note.trim() } : {}),
    hospitalId: session.facilityId,
  };
  await db.appointments.insert(appointment);
  await appendAudit(db, session, {
    action: 'appointment.book',
    recordType: 'appointment',
    recordId: appointment.id,
    detail: 'follow-up',
  });
  return appointment;
}

async function change(
  db: ClinicDatabase,
  session: Session,
  id: string,
  apply: (current: AppointmentDoc) => AppointmentDoc,
): Promise<AppointmentDoc> {
  assertCan(session.roles, 'patient.edit');
  const doc = await db.appointments.findOne(id).exec();
  if (!doc) throw new Error(`no appointment ${id}`);
  const current = doc.toJSON() as AppointmentDoc;
  if (current.facilityId !== session.facilityId)
    throw new Error(`appointment ${id} belongs to another facility`);
  if (current.status !== 'confirmed' && current.status !== 'missed')
    throw new AppointmentNotChangeable(id, current.status);
  const saved = await doc.incrementalModify((latest) => ({
    ...apply(latest as AppointmentDoc),
    updatedAt: new Date().toISOString(),
    updatedBy: session.userId,
  }));
  return saved.toJSON() as AppointmentDoc;
}

/** Moves a follow-up (a missed one too: booking it again is moving it). */
export async function rescheduleFollowUp(
  db: ClinicDatabase,
  session: Session,
  id: string,
  to: { date: string; time: string },
  now = new Date(),
): Promise<AppointmentDoc> {
  const current = (await db.appointments.findOne(id).exec())?.toJSON() as AppointmentDoc | undefined;
  if (!current) throw new Error(`no appointment ${id}`);
  const problems = checkFollowUp(to, localDate(now), await patientAppointments(db, current.patientId, id));
  if (problems.length) throw new FollowUpInvalid(problems);
  const moved = await change(db, session, id, (doc) => ({
    ...doc,
    scheduledAt: `${to.date}T${to.time}`,
    status: 'confirmed',
  }));
  await appendAudit(db, session, {
    action: 'appointment.reschedule',
    recordType: 'appointment',
    recordId: id,
    detail: `${current.scheduledAt.slice(0, 10)}>${to.date}`,
  });
  return moved;
}

export async function cancelFollowUp(
  db: ClinicDatabase,
  session: Session,
  id: string,
): Promise<AppointmentDoc> {
  const cancelled = await change(db, session, id, (doc) => ({ ...doc, status: 'cancelled' }));
  await appendAudit(db, session, {
    action: 'appointment.cancel',
    recordType: 'appointment',
    recordId: id,
    detail: 'follow-up',
  });
  return cancelled;
}

/** Whether the patient came; only for a follow-up whose day has come. */
export async function recordOutcome(
  db: ClinicDatabase,
  session: Session,
  id: string,
  outcome: 'attended' | 'missed',
  now = new Date(),
): Promise<AppointmentDoc> {
  const current = (await db.appointments.findOne(id).exec())?.toJSON() as AppointmentDoc | undefined;
  if (current && current.scheduledAt.slice(0, 10) > localDate(now))
    throw new Error(`appointment ${id} is on ${current.scheduledAt.slice(0, 10)}: it has not happened yet`);
  const saved = await change(db, session, id, (doc) => ({ ...doc, status: outcome }));
  await appendAudit(db, session, {
    action: 'appointment.outcome',
    recordType: 'appointment',
    recordId: id,
    detail: outcome,
  });
  return saved;
}
