/**
 * The real store (RxDB + Dexie + validation + migrations) over fake-indexeddb,
 * for Node tests that need speed. Each call gets its own IndexedDB factory, so
 * tests never see each other's data.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { onTestFinished } from 'vitest';
import type { Session } from '../auth/session';
import { enrolClinic } from '../enrolment/enrol';
import { type ClinicDatabase, openClinicDatabase } from '../store/database';

export function memoryStorage(indexedDB = new IDBFactory()) {
  return getRxStorageDexie({ indexedDB, IDBKeyRange });
}

export async function openMemoryClinic(name = `clinic-${crypto.randomUUID().slice(0, 8)}`) {
  const storage = memoryStorage();
  const db = await openClinicDatabase({ name, storage });
  // RxDB counts open collections process-wide, so every test closes what it opened, pass or fail.
  onTestFinished(() => db.close().then(() => undefined));
  return { db, storage, name };
}

export const TEST_ADMIN = { displayName: '王管理', username: 'wang.admin', password: 'Clinic-2026!' };

/** An enrolled clinic with its admin signed in, plus helpers to act as other roles. */
export async function enrolledClinic(): Promise<{
  db: ClinicDatabase;
  admin: Session;
  as(roles: Session['roles']): Session;
}> {
  const { db } = await openMemoryClinic();
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
