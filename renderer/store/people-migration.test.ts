import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type StaffDocV0,
  staffSchema,
  type UserDoc,
  type UserDocV0,
  userSchema,
} from '../../sync/protocol/schema';
import { memoryStorage } from '../testing/memory-store';
import { type ClinicDatabase, openClinicDatabase } from './database';
import { migrateStaffV0toV1, migrateUserV0toV1 } from './migrations';

const open: ClinicDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

/** The role enum as the first release stored it. */
const v0Roles = { type: 'array', items: { type: 'string', enum: ['doctor', 'nurse', 'admin', 'reviewer'] } };
const staffSchemaV0 = {
  ...staffSchema,
  version: 0,
  properties: { ...staffSchema.properties, roles: v0Roles },
} as RxJsonSchema<StaffDocV0>;
const userSchemaV0 = {
  ...userSchema,
  version: 0,
  properties: { ...userSchema.properties, roles: v0Roles },
} as RxJsonSchema<UserDocV0>;

const stamp = {
  facilityId: 't1',
  createdAt: '2026-11-20T01:00:00.000Z',
  updatedAt: '2026-11-20T01:00:00.000Z',
  createdBy: 'county-import',
  updatedBy: 'county-import',
  countySeq: 12,
  countyTime: '2026-11-20T01:00:00.000Z',
};

const v0Staff: StaffDocV0 = {
  ...stamp,
  id: 'staff-1',
  name: '王建国',
  roles: ['doctor', 'reviewer'],
  departmentId: 'd1',
  title: '主任医师',
  suspended: false,
};

const credential = {
  kdf: 'argon2id' as const,
  salt: 'c2FsdA',
  hash: 'aGFzaA',
  memoryKiB: 19456,
  iterations: 2,
  parallelism: 1,
};

const v0User: UserDocV0 = {
  ...stamp,
  id: 'user-1',
  username: 'zhao.review',
  displayName: '赵主任',
  roles: ['reviewer'],
  password: credential,
  active: true,
  failedAttempts: 0,
};

describe('staff and users from before the review roles (v0)', () => {
  it('are valid v1 documents as they are', () => {
    expect(migrateStaffV0toV1(v0Staff)).toEqual(v0Staff);
    expect(migrateUserV0toV1(v0User)).toEqual(v0User);
  });

  it('open in the current app with their roles and county stamp kept; the new roles can then be given', async () => {
    const storage = memoryStorage();
    const old = await createRxDatabase({ name: 'people-upgrade', storage, multiInstance: false });
    const { staff, users } = await old.addCollections({
      staff: { schema: staffSchemaV0 },
      users: { schema: userSchemaV0 },
    });
    await staff.insert(v0Staff);
    await users.insert(v0User);
    await old.close();

    const db = await openClinicDatabase({ name: 'people-upgrade', storage });
    open.push(db);
    expect((await db.staff.findOne('staff-1').exec())?.toJSON()).toMatchObject(v0Staff);
    expect((await db.users.findOne('user-1').exec())?.toJSON()).toMatchObject(v0User);

    const head: UserDoc = { ...v0User, id: 'user-2', username: 'qian.yiwu', roles: ['medical-affairs'] };
    await db.users.insert(head);
    await db.staff.insert({ ...v0Staff, id: 'staff-2', roles: ['department-head', 'vice-president'] });
    expect((await db.users.findOne('user-2').exec())?.roles).toEqual(['medical-affairs']);
    expect((await db.staff.findOne('staff-2').exec())?.roles).toEqual(['department-head', 'vice-president']);
    await expect(db.users.insert({ ...v0User, id: 'user-3', roles: ['dean' as never] })).rejects.toThrow(
      /roles|enum|VD2/i,
    );
  });
});
