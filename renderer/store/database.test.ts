import { createRxDatabase } from 'rxdb';
import { afterEach, describe, expect, it } from 'vitest';
import { CLINIC_SCHEMAS, type PatientDocV0, patientSchemaV0 } from '../../sync/protocol/schema';
import { memoryStorage } from '../testing/memory-store';
import { type ClinicDatabase, openClinicDatabase } from './database';
import { migratePatientV0toV1 } from './migrations';

const open: ClinicDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

const v0Patient = (over: Partial<PatientDocV0>): PatientDocV0 => ({
  id: crypto.randomUUID(),
  facilityId: 'f1',
  createdAt: '2025-01-02T03:04:05.000Z',
  updatedAt: '2025-03-04T05:06:07.000Z',
  createdBy: 'u1',
  updatedBy: 'u2',
  name: '单雄信',
  sex: 'male',
  birthDate: '1960-05-01',
  allergies: [],
  chronicConditions: ['高血压'],
  deceased: false,
  ...over,
});

describe('the clinic store', () => {
  it('opens the whole product schema within the open-source limit of 13 collections', async () => {
    const storage = memoryStorage();
    const db = await openClinicDatabase({ name: 'schema', storage });
    open.push(db);
    expect(Object.keys(db.collections).sort()).toEqual(Object.keys(CLINIC_SCHEMAS).sort());
    expect(Object.keys(db.collections).length).toBeLessThanOrEqual(13);
  });

  it('refuses a document that breaks its schema, with the field named', async () => {
    const db = await openClinicDatabase({ name: 'invalid', storage: memoryStorage() });
    open.push(db);
    const bad = { ...migratePatientV0toV1(v0Patient({})), sex: 'other' };
    await expect(db.patients.insert(bad as never)).rejects.toThrow(/sex|enum|VD2/i);
  });

  it('keeps data across a close and reopen of the same storage', async () => {
    const storage = memoryStorage();
    const first = await openClinicDatabase({ name: 'reopen', storage });
    await first.patients.insert(migratePatientV0toV1(v0Patient({ id: 'p-keep' })));
    await first.close();
    const second = await openClinicDatabase({ name: 'reopen', storage });
    open.push(second);
    expect((await second.patients.findOne('p-keep').exec())?.name).toBe('单雄信');
  });

  it('migrates patients written by the first release (v0) when the app opens', async () => {
    const storage = memoryStorage();
    const old = await createRxDatabase({ name: 'upgrade', storage, multiInstance: false });
    const { patients } = await old.addCollections({ patients: { schema: patientSchemaV0 } });
    await patients.bulkInsert([
      v0Patient({ id: 'a', address: '石龙镇六美村 12 号', phone: '13812345678' }),
      v0Patient({ id: 'b', name: '曾小贤', deceased: true }),
    ]);
    await old.close();

    const db = await openClinicDatabase({ name: 'upgrade', storage });
    open.push(db);
    const a = (await db.patients.findOne('a').exec())?.toJSON();
    const b = (await db.patients.findOne('b').exec())?.toJSON();
    expect(a).toMatchObject({
      name: '单雄信',
      namePinyin: 'shanxiongxin',
      nameInitials: 'sxx',
      address: { detail: '石龙镇六美村 12 号' },
      phone: '13812345678',
      status: 'active',
      mergedFrom: [],
      chronicConditions: ['高血压'],
    });
    expect(b).toMatchObject({
      namePinyin: 'zengxiaoxian',
      status: 'deceased',
      death: { date: '2025-03-04', registeredBy: 'u2' },
    });
    expect(a).not.toHaveProperty('deceased');
  });
});
