import { describe, expect, it } from 'vitest';
import { PermissionDenied } from '../../sync/protocol/roles';
import type { AppointmentDoc } from '../../sync/protocol/schema';
import { EMPTY_PATIENT_INPUT } from '../patients/patient-input';
import { registerPatient } from '../patients/patient-registry';
import { migrateAppointmentV0toV1 } from '../store/migrations';
import { enrolledClinic } from '../testing/test-clinic';
import { checkFollowUp, dayList, overdueFollowUps, weekDays, weekGrid, weekStart } from './follow-up-rules';
import {
  AppointmentNotChangeable,
  cancelFollowUp,
  FollowUpInvalid,
  recordOutcome,
  rescheduleFollowUp,
  scheduleFollowUp,
} from './follow-ups';

const TODAY = '2026-11-22';

function appt(patientId: string, scheduledAt: string, status: AppointmentDoc['status'], id = scheduledAt) {
  return { id, patientId, purpose: 'follow-up' as const, status, scheduledAt };
}

describe('follow-up rules', () => {
  it('refuses impossible dates and times, the past, hours the clinic is shut, and a second one that day', () => {
    expect(checkFollowUp({ date: '2026-11-25', time: '09:00' }, TODAY, [])).toEqual([]);
    expect(checkFollowUp({ date: '2026-02-30', time: '09:00' }, TODAY, [])).toEqual([
      { field: 'date', code: 'bad-date' },
    ]);
    expect(checkFollowUp({ date: '2026-11-21', time: '09:00' }, TODAY, [])).toEqual([
      { field: 'date', code: 'in-past' },
    ]);
    expect(checkFollowUp({ date: '2028-01-01', time: '09:00' }, TODAY, [])).toEqual([
      { field: 'date', code: 'too-far' },
    ]);
    expect(checkFollowUp({ date: '2026-11-25', time: '9:00' }, TODAY, [])).toEqual([
      { field: 'time', code: 'bad-time' },
    ]);
    expect(checkFollowUp({ date: '2026-11-25', time: '21:30' }, TODAY, [])).toEqual([
      { field: 'time', code: 'outside-hours' },
    ]);
    const others = [
      appt('p', '2026-11-25T15:00', 'confirmed', 'a1'),
      appt('p', '2026-11-26T15:00', 'cancelled'),
    ];
    expect(checkFollowUp({ date: '2026-11-25', time: '09:00' }, TODAY, others)).toEqual([
      { field: 'date', code: 'same-day', appointmentId: 'a1' },
    ]);
    expect(checkFollowUp({ date: '2026-11-26', time: '09:00' }, TODAY, others)).toEqual([]);
  });

  it('lays out a day in time order and a week from Monday', () => {
    expect(weekStart('2026-11-22')).toBe('2026-11-16'); // a Sunday belongs to the week before
    expect(weekStart('2026-11-23')).toBe('2026-11-23');
    expect(weekDays('2026-12-31')).toEqual([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
    const list = [
      appt('a', '2026-11-23T10:00', 'confirmed'),
      appt('b', '2026-11-23T08:30', 'confirmed'),
      appt('c', '2026-11-23T09:00', 'cancelled'),
      appt('d', '2026-11-29T09:00', 'confirmed'),
    ];
    expect(dayList(list, '2026-11-23').map((a) => a.patientId)).toEqual(['b', 'a']);
    const grid = weekGrid(list, '2026-11-25');
    expect(grid.map((day) => day.appointments.length)).toEqual([2, 0, 0, 0, 0, 0, 1]);
  });

  it('lists each patient who missed their latest follow-up once, unless booked again', () => {
    const list = [
      appt('came', '2026-11-10T09:00', 'attended'),
      appt('missed', '2026-11-01T09:00', 'attended'),
      appt('missed', '2026-11-15T09:00', 'confirmed'),
      appt('marked', '2026-11-20T09:00', 'missed'),
      appt('rebooked', '2026-11-18T09:00', 'missed'),
      appt('rebooked', '2026-11-24T09:00', 'confirmed'),
      appt('today', `${TODAY}T09:00`, 'confirmed'),
      appt('cancelled', '2026-11-12T09:00', 'cancelled'),
    ];
    expect(
      overdueFollowUps(list, TODAY).map(({ appointment, daysOverdue }) => [
        appointment.patientId,
        daysOverdue,
      ]),
    ).toEqual([
      ['missed', 7],
      ['marked', 2],
    ]);
  });

  it('migrates a v0 appointment unchanged (all v1 fields are optional)', () => {
    const v0 = {
      ...appt('p', '2026-11-25T09:00', 'confirmed'),
      facilityId: 'f',
      createdAt: '2026-11-20T00:00:00.000Z',
      updatedAt: '2026-11-20T00:00:00.000Z',
      createdBy: 'u',
      updatedBy: 'u',
    };
    expect(migrateAppointmentV0toV1(v0)).toEqual(v0);
  });
});

describe('follow-ups in the store', () => {
  async function clinic() {
    const { db, admin, as } = await enrolledClinic();
    const doctor = as(['doctor']);
    const patient = await registerPatient(db, admin, {
      ...EMPTY_PATIENT_INPUT,
      name: '张秀英',
      sex: 'female',
      birthDate: '1956-03-07',
    });
    return { db, doctor, patient, as };
  }
  const now = new Date(2026, 10, 22, 10, 0);

  it('books, moves, records and cancels, each audited; refuses what the rules refuse', async () => {
    const { db, doctor, patient, as } = await clinic();
    const booked = await scheduleFollowUp(
      db,
      doctor,
      { patientId: patient.id, date: '2026-11-29', time: '09:30' },
      now,
    );
    expect(booked).toMatchObject({
      status: 'confirmed',
      purpose: 'follow-up',
      scheduledAt: '2026-11-29T09:30',
    });
    await expect(
      scheduleFollowUp(db, doctor, { patientId: patient.id, date: '2026-11-29', time: '15:00' }, now),
    ).rejects.toBeInstanceOf(FollowUpInvalid);
    await expect(
      scheduleFollowUp(
        db,
        as(['reviewer']),
        { patientId: patient.id, date: '2026-11-30', time: '15:00' },
        now,
      ),
    ).rejects.toBeInstanceOf(PermissionDenied);

    const moved = await rescheduleFollowUp(db, doctor, booked.id, { date: '2026-11-30', time: '10:00' }, now);
    expect(moved.scheduledAt).toBe('2026-11-30T10:00');
    await expect(recordOutcome(db, doctor, booked.id, 'attended', now)).rejects.toThrow(/not happened yet/);
    const later = new Date(2026, 10, 30, 11, 0);
    expect((await recordOutcome(db, doctor, booked.id, 'missed', later)).status).toBe('missed');
    // A missed follow-up is booked again by moving it.
    const again = await rescheduleFollowUp(
      db,
      doctor,
      booked.id,
      { date: '2026-12-02', time: '08:00' },
      later,
    );
    expect(again.status).toBe('confirmed');
    expect((await cancelFollowUp(db, doctor, booked.id)).status).toBe('cancelled');
    await expect(cancelFollowUp(db, doctor, booked.id)).rejects.toBeInstanceOf(AppointmentNotChangeable);

    const actions = (await db.audit.find({ selector: { recordId: booked.id } }).exec()).map((e) => e.action);
    expect(actions.sort()).toEqual([
      'appointment.book',
      'appointment.cancel',
      'appointment.outcome',
      'appointment.reschedule',
      'appointment.reschedule',
    ]);
  });
});
