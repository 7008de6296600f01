/**
 * The patient registry's writes and audited reads. Every function takes the
 * signed-in session, checks the role and records an audit entry, so the rules
 * hold whatever screen calls them.
 */
import { assertCan } from '../../sync/protocol/roles';
import type { PatientDoc } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import type { Session } from '../auth/session';
import type { ClinicDatabase } from '../store/database';
import { isCalendarDate, type PatientFields, type PatientInput, validatePatientInput } from './patient-input';
import { pinyinKeys } from './search';

export type RegistryProblem = 'not-found' | 'read-only' | 'validation' | 'same-record' | 'death-date';

export class RegistryError extends Error {
  constructor(
    readonly problem: RegistryProblem,
    message: string,
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

function validated(input: PatientInput): PatientFields {
  const result = validatePatientInput(input);
  if (!result.ok)
    throw new RegistryError(
      'validation',
      `patient fields refused: ${Object.keys(result.errors).join(', ')}`,
      result.errors,
    );
  return result.value;
}

function withSearchKeys(fields: PatientFields) {
  const keys = pinyinKeys(fields.name);
  return { ...fields, namePinyin: keys.full, nameInitials: keys.initials };
}

export function newPatientDoc(
  session: Session,
  fields: PatientFields,
  now = new Date().toISOString(),
): PatientDoc {
  return {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: session.userId,
    updatedBy: session.userId,
    ...withSearchKeys(fields),
    status: 'active',
    mergedFrom: [],
  };
}

export async function registerPatient(
  db: ClinicDatabase,
  session: Session,
  input: PatientInput,
): Promise<PatientDoc> {
  assertCan(session.roles, 'patient.register');
  const doc = newPatientDoc(session, validated(input));
  await db.patients.insert(doc);
  await appendAudit(db, session, { action: 'patient.register', recordType: 'patient', recordId: doc.id });
  return doc;
}

async function load(db: ClinicDatabase, id: string) {
  const doc = await db.patients.findOne(id).exec();
  if (!doc) throw new RegistryError('not-found', `no patient ${id}`);
  return doc;
}

function assertEditable(patient: PatientDoc): void {
  if (patient.status !== 'active') {
    throw new RegistryError(
      'read-only',
      `patient ${patient.id} is ${patient.status} and can no longer be changed`,
    );
  }
}

/** Opening a record is a read that the audit trail must show. */
export async function readPatient(db: ClinicDatabase, session: Session, id: string): Promise<PatientDoc> {
  assertCan(session.roles, 'patient.read');
  const doc = await load(db, id);
  await appendAudit(db, session, { action: 'patient.read', recordType: 'patient', recordId: id });
  return doc.toMutableJSON() as PatientDoc;
}

const DEMOGRAPHIC_FIELDS = [
  'name',
  'sex',
  'birthDate',
  'idNumber',
  'phone',
  'address',
  'ethnicity',
  'healthCardToken',
  'allergies',
  'chronicConditions',
] as const satisfies ReadonlyArray<keyof PatientFields>;

export function changedFields(before: PatientFields, after: PatientFields): string[] {
  return DEMOGRAPHIC_FIELDS.filter(
    (field) => JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null),
  );
}

export async function editPatient(
  db: ClinicDatabase,
  session: Session,
  id: string,
  input: PatientInput,
): Promise<PatientDoc> {
  assertCan(session.roles, 'patient.edit');
  const doc = await load(db, id);
  const current = doc.toMutableJSON() as PatientDoc;
  assertEditable(current);
  const fields = validated(input);
  const changed = changedFields(current, fields);
  if (changed.length === 0) return current;
  const updated = await doc.incrementalModify((data) => {
    // Optional fields cleared in the form must disappear from the document.
    for (const field of DEMOGRAPHIC_FIELDS) delete (data as Partial<PatientDoc>)[field];
    return {
      ...data,
      ...withSearchKeys(fields),
      updatedAt: new Date().toISOString(),
      updatedBy: session.userId,
    };
  });
  // Which fields changed, never their values: the audit trail must not become a second copy of the record.
  await appendAudit(db, session, {
    action: 'patient.edit',
    recordType: 'patient',
    recordId: id,
    detail: changed.join(','),
  });
  return updated.toMutableJSON() as PatientDoc;
}

/**
 * Merges a duplicate into the record that stays. Nothing is deleted: the
 * duplicate stays, read-only, pointing at the survivor, and the survivor lists
 * it so visits, readings and referrals of both show under one patient.
 * Blank fields of the survivor take the duplicate's values; lists are joined.
 */
export function mergedFields(survivor: PatientDoc, duplicate: PatientDoc): Partial<PatientDoc> {
  const pick = <K extends keyof PatientDoc>(key: K) =>
    survivor[key] === undefined || survivor[key] === '' ? duplicate[key] : survivor[key];
  const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
  return {
    idNumber: pick('idNumber'),
    phone: pick('phone'),
    ethnicity: pick('ethnicity'),
    healthCardToken: pick('healthCardToken'),
    socialSecurityNo: pick('socialSecurityNo'),
    address: {
      divisionCode: survivor.address.divisionCode ?? duplicate.address.divisionCode,
      detail: survivor.address.detail ?? duplicate.address.detail,
    },
    allergies: union(survivor.allergies, duplicate.allergies),
    chronicConditions: union(survivor.chronicConditions, duplicate.chronicConditions),
    mergedFrom: union(survivor.mergedFrom, [duplicate.id, ...duplicate.mergedFrom]),
  };
}

function dropUndefined<T extends object>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export async function mergePatients(
  db: ClinicDatabase,
  session: Session,
  survivorId: string,
  duplicateId: string,
): Promise<PatientDoc> {
  assertCan(session.roles, 'patient.merge');
  if (survivorId === duplicateId)
    throw new RegistryError('same-record', 'a record cannot be merged into itself');
  const [survivorDoc, duplicateDoc] = [await load(db, survivorId), await load(db, duplicateId)];
  const survivor = survivorDoc.toMutableJSON() as PatientDoc;
  const duplicate = duplicateDoc.toMutableJSON() as PatientDoc;
  assertEditable(survivor);
  assertEditable(duplicate);
  const now = new Date().toISOString();
  const merged = await survivorDoc.incrementalModify((data) =>
    dropUndefined({
      ...data,
      ...mergedFields(survivor, duplicate),
      updatedAt: now,
      updatedBy: session.userId,
    }),
  );
  await duplicateDoc.incrementalPatch({
    status: 'merged',
    mergedInto: survivorId,
    updatedAt: now,
    updatedBy: session.userId,
  });
  await appendAudit(db, session, {
    action: 'patient.merge',
    recordType: 'patient',
    recordId: survivorId,
    detail: duplicateId,
  });
  await appendAudit(db, session, {
    action: 'patient.merged-into',
    recordType: 'patient',
    recordId: duplicateId,
    detail: survivorId,
  });
  return merged.toMutableJSON() as PatientDoc;
}

/** 死亡注销: the record stays, read-only, with the date of death. */
export async function registerDeath(
  db: ClinicDatabase,
  session: Session,
  id: string,
  death: { date: string; cause?: string },
): Promise<PatientDoc> {
  assertCan(session.roles, 'patient.register-death');
  const doc = await load(db, id);
  const patient = doc.toMutableJSON() as PatientDoc;
  assertEditable(patient);
  const today = new Date().toISOString().slice(0, 10);
  if (!isCalendarDate(death.date) || death.date > today || death.date < patient.birthDate) {
    throw new RegistryError(
      'death-date',
      `date of death ${death.date} must be a real date between birth and today`,
      {
        deathDate: 'patient.error.deathDate.invalid',
      },
    );
  }
  const now = new Date().toISOString();
  const cause = death.cause?.trim();
  const updated = await doc.incrementalPatch({
    status: 'deceased',
    death: { date: death.date, ...(cause ? { cause } : {}), registeredBy: session.userId, registeredAt: now },
    updatedAt: now,
    updatedBy: session.userId,
  });
  await appendAudit(db, session, { action: 'patient.register-death', recordType: 'patient', recordId: id });
  return updated.toMutableJSON() as PatientDoc;
}
