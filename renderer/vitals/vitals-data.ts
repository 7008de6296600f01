/**
 * Readings and the visit they land on: guarded writes and the queries the screens need. Every
 * write takes the signed-in session, checks `reading.capture`, and leaves an audit entry on the
 * patient's record (which kinds, never the values).
 */
import { assertCan } from '../../sync/protocol/roles';
import type { PatientDoc, ReadingDoc, VisitDoc } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import type { Session } from '../auth/session';
import type { ClinicDatabase } from '../store/database';
import {
  checkVitals,
  isHypertensive,
  splitReadings,
  type VitalField,
  type VitalsCheck,
  type VitalValues,
} from './ranges';

export type ReadingProblem = 'invalid' | 'out-of-range' | 'patient-not-found' | 'patient-inactive';

export class ReadingError extends Error {
  constructor(
    readonly problem: ReadingProblem,
    message: string,
    readonly check?: VitalsCheck,
  ) {
    super(message);
    this.name = 'ReadingError';
  }
}

export interface CaptureInput {
  patientId: string;
  values: VitalValues;
  source: 'device' | 'manual';
  deviceId?: string;
  /** When the reading was taken (ISO); defaults to now. */
  measuredAt?: string;
  /** The nurse confirmed values outside the plausible range. */
  confirmOutOfRange?: boolean;
}

function localDay(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Today's open visit of the patient, created when there is none (the reading needs somewhere to land). */
export async function openTodaysVisit(
  db: ClinicDatabase,
  session: Session,
  patientId: string,
  now = new Date(),
): Promise<VisitDoc> {
  assertCan(session.roles, 'reading.capture');
  const today = localDay(now.toISOString());
  const recent = await db.visits
    .find({ selector: { patientId, status: 'open' }, sort: [{ startedAt: 'desc' }], limit: 5 })
    .exec();
  const found = recent.find((visit) => localDay(visit.startedAt) === today);
  if (found) return found.toMutableJSON() as VisitDoc;
  const at = now.toISOString();
  const visit: VisitDoc = {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    patientId,
    doctorId: session.userId,
    startedAt: at,
    diagnoses: [],
    status: 'open',
  };
  await db.visits.insert(visit);
  await appendAudit(db, session, {
    action: 'visit.open',
    recordType: 'patient',
    recordId: patientId,
    detail: visit.id,
  });
  return visit;
}

/**
 * Stores one measurement (BP, SpO2 and/or temperature) on the patient's visit of today. Refuses
 * impossible values outright and implausible ones unless confirmed; nothing is stored then.
 */
export async function captureReadings(
  db: ClinicDatabase,
  session: Session,
  input: CaptureInput,
  action: 'reading.capture' | 'reading.assign' = 'reading.capture',
): Promise<{ visit: VisitDoc; readings: ReadingDoc[] }> {
  assertCan(session.roles, 'reading.capture');
  const patient = await db.patients.findOne(input.patientId).exec();
  if (!patient) throw new ReadingError('patient-not-found', `no patient ${input.patientId}`);
  if (patient.status !== 'active')
    throw new ReadingError('patient-inactive', `patient ${input.patientId} is ${patient.status}`);
  const check = checkVitals(input.values);
  if (Object.keys(check.invalid).length > 0)
    throw new ReadingError('invalid', `readings refused: ${Object.keys(check.invalid).join(', ')}`, check);
  if (check.outOfRange.length > 0 && input.confirmOutOfRange !== true)
    throw new ReadingError('out-of-range', `needs confirmation: ${check.outOfRange.join(', ')}`, check);
  const visit = await openTodaysVisit(db, session, input.patientId);
  const now = new Date().toISOString();
  const readings: ReadingDoc[] = splitReadings(input.values).map(({ kind, values }) => ({
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: session.userId,
    updatedBy: session.userId,
    patientId: input.patientId,
    visitId: visit.id,
    kind,
    values,
    measuredAt: input.measuredAt ?? now,
    source: input.source,
    ...(input.deviceId !== undefined ? { deviceId: input.deviceId } : {}),
    operatorId: session.userId,
    outOfRangeConfirmed: check.outOfRange.length > 0,
  }));
  const result = await db.readings.bulkInsert(readings);
  if (result.error.length > 0) throw new Error(`readings not stored: ${result.error[0]?.status}`);
  await appendAudit(db, session, {
    action,
    recordType: 'patient',
    recordId: input.patientId,
    detail: `${readings.map((reading) => reading.kind).join('+')}:${input.source}`,
  });
  return { visit, readings };
}

/** The patient's readings, oldest first, including those of records merged into it. */
export async function patientReadings(
  db: ClinicDatabase,
  session: Session,
  patient: PatientDoc,
): Promise<ReadingDoc[]> {
  assertCan(session.roles, 'patient.read');
  const docs = await db.readings
    .find({
      selector: { patientId: { $in: [patient.id, ...patient.mergedFrom] } },
      sort: [{ measuredAt: 'asc' }],
    })
    .exec();
  return docs.map((doc) => doc.toJSON() as ReadingDoc);
}

export interface FollowUpRow {
  patientId: string;
  name: string;
  sex: PatientDoc['sex'];
  birthDate: string;
  diagnosed: boolean;
  latest?: { systolic: number; diastolic: number; pulse?: number; measuredAt: string };
  /** BP readings in the last 90 days (the 国家基本公共卫生 quarterly follow-up). */
  recentCount: number;
  state: 'uncontrolled' | 'overdue' | 'controlled' | 'no-reading';
}

const HYPERTENSION = /高血压|hypertension|I1[0-5]/i;
const FOLLOW_UP_DAYS = 90;

/**
 * Patients to follow up for hypertension: those with it among their chronic conditions, and those
 * whose latest BP was raised. Uncontrolled first, then overdue (no BP in 90 days), then the rest.
 */
export async function hypertensionFollowUp(
  db: ClinicDatabase,
  session: Session,
  now = new Date(),
): Promise<FollowUpRow[]> {
  assertCan(session.roles, 'patient.read');
  const bp = await db.readings.find({ selector: { kind: 'bp' }, sort: [{ measuredAt: 'desc' }] }).exec();
  const since = new Date(now.getTime() - FOLLOW_UP_DAYS * 86_400_000).toISOString();
  const latest = new Map<string, ReadingDoc>();
  const counts = new Map<string, number>();
  for (const doc of bp) {
    const reading = doc.toJSON() as ReadingDoc;
    if (reading.values.systolic === undefined || reading.values.diastolic === undefined) continue;
    if (!latest.has(reading.patientId)) latest.set(reading.patientId, reading);
    if (reading.measuredAt >= since) counts.set(reading.patientId, (counts.get(reading.patientId) ?? 0) + 1);
  }
  const patients = await db.patients.find({ selector: { status: 'active' } }).exec();
  const rows: FollowUpRow[] = [];
  for (const doc of patients) {
    const patient = doc.toJSON() as PatientDoc;
    const diagnosed = patient.chronicConditions.some((condition) => HYPERTENSION.test(condition));
    const reading = latest.get(patient.id);
    const values = reading?.values as Partial<Record<VitalField, number>> | undefined;
    const raised =
      values !== undefined && isHypertensive(values.systolic as number, values.diastolic as number);
    if (!diagnosed && !raised) continue;
    const state: FollowUpRow['state'] =
      reading === undefined
        ? 'no-reading'
        : raised
          ? 'uncontrolled'
          : reading.measuredAt < since
            ? 'overdue'
            : 'controlled';
    rows.push({
      patientId: patient.id,
      name: patient.name,
      sex: patient.sex,
      birthDate: patient.birthDate,
      diagnosed,
      ...(reading && values
        ? {
            latest: {
              systolic: values.systolic as number,
              diastolic: values.diastolic as number,
              ...(values.pulse !== undefined ? { pulse: values.pulse } : {}),
              measuredAt: reading.measuredAt,
            },
          }
        : {}),
      recentCount: counts.get(patient.id) ?? 0,
      state,
    });
  }
  const order = { uncontrolled: 0, 'no-reading': 1, overdue: 2, controlled: 3 };
  return rows.sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name, 'zh-CN'));
}
