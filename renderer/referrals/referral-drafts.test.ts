/** The referring side's writes on the real store (RxDB over fake-indexeddb). */
import { describe, expect, it } from 'vitest';
import { PermissionDenied } from '../../sync/protocol/roles';
import type { FacilityDoc, ReferralDoc, SlotDoc } from '../../sync/protocol/schema';
import { EMPTY_PATIENT_INPUT } from '../patients/patient-input';
import { registerPatient } from '../patients/patient-registry';
import { enrolledClinic } from '../testing/test-clinic';
import { emptyReferralInput, type ReferralInput } from './form/referral-input';
import { appendReferralCommand, ReferralCommandError, referralCommands } from './referral-commands';
import { cancelReferral, ReferralInputError, saveDraft, submitReferral } from './referral-drafts';

const AT = '2026-11-22T08:00:00.000Z';

function hospital(id: string, level: FacilityDoc['level']): FacilityDoc {
  return {
    id,
    facilityId: id,
    createdAt: AT,
    updatedAt: AT,
    createdBy: 'county',
    updatedBy: 'county',
    code: `C${id}`,
    name: `${id} 医院`,
    level,
    departments: [{ id: 'cardio', name: '心内科' }],
    referralTargetIds: [],
    offline: false,
  };
}

/** A township centre related to its county hospital, with one quota slot there for tomorrow. */
async function township() {
  const clinic = await enrolledClinic();
  const { db, admin } = clinic;
  await db.facilities.insert(hospital('H1', 'county'));
  const self = await db.facilities.findOne(admin.facilityId).exec();
  await self?.incrementalPatch({ referralTargetIds: ['H1'] });
  const referrer = (await db.facilities.findOne(admin.facilityId).exec())?.toJSON() as FacilityDoc;
  const facilities = new Map(
    (await db.facilities.find().exec()).map((d) => [d.id, d.toJSON() as FacilityDoc]),
  );
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const slot: SlotDoc = {
    id: 'slot-1',
    facilityId: 'H1',
    createdAt: AT,
    updatedAt: AT,
    createdBy: 'H1',
    updatedBy: 'H1',
    kind: 'outpatient',
    mode: 'quota',
    allocatedTo: admin.facilityId,
    date: tomorrow,
    period: 'am',
    startTime: '08:30',
    departmentId: 'cardio',
    green: true,
    state: 'open',
  };
  await db.slots.insert(slot);
  const doctor = clinic.as(['doctor']);
  const patient = await registerPatient(db, doctor, {
    ...EMPTY_PATIENT_INPUT,
    name: '李秀英',
    birthDate: '1956-03-02',
    sex: 'female',
  });
  return { ...clinic, doctor, referrer, facilities, patient };
}

function complete(patientId: string, overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    ...emptyReferralInput(patientId),
    targetFacilityIds: ['H1'],
    reason: '血压控制不佳',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    consentAttachmentId: 'consent-1',
    ...overrides,
  };
}

describe('referral drafts', () => {
  it('saves a draft with a serial number from this workstation, then edits it, both audited', async () => {
    const { db, doctor, referrer, patient } = await township();
    const draft = await saveDraft(db, doctor, referrer, 'r1', {
      ...emptyReferralInput(patient.id),
      chiefComplaint: '头晕',
    });
    expect(draft).toMatchObject({
      state: 'draft',
      appliedSeq: 0,
      chiefComplaint: '头晕',
      facilityId: doctor.facilityId,
    });
    expect(draft.serialNo).toMatch(new RegExp(`^${referrer.code}-[0-9A-Z]{4}-000001$`));

    const edited = await saveDraft(db, doctor, referrer, 'r1', {
      ...emptyReferralInput(patient.id),
      reason: '复查',
    });
    expect(edited.reason).toBe('复查');
    expect(edited.chiefComplaint).toBeUndefined();
    expect(edited.serialNo).toBe(draft.serialNo);
    const audit = await db.audit.find({ selector: { recordId: 'r1' }, sort: [{ at: 'asc' }] }).exec();
    expect(audit.map((a) => [a.action, a.detail ?? ''])).toEqual([
      ['referral.create', ''],
      ['referral.edit', 'reason,chiefComplaint'],
    ]);
  });

  it('lets only a doctor write referrals', async () => {
    const { db, as, referrer, patient } = await township();
    await expect(
      saveDraft(db, as(['nurse']), referrer, 'r1', emptyReferralInput(patient.id)),
    ).rejects.toBeInstanceOf(PermissionDenied);
  });

  it('refuses a submit without consent and writes nothing', async () => {
    const { db, doctor, referrer, facilities, patient } = await township();
    const error = await submitReferral(
      db,
      doctor,
      { referrer, facilities },
      'r1',
      complete(patient.id, { consentAttachmentId: undefined }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReferralInputError);
    expect((error as ReferralInputError).errors).toEqual({ consent: 'consent-missing' });
    expect(await db.referrals.count().exec()).toBe(0);
    expect(await db.referral_commands.count().exec()).toBe(0);
  });

  it('submits offline: the draft, the booked quota slot and the submit command, waiting for the county', async () => {
    const { db, doctor, referrer, facilities, patient } = await township();
    await submitReferral(
      db,
      doctor,
      { referrer, facilities },
      'r1',
      complete(patient.id, { slotId: 'slot-1' }),
    );
    const referral = (await db.referrals.findOne('r1').exec())?.toJSON() as ReferralDoc;
    expect(referral).toMatchObject({ state: 'draft', slotId: 'slot-1', targetFacilityIds: ['H1'] });
    const [command] = await referralCommands(db, 'r1');
    expect(command).toMatchObject({ command: 'submit', payload: { targetFacilityIds: ['H1'] } });
    expect(command?.outcome).toBeUndefined();
    const appointments = await db.appointments.find({ selector: { referralId: 'r1' } }).exec();
    expect(appointments.map((a) => [a.slotId, a.status, a.purpose])).toEqual([
      ['slot-1', 'confirmed', 'referral'],
    ]);

    // A second submit while the first still waits books nothing twice.
    await submitReferral(
      db,
      doctor,
      { referrer, facilities },
      'r1',
      complete(patient.id, { slotId: 'slot-1' }),
    );
    expect(await db.appointments.count({ selector: { referralId: 'r1' } }).exec()).toBe(1);
  });
});

describe('referral commands', () => {
  it('refuses at once what the state machine does not allow, naming what is allowed', async () => {
    const { db, doctor, referrer, patient } = await township();
    await saveDraft(db, doctor, referrer, 'r1', complete(patient.id));
    const error = await appendReferralCommand(db, doctor, 'r1', 'complete', { summary: 'x' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ReferralCommandError);
    expect(error).toMatchObject({ problem: 'not-allowed-now', allowed: ['submit', 'cancel'] });
    await expect(appendReferralCommand(db, doctor, 'nope', 'cancel')).rejects.toMatchObject({
      problem: 'referral-not-found',
    });
    expect(await db.referral_commands.count().exec()).toBe(0);
  });

  it('leaves judging to the county while earlier commands wait (the local state is behind)', async () => {
    const { db, doctor, referrer, facilities, patient } = await township();
    await submitReferral(db, doctor, { referrer, facilities }, 'r1', complete(patient.id));
    await cancelReferral(db, doctor, 'r1', '患者改变主意');
    const commands = await referralCommands(db, 'r1');
    // Each names the draft it acted on, so the county judges it against that draft.
    const draftUpdatedAt = (await db.referrals.findOne('r1').exec())?.updatedAt;
    expect(commands.map((c) => [c.command, c.payload])).toEqual([
      ['submit', { targetFacilityIds: ['H1'], draftUpdatedAt }],
      ['cancel', { reason: '患者改变主意', draftUpdatedAt }],
    ]);
    const audit = await db.audit.find({ selector: { recordId: 'r1', action: 'referral.command' } }).exec();
    expect(audit.map((a) => a.detail).sort()).toEqual(['cancel', 'submit']);
  });

  it('lets the referrer re-send a rejected referral once the county has answered', async () => {
    const { db, doctor, referrer, facilities, patient } = await township();
    await submitReferral(db, doctor, { referrer, facilities }, 'r1', complete(patient.id));
    // The county's answer, as replication writes it: the command judged, the referral rejected.
    const [submit] = await db.referral_commands.find().exec();
    await submit?.incrementalPatch({ outcome: { status: 'applied', appliedAt: AT, seq: 1 } });
    await (await db.referrals.findOne('r1').exec())?.incrementalPatch({
      state: 'auto-rejected',
      appliedSeq: 2,
      stateReason: 'No incoming review within 30 minutes',
    });
    await expect(appendReferralCommand(db, doctor, 'r1', 'complete', { summary: 'x' })).rejects.toMatchObject(
      {
        allowed: ['submit', 'cancel'],
      },
    );
    await submitReferral(db, doctor, { referrer, facilities }, 'r1', complete(patient.id));
    expect((await referralCommands(db, 'r1')).map((c) => c.command)).toEqual(['submit', 'submit']);
  });
});
