import { describe, expect, it } from 'vitest';
import type { SlotDoc } from '../../sync/protocol/schema';
import type { OpenSlot } from '../../sync/protocol/slots';
import { EMPTY_PATIENT_INPUT } from '../patients/patient-input';
import { registerPatient } from '../patients/patient-registry';
import { CountyError } from '../sync/county-api';
import { enrolledClinic } from '../testing/test-clinic';
import {
  BookingRefused,
  bookingId,
  bookOnlineSlot,
  bookQuotaSlot,
  cancelBooking,
  confirmOnline,
  openQuotaSlots,
  slotsLeft,
  workstationKey,
} from './booking';
import { markSuspendedBookings } from './overnight-pull';
import { POOL_SUMMARY_DOC } from './pool-summary';
import type { SlotCounty } from './slot-county';

const NOW = new Date(2026, 10, 22, 9, 0);

function quotaSlot(facilityId: string, id: string, patch: Partial<SlotDoc> = {}): SlotDoc {
  return {
    id,
    facilityId: 'hospital-1',
    createdAt: '2026-11-21T16:00:00.000Z',
    updatedAt: '2026-11-21T16:00:00.000Z',
    createdBy: 'h',
    updatedBy: 'h',
    kind: 'outpatient',
    mode: 'quota',
    allocatedTo: facilityId,
    date: '2026-11-24',
    period: 'am',
    startTime: '08:30',
    departmentId: 'dept-1',
    doctorId: 'doctor-1',
    green: true,
    state: 'open',
    ...patch,
  };
}

async function clinic() {
  const { db, admin, as } = await enrolledClinic();
  const doctor = as(['doctor']);
  const patient = await registerPatient(db, admin, {
    ...EMPTY_PATIENT_INPUT,
    name: '李四',
    sex: 'male',
    birthDate: '1950-01-01',
  });
  const mine = admin.facilityId;
  await db.slots.bulkInsert(
    [
      quotaSlot(mine, 's1'),
      quotaSlot(mine, 's2', { startTime: '08:00' }),
      quotaSlot('another-clinic', 's3'),
      quotaSlot(mine, 's4', { state: 'suspended' }),
      quotaSlot(mine, 's5', { date: '2026-11-20' }),
      quotaSlot(mine, 's6', { mode: 'online', allocatedTo: undefined as never }),
      quotaSlot(mine, 's7', { facilityId: 'hospital-2' }),
    ].map(({ allocatedTo, ...slot }) => (allocatedTo ? { ...slot, allocatedTo } : slot)),
  );
  return { db, doctor, patient, as };
}

/** A county that cannot be reached (the link is down). */
const unreachable: SlotCounty = new Proxy({} as SlotCounty, {
  get: (_t, name) =>
    name === 'baseUrl'
      ? 'http://127.0.0.1:9'
      : async () => {
          throw new CountyError('offline', 'the county gateway could not be reached: connect ECONNREFUSED');
        },
});

describe('quota booking (offline)', () => {
  it('confirms at once, and never books one slot twice, even when two bookings race', async () => {
    const { db, doctor, patient } = await clinic();
    const [first, second] = await Promise.allSettled([
      bookQuotaSlot(db, doctor, { slotId: 's1', patientId: patient.id, purpose: 'referral' }, NOW),
      bookQuotaSlot(db, doctor, { slotId: 's1', patientId: patient.id, purpose: 'referral' }, NOW),
    ]);
    const outcomes = [first, second].map((o) => o.status);
    expect(outcomes.sort()).toEqual(['fulfilled', 'rejected']);
    const refused = [first, second].find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(BookingRefused);
    expect(refused.reason.code).toBe('slot-taken');
    const booked = (await db.appointments.find({ selector: { slotId: 's1' } }).exec()).map((d) => d.toJSON());
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({
      status: 'confirmed',
      mode: 'quota',
      scheduledAt: '2026-11-24T08:30',
      hospitalId: 'hospital-1',
      doctorId: 'doctor-1',
      id: await bookingId(await workstationKey(db), 's1', 0),
    });
  });

  it('refuses, with a reason, slots that are not this clinic’s, suspended, past, online or unknown', async () => {
    const { db, doctor, patient, as } = await clinic();
    const book = (slotId: string) =>
      bookQuotaSlot(db, doctor, { slotId, patientId: patient.id, purpose: 'referral' }, NOW).then(
        () => 'booked',
        (error: BookingRefused) => error.code,
      );
    expect(await book('s3')).toBe('slot-not-yours');
    expect(await book('s4')).toBe('slot-suspended');
    expect(await book('s5')).toBe('slot-past');
    expect(await book('s6')).toBe('slot-not-quota');
    expect(await book('nope')).toBe('slot-unknown');
    await expect(
      bookQuotaSlot(db, as(['nurse']), { slotId: 's2', patientId: patient.id, purpose: 'referral' }, NOW),
    ).rejects.toThrow(/permission denied/);
    expect(await db.appointments.count().exec()).toBe(0);
  });

  it('frees the slot when cancelled, and books it again under a new id', async () => {
    const { db, doctor, patient } = await clinic();
    const booked = await bookQuotaSlot(
      db,
      doctor,
      { slotId: 's2', patientId: patient.id, purpose: 'referral' },
      NOW,
    );
    expect((await openQuotaSlots(db, doctor.facilityId, {}, NOW)).map((s) => s.id)).toEqual(['s1', 's7']);
    await cancelBooking(db, doctor, null, booked.id);
    expect((await openQuotaSlots(db, doctor.facilityId, {}, NOW)).map((s) => s.id)).toEqual([
      's2',
      's1',
      's7',
    ]);
    const again = await bookQuotaSlot(
      db,
      doctor,
      { slotId: 's2', patientId: patient.id, purpose: 'referral' },
      NOW,
    );
    expect(again.id).toBe(await bookingId(await workstationKey(db), 's2', 1));
  });

  it('makes booking ids per workstation, so two PCs of one clinic booking one slot offline do not merge', async () => {
    const { db } = await clinic();
    const here = await workstationKey(db);
    expect(await workstationKey(db)).toBe(here);
    expect((await db.getLocal<{ key: string }>('booking-workstation'))?.get('key')).toBe(here);
    const there = crypto.randomUUID();
    expect(await bookingId(here, 's1', 0)).not.toBe(await bookingId(there, 's1', 0));
    expect(await bookingId(here, 's1', 0)).toBe(await bookingId(here, 's1', 0));
  });

  it('counts what is left per hospital: own quota, and online slots from the cached pool', async () => {
    const { db, doctor } = await clinic();
    await db.upsertLocal(POOL_SUMMARY_DOC, {
      fetchedAt: NOW.toISOString(),
      from: '2026-11-21',
      to: '2026-11-27',
      rows: [
        {
          hospitalId: 'hospital-1',
          departmentId: 'dept-1',
          date: '2026-11-21',
          period: 'am',
          kind: 'outpatient',
          open: 9,
        },
        {
          hospitalId: 'hospital-1',
          departmentId: 'dept-1',
          date: '2026-11-23',
          period: 'am',
          kind: 'outpatient',
          open: 4,
        },
        {
          hospitalId: 'hospital-2',
          departmentId: 'dept-1',
          date: '2026-11-23',
          period: 'pm',
          kind: 'outpatient',
          open: 2,
        },
      ],
    });
    expect(await slotsLeft(db, doctor.facilityId, 'hospital-1', NOW)).toEqual({
      quota: 2,
      online: 4,
      firstQuotaDate: '2026-11-24',
    });
    expect(await slotsLeft(db, doctor.facilityId, 'hospital-3', NOW)).toEqual({ quota: 0, online: 0 });
  });

  it('marks a booking needs-rebooking when its slot is suspended', async () => {
    const { db, doctor, patient } = await clinic();
    const booked = await bookQuotaSlot(
      db,
      doctor,
      { slotId: 's1', patientId: patient.id, purpose: 'referral' },
      NOW,
    );
    expect(await markSuspendedBookings(db, 'system')).toEqual([]);
    await (await db.slots.findOne('s1').exec())?.incrementalPatch({ state: 'suspended' });
    expect(await markSuspendedBookings(db, 'system')).toEqual([booked.id]);
    expect((await db.appointments.findOne(booked.id).exec())?.toJSON()).toMatchObject({
      status: 'needs-rebooking',
      slotRefusal: { code: 'slot-suspended' },
      createdBy: doctor.userId,
    });
  });
});

describe('online booking', () => {
  const open: OpenSlot = {
    slotId: 'online-1',
    hospitalId: 'hospital-1',
    kind: 'outpatient',
    departmentId: 'dept-1',
    doctorId: 'doctor-1',
    date: '2026-11-25',
    period: 'pm',
    number: 3,
    green: true,
  };

  it('waits, saying why, while the county cannot be reached; is refused with the county’s reason', async () => {
    const { db, doctor, patient } = await clinic();
    const outcome = await bookOnlineSlot(
      db,
      doctor,
      unreachable,
      { slot: open, patientId: patient.id, purpose: 'referral' },
      NOW,
    );
    expect(outcome).toMatchObject({
      state: 'waiting',
      reason: 'offline',
      appointment: { status: 'waiting', scheduledAt: '2026-11-25T14:00' },
    });
    await expect(
      bookOnlineSlot(
        db,
        doctor,
        unreachable,
        { slot: open, patientId: patient.id, purpose: 'referral' },
        NOW,
      ),
    ).rejects.toMatchObject({ code: 'slot-taken' });

    const taken: SlotCounty = {
      ...unreachable,
      baseUrl: 'x',
      lock: async () => {
        throw new CountyError('slot-taken' as never, 'Another facility holds this slot.', 409);
      },
    } as SlotCounty;
    const refused = await confirmOnline(db, doctor, taken, outcome.appointment.id);
    expect(refused).toMatchObject({ state: 'refused', code: 'slot-taken' });
    expect((await db.appointments.findOne(outcome.appointment.id).exec())?.toJSON()).toMatchObject({
      status: 'needs-rebooking',
      slotRefusal: { code: 'slot-taken', message: 'Another facility holds this slot.' },
    });
  });
});
