/**
 * Two clinics and the county gateway, all real: each clinic's store (RxDB over
 * fake-indexeddb) and replication in its own worker thread, the gateway on
 * PGlite, and the weak-link proxy between them to take the network down and up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PatientDoc, ReferralDoc } from '../../sync/protocol/schema';
import { startGateway } from '../../sync/server/testing/start-gateway';
import { startWeakLink } from '../../sync/testing/weak-link';
import type { Session } from '../auth/session';
import { type ClinicHandle, clinicInWorker } from '../testing/clinic-in-worker';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function referralFor(session: Session, patientId: string, targetFacilityId: string): ReferralDoc {
  const now = new Date().toISOString();
  return {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: session.userId,
    updatedBy: session.userId,
    serialNo: 'XY-V01-000001',
    patientId,
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: [targetFacilityId],
    state: 'draft',
    reason: '血压控制不佳',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    attachmentIds: [],
    appliedSeq: 0,
  };
}

async function clinic(): Promise<ClinicHandle> {
  const handle = clinicInWorker();
  cleanup.push(() => handle.terminate());
  return handle;
}

describe('two clinics and the county gateway', () => {
  it('converge after editing offline, and merge one patient edited on both field by field', async () => {
    const gateway = await startGateway();
    cleanup.push(() => gateway.close());
    const link = await startWeakLink({
      target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) },
    });
    cleanup.push(() => link.close());

    const village = await clinic();
    const township = await clinic();
    const villageSession = await village.enrol({
      baseUrl: link.url(),
      code: await gateway.issueCode('XY-V01'),
      username: 'village.admin',
      roles: ['admin', 'doctor'],
    });
    const townshipSession = await township.enrol({
      baseUrl: link.url(),
      code: await gateway.issueCode('XY-T01'),
      username: 'township.admin',
      roles: ['admin', 'doctor'],
    });
    expect(
      ((await village.get({ collection: 'facilities', id: villageSession.facilityId })) as { name: string })
        .name,
    ).toBe('东河镇柳树村卫生室');
    await village.startSync();
    await township.startSync();

    // The village registers a patient: it waits until the county has stored it.
    const patient = (await village.register({
      name: '张三',
      idNumber: '45088119900315001X',
      phone: '13812345678',
    })) as PatientDoc;
    await Promise.all([village.settle(), township.settle()]);
    expect(
      ((await village.get({ collection: 'patients', id: patient.id })) as PatientDoc).countySeq,
    ).toBeGreaterThan(0);
    // Scope: not the township's patient until a referral carries it there.
    expect(await township.get({ collection: 'patients', id: patient.id })).toBeNull();

    await village.insert({
      collection: 'referrals',
      docs: [referralFor(villageSession, patient.id, townshipSession.facilityId)],
    });
    await village.settle();
    await township.settle();
    expect(((await township.get({ collection: 'patients', id: patient.id })) as PatientDoc).name).toBe(
      '张三',
    );

    // The link goes down; both edit the same patient, each a different field.
    link.setDown(true);
    await village.edit({ id: patient.id, changes: { phone: '13900001111' } });
    await township.edit({ id: patient.id, changes: { addressDetail: '东河镇柳树村 12 号' } });
    const own = (await township.register({
      name: '李四',
      sex: 'male',
      birthDate: '1950-01-01',
    })) as PatientDoc;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await village.status()).online).toBe(false);
    expect(
      ((await village.get({ collection: 'patients', id: patient.id })) as PatientDoc).countySeq,
    ).toBeUndefined();

    link.setDown(false);
    for (let round = 0; round < 2; round++) await Promise.all([village.settle(), township.settle()]);

    for (const side of [village, township]) {
      const merged = (await side.get({ collection: 'patients', id: patient.id })) as PatientDoc;
      expect(merged).toMatchObject({ phone: '13900001111', address: { detail: '东河镇柳树村 12 号' } });
      expect(merged.countySeq).toBeGreaterThan(0);
    }
    expect(await village.get({ collection: 'patients', id: own.id })).toBeNull();
    const townshipStatus = await township.status();
    expect(townshipStatus.online).toBe(true);
    expect(Object.values(townshipStatus.waiting).reduce((a, b) => a + b, 0)).toBe(0);
  }, 120_000);
});
