/**
 * A clinic's first sync stores the county's documents without RxDB's
 * bookkeeping copies (first-sync.ts). These tests hold it to what the
 * replication promised: every document once, nothing pushed back, changes
 * made here afterwards merged at the county field by field, and a write made
 * while the load runs still goes up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClinicBridge } from '../../electron/bridge/contract';
import type { PushRequest, WireDocument } from '../../sync/protocol/replication';
import type { PatientDoc } from '../../sync/protocol/schema';
import { changed, created, patientDoc, readingDoc } from '../../sync/server/testing/fixtures';
import { startGateway } from '../../sync/server/testing/start-gateway';
import { openMemoryClinic } from '../testing/memory-store';
import { countyApi, enrolWithCounty, readCountyLink } from './county-link';
import { BatchSize } from './first-sync';
import { startCountySync } from './replication';
import { EMPTY_SYNC, type SyncSnapshot } from './sync-store';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const PATIENTS = 300;
const READINGS = 1_200;

function memoryBridge(): ClinicBridge {
  const secrets = new Map<string, string>();
  return {
    secrets: {
      get: async (key: string) => secrets.get(key) ?? null,
      set: async (key: string, value: string) => void secrets.set(key, value),
      delete: async (key: string) => void secrets.delete(key),
    },
  } as unknown as ClinicBridge;
}

async function countyWithData() {
  const gateway = await startGateway();
  cleanup.push(() => gateway.close());
  // Another workstation of the same village has sent the county its records.
  const other = await gateway.clinic('XY-V01', 'other-pc');
  const patients = Array.from({ length: PATIENTS }, (_, i) =>
    patientDoc(other.facilityId, { name: `病人${i}`, phone: `138${String(i).padStart(8, '0')}` }),
  );
  await other.push('patients', created(...patients));
  const readings: WireDocument[] = Array.from({ length: READINGS }, (_, i) =>
    readingDoc(other.facilityId, patients[i % PATIENTS]?.id ?? '', {}),
  );
  for (let i = 0; i < readings.length; i += 500) {
    await other.push('readings', created(...readings.slice(i, i + 500)));
  }
  return { gateway, other, patients };
}

/** Holds back pulls of one collection after its first batch until `release` is called. */
function pullGate() {
  let release = () => {};
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release };
}

async function enrolledClinic(
  gateway: Awaited<ReturnType<typeof startGateway>>,
  hold?: { collection: string; opened: Promise<void> },
) {
  const { db } = await openMemoryClinic();
  cleanup.push(() => db.close());
  const bridge = memoryBridge();
  const session = await enrolWithCounty(db, bridge, {
    baseUrl: gateway.url,
    code: await gateway.issueCode('XY-V01'),
    deviceName: 'pc-first-sync',
    admin: { displayName: '李管理', username: 'li.admin', password: 'Clinic-2026!' },
  });
  const link = await readCountyLink(bridge);
  if (!link) throw new Error('not linked');
  const api = countyApi(link, session.userId);
  if (hold) {
    const pull = api.pull.bind(api);
    api.pull = async (collection, seq, limit, count) => {
      if (collection === hold.collection && seq > 0) await hold.opened;
      return pull(collection, seq, limit, count);
    };
  }
  const pushed: PushRequest[] = [];
  const push = api.push.bind(api);
  api.push = (request) => {
    pushed.push(request);
    return push(request);
  };
  let snapshot: SyncSnapshot = { ...EMPTY_SYNC };
  const status = {
    get: () => snapshot,
    set: (patch: Partial<SyncSnapshot>) => {
      snapshot = { ...snapshot, ...patch };
    },
  };
  const sync = startCountySync(db, api, session.facilityId, status);
  cleanup.push(() => sync.stop());
  const settle = async () => {
    for (let round = 0; round < 2; round++) {
      sync.syncNow();
      await sync.awaitInSync();
    }
  };
  return { db, session, sync, settle, pushed, status: () => snapshot };
}

describe('the first sync', { timeout: 180_000 }, () => {
  it('stores every document once and pushes none of them back', async () => {
    const { gateway } = await countyWithData();
    const clinic = await enrolledClinic(gateway);
    await clinic.settle();

    expect(await clinic.db.patients.count().exec()).toBe(PATIENTS);
    expect(await clinic.db.readings.count().exec()).toBe(READINGS);
    const stamped = await clinic.db.readings.count({ selector: { countySeq: { $exists: true } } }).exec();
    expect(stamped).toBe(READINGS);
    const rowsUp = clinic.pushed
      .filter((request) => request.collection === 'patients' || request.collection === 'readings')
      .reduce((sum, request) => sum + request.rows.length, 0);
    expect(rowsUp).toBe(0);
    expect(clinic.status().lastError).toBeUndefined();
  });

  it('pushes a later change with the county version it started from, so the county merges field by field', async () => {
    const { gateway, other, patients } = await countyWithData();
    const clinic = await enrolledClinic(gateway);
    await clinic.settle();
    const original = patients[7] as WireDocument;
    const [atCounty] = (await other.pullAll('patients')).filter((doc) => doc.id === original.id);
    if (!atCounty) throw new Error('the county lost a patient');

    // Meanwhile the other workstation changes the address at the county ...
    await other.push('patients', [changed(atCounty, { ...atCounty, address: { detail: '柳树村5组' } })]);
    // ... and this one, not having pulled that yet, the phone.
    const local = await clinic.db.patients.findOne(original.id).exec();
    await local?.incrementalPatch({ phone: '13900000007' });
    await clinic.settle();

    const [merged] = (await other.pullAll('patients')).filter((doc) => doc.id === original.id);
    expect(merged).toMatchObject({ phone: '13900000007', address: { detail: '柳树村5组' } });
    const here = (await clinic.db.patients.findOne(original.id).exec())?.toJSON() as PatientDoc;
    expect(here).toMatchObject({ phone: '13900000007', address: { detail: '柳树村5组' } });
    expect(here.countySeq).toBeGreaterThan(0);
  });

  it('sends a record captured while the load runs', async () => {
    const { gateway, other, patients } = await countyWithData();
    const gate = pullGate();
    const clinic = await enrolledClinic(gateway, { collection: 'readings', opened: gate.opened });
    // Once the load has stored its first batch of readings; the rest waits until the reading is taken.
    while ((await clinic.db.readings.count().exec()) === 0) await new Promise((r) => setTimeout(r, 10));
    const reading = readingDoc(clinic.session.facilityId, patients[0]?.id ?? '', {});
    // Written through the collection, as the vitals capture does (the store drops any stamp).
    await clinic.db.readings.insert(reading as never);
    expect(await clinic.db.readings.count().exec()).toBeLessThan(READINGS + 1);
    gate.release();
    await clinic.settle();

    const atCounty = await other.pullAll('readings');
    expect(atCounty.filter((doc) => doc.id === reading.id)).toHaveLength(1);
    expect(await clinic.db.readings.count().exec()).toBe(READINGS + 1);
  });
});

describe('the first sync batch size', () => {
  it('grows while batches come back fast, shrinks when slow or cut, within the gateway cap', () => {
    const size = new BatchSize();
    expect(size.next()).toBe(1_000);
    for (let i = 0; i < 5; i++) size.took(200);
    expect(size.next()).toBe(BatchSize.MAX);
    size.took(3_000);
    expect(size.next()).toBe(BatchSize.MAX);
    size.took(10_000);
    expect(size.next()).toBe(BatchSize.MAX / 2);
    for (let i = 0; i < 10; i++) size.failed();
    expect(size.next()).toBe(BatchSize.MIN);
  });
});
