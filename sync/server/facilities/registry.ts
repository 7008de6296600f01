/**
 * The county's facilities: hierarchy, referral relations (医联体对口关系),
 * departments, staff, and 下线. Tables hold the truth the gateway checks; each
 * change also rewrites the `facilities` / `staff` documents so clinics get
 * them as reference data.
 */
import { randomUUID } from 'node:crypto';
import {
  FACILITY_LEVELS,
  type FacilityDoc,
  type FacilityLevel,
  ROLES,
  type Role,
  type SlipKeyRecord,
  type StaffDoc,
} from '../../protocol/schema';
import { CHANGES_CHANNEL, type Database, type Queryable } from '../db/driver';
import { EVERYONE } from '../replication/scope';
import { WriteBatch, type Writer } from '../replication/store';

export const COUNTY_WRITER: Writer = { facilityId: null, deviceId: null, userId: 'county-admin' };

export interface FacilityRow {
  id: string;
  code: string;
  name: string;
  level: FacilityLevel;
  parentId: string | null;
  offline: boolean;
  referralTargetIds: string[];
}

export class RegistryError extends Error {
  override name = 'RegistryError';
}

export async function listFacilities(db: Queryable, ids?: readonly string[]): Promise<FacilityRow[]> {
  const { rows } = await db.query<{
    id: string;
    code: string;
    name: string;
    level: FacilityLevel;
    parent_id: string | null;
    offline: boolean;
    targets: string[] | null;
  }>(
    `SELECT f.id, f.code, f.name, f.level, f.parent_id, f.offline,
            ARRAY(SELECT r.to_id FROM facility_relations r WHERE r.from_id = f.id ORDER BY r.to_id) AS targets
       FROM facilities f ${ids ? 'WHERE f.id = ANY($1::text[])' : ''} ORDER BY f.code`,
    ids ? [ids] : [],
  );
  return rows.map((row) => ({
    id: row.id,
    code: row.code,
    name: row.name,
    level: row.level,
    parentId: row.parent_id,
    offline: row.offline,
    referralTargetIds: row.targets ?? [],
  }));
}

export async function facilityByCode(db: Queryable, code: string): Promise<FacilityRow> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM facilities WHERE code = $1', [code]);
  const found = rows[0] ? (await listFacilities(db, [rows[0].id]))[0] : undefined;
  if (!found) throw new RegistryError(`no facility with code ${code}`);
  return found;
}

export async function addFacility(
  db: Database,
  input: { code: string; name: string; level: string; parentCode?: string; id?: string },
): Promise<FacilityRow> {
  if (!(FACILITY_LEVELS as readonly string[]).includes(input.level)) {
    throw new RegistryError(`level must be one of ${FACILITY_LEVELS.join(', ')}`);
  }
  return db.transaction(async (tx) => {
    const batch = await WriteBatch.begin(tx);
    const parentId = input.parentCode ? (await facilityByCode(tx, input.parentCode)).id : null;
    const existing = await tx.query('SELECT 1 FROM facilities WHERE code = $1', [input.code]);
    if (existing.rows.length > 0) throw new RegistryError(`facility ${input.code} already exists`);
    const id = input.id ?? randomUUID();
    await tx.query('INSERT INTO facilities (id, code, name, level, parent_id) VALUES ($1, $2, $3, $4, $5)', [
      id,
      input.code,
      input.name,
      input.level,
      parentId,
    ]);
    await publishFacilities(batch, [id]);
    return facilityByCode(tx, input.code);
  });
}

/** `from` may refer patients to `to`. */
export async function relate(db: Database, fromCode: string, toCode: string): Promise<void> {
  await db.transaction(async (tx) => {
    const batch = await WriteBatch.begin(tx);
    const from = await facilityByCode(tx, fromCode);
    const to = await facilityByCode(tx, toCode);
    await tx.query('INSERT INTO facility_relations (from_id, to_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      from.id,
      to.id,
    ]);
    await publishFacilities(batch, [from.id]);
  });
}

/** 下线 (offline = true) or back online. Open streams of the facility close at once. */
export async function setOffline(db: Database, code: string, offline: boolean): Promise<FacilityRow> {
  return db.transaction(async (tx) => {
    const batch = await WriteBatch.begin(tx);
    const facility = await facilityByCode(tx, code);
    await tx.query('UPDATE facilities SET offline = $2 WHERE id = $1', [facility.id, offline]);
    await publishFacilities(batch, [facility.id]);
    if (offline)
      await tx.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, JSON.stringify({ revoked: facility.id })]);
    return { ...facility, offline };
  });
}

export async function addDepartment(
  db: Database,
  code: string,
  department: { id?: string; name: string },
): Promise<{ id: string; name: string }> {
  const added = { id: department.id ?? randomUUID(), name: department.name };
  await db.transaction(async (tx) => {
    const batch = await WriteBatch.begin(tx);
    const facility = await facilityByCode(tx, code);
    await publishFacilities(batch, [facility.id], { [facility.id]: added });
  });
  return added;
}

export async function addStaff(
  db: Database,
  input: {
    facilityCode: string;
    name: string;
    roles: string[];
    departmentId?: string;
    title?: string;
    id?: string;
  },
): Promise<StaffDoc> {
  const roles = input.roles.filter((role): role is Role => (ROLES as readonly string[]).includes(role));
  if (roles.length !== input.roles.length || roles.length === 0) {
    throw new RegistryError(`roles must be among ${ROLES.join(', ')}`);
  }
  return db.transaction(async (tx) => {
    const batch = await WriteBatch.begin(tx);
    const facility = await facilityByCode(tx, input.facilityCode);
    const doc: StaffDoc = {
      id: input.id ?? randomUUID(),
      facilityId: facility.id,
      createdAt: batch.time,
      updatedAt: batch.time,
      createdBy: COUNTY_WRITER.userId ?? 'county-admin',
      updatedBy: COUNTY_WRITER.userId ?? 'county-admin',
      name: input.name,
      roles,
      suspended: false,
      ...(input.departmentId ? { departmentId: input.departmentId } : {}),
      ...(input.title ? { title: input.title } : {}),
    };
    const { id, ...rest } = doc;
    await batch.write(
      'staff',
      [{ id, owner: facility.id, scope: [EVERYONE], deleted: false, data: { id, ...rest } }],
      COUNTY_WRITER,
      'county',
    );
    await batch.notify();
    return doc;
  });
}

const isoOf = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();

async function slipKeysOf(db: Queryable, ids: readonly string[]): Promise<Map<string, SlipKeyRecord[]>> {
  const { rows } = await db.query<{
    facility_id: string;
    key_id: string;
    public_key: string;
    registered_at: unknown;
    retired_at: unknown;
  }>(
    `SELECT facility_id, key_id, public_key, registered_at, retired_at FROM facility_slip_keys
      WHERE facility_id = ANY($1::text[]) ORDER BY registered_at, key_id`,
    [ids],
  );
  const keys = new Map<string, SlipKeyRecord[]>();
  for (const row of rows) {
    const list = keys.get(row.facility_id) ?? [];
    list.push({
      keyId: row.key_id,
      publicKey: row.public_key,
      registeredAt: isoOf(row.registered_at),
      ...(row.retired_at === null || row.retired_at === undefined
        ? {}
        : { retiredAt: isoOf(row.retired_at) }),
    });
    keys.set(row.facility_id, list);
  }
  return keys;
}

/** Rewrites the `facilities` documents of these facilities from the tables (keeping departments). */
export async function publishFacilities(
  batch: WriteBatch,
  ids: string[],
  addDepartments: Record<string, { id: string; name: string }> = {},
): Promise<void> {
  const all = await listFacilities(batch.tx, ids);
  const existing = await batch.load('facilities', ids);
  const slipKeys = await slipKeysOf(batch.tx, ids);
  const docs = ids.map((id) => {
    const facility = all.find((f) => f.id === id);
    if (!facility) throw new RegistryError(`facility ${id} vanished`);
    const before = existing.get(id)?.data as Partial<FacilityDoc> | undefined;
    const departments = [...(before?.departments ?? [])];
    const added = addDepartments[id];
    if (added) departments.push(added);
    const doc: FacilityDoc = {
      id,
      facilityId: id,
      createdAt: before?.createdAt ?? batch.time,
      updatedAt: batch.time,
      createdBy: before?.createdBy ?? 'county-admin',
      updatedBy: 'county-admin',
      code: facility.code,
      name: facility.name,
      level: facility.level,
      ...(facility.parentId ? { parentId: facility.parentId } : {}),
      departments,
      referralTargetIds: facility.referralTargetIds,
      offline: facility.offline,
      ...(slipKeys.has(id) ? { slipKeys: slipKeys.get(id) } : {}),
    };
    return {
      id,
      owner: id,
      scope: [EVERYONE],
      deleted: false,
      data: doc as unknown as Record<string, unknown>,
    };
  });
  await batch.write('facilities', docs, COUNTY_WRITER, 'county');
  await batch.notify();
}
