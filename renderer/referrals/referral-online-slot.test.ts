/**
 * A referral submitted with an online slot of the county's pool, all real: the
 * clinic's store (RxDB over fake-indexeddb) enrolled with a county gateway on
 * PGlite carrying the demo county's week of slots. The slot is held and
 * confirmed at the county; one taken by another clinic is refused with its
 * reason and the draft survives; unreachable, the booking waits and is
 * confirmed later; a re-send gives the slot back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClinicBridge } from '../../electron/bridge/contract';
import type { AppointmentDoc, FacilityDoc, ReferralDoc } from '../../sync/protocol/schema';
import type { OpenSlot } from '../../sync/protocol/slots';
import { publishDemoSlots } from '../../sync/server/slots/demo';
import { startGateway, type TestGateway } from '../../sync/server/testing/start-gateway';
import type { Session } from '../auth/session';
import { EMPTY_PATIENT_INPUT } from '../patients/patient-input';
import { registerPatient } from '../patients/patient-registry';
import { confirmWaitingBookings, localDate } from '../slots/booking';
import { type SlotCounty, slotCounty } from '../slots/slot-county';
import type { ClinicDatabase } from '../store/database';
import { countyApi, enrolWithCounty, readCountyLink } from '../sync/county-link';
import { openMemoryClinic } from '../testing/memory-store';
import { emptyReferralInput, type ReferralInput } from './form/referral-input';
import { referralCommands } from './referral-commands';
import { SlotRefusedByCounty, submitReferral } from './referral-drafts';

let gateway: TestGateway;
let db: ClinicDatabase;
let doctor: Session;
let county: SlotCounty;
/** The same clinic's client pointed at a port nobody listens on: the link is down. */
let unreachable: SlotCounty;
let context: { referrer: FacilityDoc; facilities: Map<string, FacilityDoc> };
let hospitalId: string;
let patientId: string;
/** The pool's outpatient slots from tomorrow on, earliest first; each test takes its own. */
let pool: OpenSlot[];

beforeAll(async () => {
  gateway = await startGateway();
  await publishDemoSlots(gateway.gateway.app.slots, gateway.db);
  hospitalId = (gateway.facilities['XY-H01'] as { id: string }).id;
  ({ db } = await openMemoryClinic());
  const secrets = new Map<string, string>();
  const bridge = {
    secrets: {
      get: async (key: string) => secrets.get(key) ?? null,
      set: async (key: string, value: string) => void secrets.set(key, value),
      delete: async (key: string) => void secrets.delete(key),
    },
  } as unknown as ClinicBridge;
  const enrolled = await enrolWithCounty(db, bridge, {
    baseUrl: gateway.url,
    code: await gateway.issueCode('XY-T01'),
    deviceName: 'pc-township',
    admin: { displayName: '赵明', username: 'zhao.ming', password: 'Clinic-2026!' },
  });
  doctor = { ...enrolled, roles: ['admin', 'doctor'] };
  const link = await readCountyLink(bridge);
  if (!link) throw new Error('not linked');
  county = slotCounty(countyApi(link, doctor.userId));
  unreachable = slotCounty(countyApi({ ...link, baseUrl: 'http://127.0.0.1:9' }, doctor.userId));

  const facilities = new Map(
    (await db.facilities.find().exec()).map((doc) => [doc.id, doc.toJSON() as FacilityDoc]),
  );
  context = { referrer: facilities.get(doctor.facilityId) as FacilityDoc, facilities };
  patientId = (
    await registerPatient(db, doctor, {
      ...EMPTY_PATIENT_INPUT,
      name: '李秀英',
      birthDate: '1956-03-02',
      sex: 'female',
    })
  ).id;
  const today = localDate(new Date());
  pool = (await county.poolOpen({ hospitalId, kind: 'outpatient' })).slots
    .filter((slot) => slot.date > today)
    .sort((a, b) => `${a.date}${a.startTime}`.localeCompare(`${b.date}${b.startTime}`));
  expect(pool.length).toBeGreaterThan(10);
}, 120_000);

afterAll(async () => {
  await db?.close();
  await gateway?.close();
});

function referral(slot: OpenSlot | undefined, overrides: Partial<ReferralInput> = {}): ReferralInput {
  return {
    ...emptyReferralInput(patientId),
    targetFacilityIds: [hospitalId],
    reason: '血压控制不佳，三种降压药联用仍高',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    consentAttachmentId: 'consent-1',
    ...(slot ? { slotId: slot.slotId, onlineSlot: slot } : {}),
    ...overrides,
  };
}

async function countySlot(slotId: string) {
  const { rows } = await gateway.db.query<{
    state: string;
    held_by: string | null;
    appointment_id: string | null;
    reference_id: string | null;
  }>(`SELECT state, held_by, appointment_id, reference_id FROM slots WHERE id = $1`, [slotId]);
  return rows[0];
}

async function appointmentsOf(referralId: string): Promise<AppointmentDoc[]> {
  return (await db.appointments.find({ selector: { referralId } }).exec()).map(
    (doc) => doc.toJSON() as AppointmentDoc,
  );
}

describe('a referral with an online slot', () => {
  it('holds and confirms the slot at the county on submit, then appends the submit', async () => {
    const slot = pool[0] as OpenSlot;
    await submitReferral(db, doctor, context, 'r-online', referral(slot), { county });

    const [appointment, ...others] = await appointmentsOf('r-online');
    expect(others).toEqual([]);
    expect(appointment).toMatchObject({
      slotId: slot.slotId,
      mode: 'online',
      status: 'confirmed',
      hospitalId,
      departmentId: slot.departmentId,
      scheduledAt: `${slot.date}T${slot.startTime}`,
    });
    expect(appointment?.lockId).toBeUndefined();
    expect(await countySlot(slot.slotId)).toEqual({
      state: 'booked',
      held_by: doctor.facilityId,
      appointment_id: appointment?.id,
      reference_id: 'r-online',
    });
    // The referral names the county's slot, like a quota slot; the pool's details are not stored.
    const stored = (await db.referrals.findOne('r-online').exec())?.toJSON() as ReferralDoc;
    expect(stored.slotId).toBe(slot.slotId);
    expect(stored).not.toHaveProperty('onlineSlot');
    expect((await referralCommands(db, 'r-online')).map((c) => c.command)).toEqual(['submit']);

    // A second submit while the first waits for the county books nothing twice.
    await submitReferral(db, doctor, context, 'r-online', referral(slot), { county });
    expect(await appointmentsOf('r-online')).toHaveLength(1);
  });

  it('is refused with the county’s reason when another clinic took the slot; the draft stays, nothing is sent', async () => {
    const slot = pool[1] as OpenSlot;
    const other = (gateway.facilities['XY-T02'] as { id: string }).id;
    await gateway.gateway.app.slots.lock(other, 'someone-else', {
      slotId: slot.slotId,
      patientId: 'their-patient',
      purpose: 'referral',
    });

    const error = await submitReferral(db, doctor, context, 'r-taken', referral(slot), { county }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlotRefusedByCounty);
    expect(error).toMatchObject({ code: 'slot-taken' });
    const draft = (await db.referrals.findOne('r-taken').exec())?.toJSON() as ReferralDoc;
    expect(draft).toMatchObject({
      state: 'draft',
      reason: '血压控制不佳，三种降压药联用仍高',
      targetFacilityIds: [hospitalId],
    });
    expect(draft.slotId).toBeUndefined();
    expect(await referralCommands(db, 'r-taken')).toEqual([]);
    // No booking is left standing or asking for rebooking; the other clinic keeps its hold.
    expect((await appointmentsOf('r-taken')).map((a) => [a.status, a.slotRefusal?.code])).toEqual([
      ['cancelled', 'slot-taken'],
    ]);
    expect(await countySlot(slot.slotId)).toMatchObject({ state: 'held', held_by: other });

    // The doctor picks another slot and submits again.
    const next = pool[2] as OpenSlot;
    await submitReferral(db, doctor, context, 'r-taken', referral(next), { county });
    expect(await countySlot(next.slotId)).toMatchObject({ state: 'booked', reference_id: 'r-taken' });
    expect((await referralCommands(db, 'r-taken')).map((c) => c.command)).toEqual(['submit']);
  });

  it('waits when the county cannot be reached, the submit queued; confirmed once the link is back', async () => {
    const slot = pool[3] as OpenSlot;
    await submitReferral(db, doctor, context, 'r-offline', referral(slot), { county: unreachable });
    expect((await appointmentsOf('r-offline')).map((a) => [a.status, a.mode])).toEqual([
      ['waiting', 'online'],
    ]);
    expect((await referralCommands(db, 'r-offline')).map((c) => c.command)).toEqual(['submit']);
    expect(await countySlot(slot.slotId)).toMatchObject({ state: 'open' });

    const outcomes = await confirmWaitingBookings(db, doctor, county);
    expect(outcomes.map((o) => o.state)).toEqual(['confirmed']);
    const [appointment] = await appointmentsOf('r-offline');
    expect(appointment?.status).toBe('confirmed');
    expect(await countySlot(slot.slotId)).toMatchObject({
      state: 'booked',
      appointment_id: appointment?.id,
      reference_id: 'r-offline',
    });
  });

  it('gives the online slot back at the county when the rejected referral is re-sent without it', async () => {
    const slot = pool[4] as OpenSlot;
    await submitReferral(db, doctor, context, 'r-resend', referral(slot), { county });
    expect(await countySlot(slot.slotId)).toMatchObject({ state: 'booked' });
    // The county's answer, as replication writes it: the submit judged, the referral auto-rejected.
    const [submit] = await db.referral_commands.find({ selector: { referralId: 'r-resend' } }).exec();
    await submit?.incrementalPatch({
      outcome: { status: 'applied', appliedAt: new Date().toISOString(), seq: 1 },
    });
    await (await db.referrals.findOne('r-resend').exec())?.incrementalPatch({
      state: 'auto-rejected',
      appliedSeq: 2,
    });

    await submitReferral(db, doctor, context, 'r-resend', referral(undefined), { county });
    expect((await appointmentsOf('r-resend')).map((a) => a.status)).toEqual(['cancelled']);
    expect(await countySlot(slot.slotId)).toMatchObject({ state: 'open', held_by: null });
    expect((await referralCommands(db, 'r-resend')).map((c) => c.command)).toEqual(['submit', 'submit']);
  });
});
