/**
 * This workstation's link to the county: the device credential from a one-time
 * enrolment code, kept in the host's secret store (never in IndexedDB), and
 * the first-run path that joins a county-registered facility.
 */
import type { ClinicBridge } from '../../electron/bridge/contract';
import type { FacilityDoc } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import { checkNewUser, insertUser, type NewUser } from '../auth/accounts';
import type { Session } from '../auth/session';
import { CLINIC_LOCAL_DOC, type ClinicIdentity, EnrolmentError } from '../enrolment/enrol';
import type { ClinicDatabase } from '../store/database';
import { CountyApi, type DeviceCredential, enrolWithCode } from './county-api';
import { pullOnce } from './replication';

export const COUNTY_LINK_SECRET = 'county.link';

export interface CountyLink extends DeviceCredential {
  baseUrl: string;
  facilityId: string;
}

export async function readCountyLink(bridge: ClinicBridge): Promise<CountyLink | null> {
  const stored = await bridge.secrets.get(COUNTY_LINK_SECRET);
  return stored ? (JSON.parse(stored) as CountyLink) : null;
}

export function countyApi(
  link: CountyLink,
  userId: string,
  onBytes?: (up: number, down: number) => void,
): CountyApi {
  return new CountyApi({ baseUrl: link.baseUrl, credential: link, userId, ...(onBytes ? { onBytes } : {}) });
}

export class FacilityNotInCounty extends Error {
  constructor(facilityId: string) {
    super(`the county did not send facility ${facilityId}; ask the county to check its facility list`);
    this.name = 'FacilityNotInCounty';
  }
}

/**
 * First run with an enrolment code: the facility comes from the county (name,
 * level, relations), the admin is created here. The only step of the product
 * that needs the network, once.
 */
export async function enrolWithCounty(
  db: ClinicDatabase,
  bridge: ClinicBridge,
  input: { baseUrl: string; code: string; deviceName: string; admin: Omit<NewUser, 'roles'> },
): Promise<Session> {
  const adminId = crypto.randomUUID();
  const problems = await checkNewUser(db, 'pending', { ...input.admin, roles: ['admin'] });
  if (problems.length) throw new EnrolmentError(problems);

  const enrolment = await enrolWithCode(input.baseUrl, input.code, input.deviceName);
  const link: CountyLink = { baseUrl: input.baseUrl, ...enrolment };
  await bridge.secrets.set(COUNTY_LINK_SECRET, JSON.stringify(link));

  await pullOnce(db, countyApi(link, adminId), link.facilityId, ['facilities', 'staff']);
  const facility = (await db.facilities.findOne(link.facilityId).exec())?.toMutableJSON() as
    | FacilityDoc
    | undefined;
  if (!facility) throw new FacilityNotInCounty(link.facilityId);

  const admin = await insertUser(db, facility.id, adminId, { ...input.admin, roles: ['admin'] }, adminId);
  await db.upsertLocal<ClinicIdentity>(CLINIC_LOCAL_DOC, {
    facilityId: facility.id,
    enrolledAt: new Date().toISOString(),
  });
  const session: Session = {
    userId: admin.id,
    userName: admin.displayName,
    roles: admin.roles,
    facilityId: facility.id,
    facilityName: facility.name,
  };
  await appendAudit(db, session, {
    action: 'clinic.enrol',
    recordType: 'facility',
    recordId: facility.id,
    detail: 'county',
  });
  return session;
}
