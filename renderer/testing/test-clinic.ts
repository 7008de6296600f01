/** An enrolled clinic for a vitest test, closed when the test ends (pass or fail). */
import { onTestFinished } from 'vitest';
import type { Session } from '../auth/session';
import { enrolClinic } from '../enrolment/enrol';
import type { ClinicDatabase } from '../store/database';
import { openMemoryClinic } from './memory-store';

export const TEST_ADMIN = { displayName: '王管理', username: 'wang.admin', password: 'Clinic-2026!' };

export async function enrolledClinic(): Promise<{
  db: ClinicDatabase;
  admin: Session;
  as(roles: Session['roles']): Session;
}> {
  const { db } = await openMemoryClinic();
  // RxDB counts open collections per realm, so every test closes what it opened.
  onTestFinished(() => db.close().then(() => undefined));
  const admin = await enrolClinic(db, {
    facilityCode: '450881123',
    facilityName: '石龙镇中心卫生院',
    level: 'township',
    admin: TEST_ADMIN,
  });
  return {
    db,
    admin,
    as: (roles) => ({ ...admin, userId: `user-${roles.join('-')}`, userName: roles.join('/'), roles }),
  };
}
