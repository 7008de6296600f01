import { createRxDatabase, type RxJsonSchema } from 'rxdb';
import { afterEach, describe, expect, it } from 'vitest';
import { type SlotDoc, slotSchema } from '../../sync/protocol/schema';
import { memoryStorage } from '../testing/memory-store';
import { type ClinicDatabase, openClinicDatabase } from './database';
import { migrateSlotV0toV1 } from './migrations';

const open: ClinicDatabase[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

/** Slots as the first release stored them: without number, heldBy, holdUntil. */
const { number: _n, heldBy: _h, holdUntil: _u, ...v0Properties } = slotSchema.properties;
const slotSchemaV0 = { ...slotSchema, version: 0, properties: v0Properties } as RxJsonSchema<SlotDoc>;

const v0Slot: SlotDoc = {
  id: 'slot-1',
  facilityId: 'h1',
  createdAt: '2026-11-20T01:00:00.000Z',
  updatedAt: '2026-11-20T01:00:00.000Z',
  createdBy: 'county-import',
  updatedBy: 'county-import',
  kind: 'outpatient',
  mode: 'quota',
  allocatedTo: 'v1',
  date: '2026-11-23',
  period: 'am',
  startTime: '08:00',
  departmentId: 'd1',
  doctorId: 's1',
  feeCents: 3000,
  green: true,
  state: 'open',
  countySeq: 7,
  countyTime: '2026-11-20T01:00:00.000Z',
};

describe('slot documents from the first release (v0)', () => {
  it('are valid v1 slots as they are', () => {
    expect(migrateSlotV0toV1(v0Slot)).toEqual(v0Slot);
  });

  it('open in the current app with their county stamp kept', async () => {
    const storage = memoryStorage();
    const old = await createRxDatabase({ name: 'slots-upgrade', storage, multiInstance: false });
    const { slots } = await old.addCollections({ slots: { schema: slotSchemaV0 } });
    await slots.insert(v0Slot);
    await old.close();

    const db = await openClinicDatabase({ name: 'slots-upgrade', storage });
    open.push(db);
    expect((await db.slots.findOne('slot-1').exec())?.toJSON()).toMatchObject(v0Slot);
  });
});
