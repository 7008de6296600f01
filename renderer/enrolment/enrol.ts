/**
 * First run: this workstation becomes a clinic's. The facility record and its
 * first admin are written locally; the county exchange of an enrolment code
 * joins them to the county's records when the gateway is reachable.
 */
import { FACILITY_LEVELS, type FacilityDoc, type FacilityLevel } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import { checkNewUser, insertUser, type NewUser, type NewUserProblem } from '../auth/accounts';
import type { Session } from '../auth/session';
import type { ClinicDatabase } from '../store/database';

export interface EnrolmentInput {
  facilityCode: string;
  facilityName: string;
  level: FacilityLevel;
  admin: Omit<NewUser, 'roles'>;
}

export type EnrolmentProblem =
  | { field: 'facilityCode'; problem: 'format' }
  | { field: 'facilityName'; problem: 'empty' }
  | { field: 'level'; problem: 'unknown' }
  | NewUserProblem;

/** Where this workstation records which facility it belongs to (local, never replicated). */
export const CLINIC_LOCAL_DOC = 'clinic';

export interface ClinicIdentity {
  facilityId: string;
  enrolledAt: string;
}

/** 组织机构代码 (9) or 统一社会信用代码 (18) or a county-issued code: letters and digits. */
const FACILITY_CODE = /^[0-9A-Z]{6,22}$/;

export function normaliseFacilityCode(code: string): string {
  return code.trim().toUpperCase();
}

export async function checkEnrolment(
  db: ClinicDatabase,
  input: EnrolmentInput,
  facilityId: string,
): Promise<EnrolmentProblem[]> {
  const problems: EnrolmentProblem[] = [];
  if (!FACILITY_CODE.test(normaliseFacilityCode(input.facilityCode)))
    problems.push({ field: 'facilityCode', problem: 'format' });
  if (!input.facilityName.trim()) problems.push({ field: 'facilityName', problem: 'empty' });
  if (!FACILITY_LEVELS.includes(input.level)) problems.push({ field: 'level', problem: 'unknown' });
  problems.push(...(await checkNewUser(db, facilityId, { ...input.admin, roles: ['admin'] })));
  return problems;
}

export class EnrolmentError extends Error {
  constructor(readonly problems: EnrolmentProblem[]) {
    super(`enrolment refused: ${problems.map((p) => `${p.field} ${p.problem}`).join(', ')}`);
    this.name = 'EnrolmentError';
  }
}

export async function enrolClinic(db: ClinicDatabase, input: EnrolmentInput): Promise<Session> {
  if (await readClinicIdentity(db)) throw new Error('this workstation is already enrolled');
  const facilityId = crypto.randomUUID();
  const adminId = crypto.randomUUID();
  const problems = await checkEnrolment(db, input, facilityId);
  if (problems.length) throw new EnrolmentError(problems);

  const now = new Date().toISOString();
  const facility: FacilityDoc = {
    id: facilityId,
    facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: adminId,
    updatedBy: adminId,
    code: normaliseFacilityCode(input.facilityCode),
    name: input.facilityName.trim(),
    level: input.level,
    departments: [],
    referralTargetIds: [],
    offline: false,
  };
  await db.facilities.insert(facility);
  const admin = await insertUser(db, facilityId, adminId, { ...input.admin, roles: ['admin'] }, adminId);
  await db.upsertLocal<ClinicIdentity>(CLINIC_LOCAL_DOC, { facilityId, enrolledAt: now });
  const session: Session = {
    userId: admin.id,
    userName: admin.displayName,
    roles: admin.roles,
    facilityId,
    facilityName: facility.name,
  };
  await appendAudit(db, session, { action: 'clinic.enrol', recordType: 'facility', recordId: facilityId });
  return session;
}

export async function readClinicIdentity(db: ClinicDatabase): Promise<ClinicIdentity | null> {
  const doc = await db.getLocal<ClinicIdentity>(CLINIC_LOCAL_DOC);
  return doc ? { facilityId: doc.get('facilityId'), enrolledAt: doc.get('enrolledAt') } : null;
}
