/**
 * The audit trail: every read of a patient record and every change, by whom,
 * in which role, at which facility. Entries are append-only; the collection's
 * hooks refuse updates and removals (see guardAuditTrail).
 */
import { assertCan } from '../../sync/protocol/roles';
import type { AuditDoc } from '../../sync/protocol/schema';
import type { Session } from '../auth/session';
import type { ClinicDatabase } from '../store/database';

export type AuditAction =
  | 'clinic.enrol'
  | 'user.create'
  | 'user.deactivate'
  | 'user.set-pin'
  | 'session.sign-in'
  | 'session.sign-in-failed'
  | 'session.sign-out'
  | 'session.unlock'
  | 'patient.read'
  | 'patient.register'
  | 'patient.edit'
  | 'patient.merge'
  | 'patient.merged-into'
  | 'patient.register-death'
  | 'reading.capture'
  | 'reading.assign'
  | 'visit.open'
  | 'referral.create'
  | 'referral.edit'
  | 'referral.command'
  | 'appointment.book'
  | 'appointment.reschedule'
  | 'appointment.cancel'
  | 'appointment.outcome'
  | 'slots.pull'
  | 'slots.schedule';

export interface AuditInput {
  action: AuditAction;
  recordType: 'patient' | 'user' | 'facility' | 'session' | 'referral' | 'appointment' | 'slot';
  recordId: string;
  detail?: string;
}

export function auditEntry(session: Session, input: AuditInput, now = new Date()): AuditDoc {
  return {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    userId: session.userId,
    userName: session.userName,
    role: session.roles.join('+'),
    at: now.toISOString(),
    ...input,
  };
}

export async function appendAudit(db: ClinicDatabase, session: Session, input: AuditInput): Promise<void> {
  await db.audit.insert(auditEntry(session, input));
}

export class AuditTrailIsAppendOnly extends Error {
  constructor() {
    super('audit entries are append-only: they cannot be changed or removed');
    this.name = 'AuditTrailIsAppendOnly';
  }
}

export function guardAuditTrail(db: ClinicDatabase): void {
  const refuse = () => {
    throw new AuditTrailIsAppendOnly();
  };
  db.audit.preSave(refuse, false);
  db.audit.preRemove(refuse, false);
}

export async function recentAudit(db: ClinicDatabase, session: Session, limit = 200): Promise<AuditDoc[]> {
  assertCan(session.roles, 'audit.read');
  const docs = await db.audit.find({ sort: [{ at: 'desc' }], limit }).exec();
  return docs.map((doc) => doc.toJSON() as AuditDoc);
}
