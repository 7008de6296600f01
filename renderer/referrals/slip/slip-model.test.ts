import { createRxDatabase } from 'rxdb';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reasonDigest } from '../../../sync/protocol/referral/slip';
import {
  type FacilityDoc,
  type FacilityDocV0,
  facilitySchema,
  type ReferralDoc,
} from '../../../sync/protocol/schema';
import { openClinicDatabase } from '../../store/database';
import { migrateFacilityV0toV1 } from '../../store/migrations';
import { memoryStorage } from '../../testing/memory-store';
import { enrolledClinic } from '../../testing/test-clinic';
import {
  ageAt,
  isConfirmedByCounty,
  loadSlipFacts,
  localMinute,
  SlipFactsError,
  slipContent,
} from './slip-model';
import { SAMPLE_REASON, sampleFacts } from './slip-testing';

const owned = (id: string, facilityId: string) => ({
  id,
  facilityId,
  createdAt: '2026-11-22T02:00:00.000Z',
  updatedAt: '2026-11-22T02:00:00.000Z',
  createdBy: 'county-admin',
  updatedBy: 'county-admin',
});

describe('slip content from the facts', () => {
  it('carries the referral, the patient without the full ID number, and the county confirmation', () => {
    const content = slipContent(sampleFacts());
    expect(content).toMatchObject({
      serialNo: '450881123-7KQ3-000042',
      patientIdTail: '002X',
      diagnosisCodes: ['I10', 'E11.9'],
      reasonDigest: reasonDigest(SAMPLE_REASON),
      targetFacilityName: '桂平市人民医院',
      issuedAt: '2026-11-22 10:15',
      confirmation: 'unconfirmed',
    });
    expect(JSON.stringify(content)).not.toContain('45088119580317');
    expect(slipContent(sampleFacts({ confirmed: true })).confirmation).toBe('confirmed');
  });

  it('counts a referral confirmed only once the county applied it', () => {
    const referral = sampleFacts().referral;
    expect(isConfirmedByCounty(referral)).toBe(false);
    expect(isConfirmedByCounty({ ...referral, state: 'outgoing-review' })).toBe(false);
    expect(isConfirmedByCounty({ ...referral, state: 'outgoing-review', countySeq: 42 })).toBe(true);
    expect(isConfirmedByCounty({ ...referral, state: 'draft', countySeq: 42 })).toBe(false);
  });

  it('gives ages in full years and local minutes', () => {
    expect(ageAt('1958-03-17', new Date(2026, 2, 16))).toBe(67);
    expect(ageAt('1958-03-17', new Date(2026, 2, 17))).toBe(68);
    expect(ageAt('', new Date())).toBeUndefined();
    expect(localMinute(new Date(2026, 0, 2, 3, 4))).toBe('2026-01-02 03:04');
  });
});

describe('loading the slip facts from the store', () => {
  it('finds the patient, the target, and the booked department, doctor and time', async () => {
    const { db, admin } = await enrolledClinic();
    const target: FacilityDoc = {
      ...owned('f-guiping', 'f-guiping'),
      code: '450881001',
      name: '桂平市人民医院',
      level: 'county',
      departments: [{ id: 'd-cardio', name: '心血管内科' }],
      referralTargetIds: [],
      offline: false,
    };
    await db.facilities.insert(target);
    await db.staff.insert({
      ...owned('s-huang', 'f-guiping'),
      name: '黄志明',
      roles: ['doctor'],
      suspended: false,
    });
    await db.patients.insert({
      ...owned('p-wei', admin.facilityId),
      name: '韦秀英',
      namePinyin: 'weixiuying',
      nameInitials: 'wxy',
      sex: 'female',
      birthDate: '1958-03-17',
      idNumber: '45088119580317002X',
      address: {},
      allergies: [],
      chronicConditions: [],
      status: 'active',
      mergedFrom: [],
    });
    const referral: ReferralDoc = {
      ...sampleFacts().referral,
      ...owned('r-1', admin.facilityId),
      createdBy: admin.userId,
      targetFacilityIds: ['f-guiping'],
    };
    await db.referrals.insert(referral);
    await db.appointments.insert({
      ...owned('a-1', admin.facilityId),
      patientId: 'p-wei',
      purpose: 'referral',
      referralId: 'r-1',
      scheduledAt: '2026-11-24T09:30',
      doctorId: 's-huang',
      departmentId: 'd-cardio',
      hospitalId: 'f-guiping',
      status: 'confirmed',
    });

    const facts = await loadSlipFacts(db, referral, admin, { now: new Date(2026, 10, 22, 10, 15) });
    expect(facts).toMatchObject({
      patient: { name: '韦秀英' },
      facility: { code: '450881123' },
      target: { code: '450881001', name: '桂平市人民医院' },
      department: '心血管内科',
      doctor: '黄志明',
      slotTime: '2026-11-24 09:30',
      referringDoctor: admin.userName,
      confirmed: false,
    });

    expect(facts.slotPending).toBeUndefined();

    // A newer online booking still waiting for the county: its time, marked as not yet confirmed.
    await db.appointments.insert({
      ...owned('a-2', admin.facilityId),
      patientId: 'p-wei',
      purpose: 'referral',
      referralId: 'r-1',
      scheduledAt: '2026-11-25T08:00',
      hospitalId: 'f-guiping',
      mode: 'online',
      status: 'waiting',
      createdAt: '2026-11-22T09:00:00.000Z',
    } as never);
    const pending = await loadSlipFacts(db, referral, admin);
    expect(pending).toMatchObject({ slotTime: '2026-11-25 08:00', slotPending: true });
    // Once the county suspends it, the slip no longer names it.
    await (await db.appointments.findOne('a-2').exec())?.incrementalPatch({ status: 'needs-rebooking' });
    expect(await loadSlipFacts(db, referral, admin)).toMatchObject({ slotTime: '2026-11-24 09:30' });

    await expect(loadSlipFacts(db, { ...referral, patientId: 'nobody' }, admin)).rejects.toBeInstanceOf(
      SlipFactsError,
    );
  });
});

describe('facility documents v0 → v1 (slip keys)', () => {
  const v0: FacilityDocV0 = {
    ...owned('f-old', 'f-old'),
    code: '450881123',
    name: '石龙镇中心卫生院',
    level: 'township',
    departments: [{ id: 'd1', name: '全科' }],
    referralTargetIds: ['f-guiping'],
    offline: false,
  };

  it('keeps every field (plain data)', () => {
    expect(migrateFacilityV0toV1(v0)).toEqual(v0);
  });

  it('upgrades a stored v0 facility when the current app opens the store', async () => {
    const storage = memoryStorage();
    const old = await createRxDatabase({ name: 'facility-upgrade', storage, multiInstance: false });
    const { slipKeys: _added, ...v0Properties } = facilitySchema.properties;
    const { facilities } = await old.addCollections({
      facilities: { schema: { ...facilitySchema, version: 0, properties: v0Properties } as never },
    });
    await facilities.insert(v0);
    await old.close();
    const db = await openClinicDatabase({ name: 'facility-upgrade', storage });
    onTestFinished(() => db.close().then(() => undefined));
    const upgraded = (await db.facilities.findOne('f-old').exec())?.toJSON();
    expect(upgraded).toMatchObject(v0);
    await db.facilities.upsert({
      ...(upgraded as FacilityDoc),
      slipKeys: [
        { keyId: '0123456789ab', publicKey: `04${'a'.repeat(128)}`, registeredAt: '2026-11-22T02:00:00Z' },
      ],
    });
    await expect(
      db.facilities.upsert({
        ...(upgraded as FacilityDoc),
        slipKeys: [{ keyId: 'x', publicKey: 'y', registeredAt: '' }],
      }),
    ).rejects.toThrow();
  });
});
