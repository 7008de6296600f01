/** Which slots the referral form offers, and how the chosen one is booked. */
import { describe, expect, it } from 'vitest';
import type { AppointmentDoc, SlotDoc } from '../../../sync/protocol/schema';
import type { OpenSlot } from '../../../sync/protocol/slots';
import { slotBooking } from './referral-input';
import {
  bookedChoice,
  isOver,
  offeredSlots,
  onlineChoice,
  quotaChoice,
  type SlotChoice,
  slotKindsFor,
} from './slot-choices';

const AT = '2026-11-22T08:00:00.000Z';
// Local clock: 2026-11-22 09:30 wherever the test runs.
const NOW = new Date(2026, 10, 22, 9, 30);

function quota(id: string, extra: Partial<SlotDoc> = {}): SlotDoc {
  return {
    id,
    facilityId: 'H1',
    createdAt: AT,
    updatedAt: AT,
    createdBy: 'H1',
    updatedBy: 'H1',
    kind: 'outpatient',
    mode: 'quota',
    allocatedTo: 'T1',
    date: '2026-11-23',
    period: 'am',
    startTime: '08:00',
    departmentId: 'cardio',
    doctorId: 'dr-wang',
    green: true,
    state: 'open',
    ...extra,
  };
}

function pool(slotId: string, extra: Partial<OpenSlot> = {}): OpenSlot {
  return {
    slotId,
    hospitalId: 'H1',
    kind: 'outpatient',
    departmentId: 'cardio',
    doctorId: 'dr-li',
    date: '2026-11-23',
    period: 'pm',
    startTime: '14:00',
    number: 1,
    green: false,
    ...extra,
  };
}

const ids = (choices: readonly SlotChoice[]) => choices.map((c) => c.slotId);

describe('slot kinds for a referral', () => {
  it('books a session for an outpatient referral, a bed for an inpatient one, any capacity in an emergency', () => {
    expect(slotKindsFor('outpatient', 'up')).toEqual(['outpatient']);
    expect(slotKindsFor('inpatient', 'up')).toEqual(['bed']);
    expect(slotKindsFor('emergency', 'lateral')).toEqual(['emergency', 'bed', 'outpatient']);
    // Downward: the primary facility's virtual capacity too.
    expect(slotKindsFor('outpatient', 'down')).toEqual(['outpatient', 'virtual']);
  });
});

describe('a slot that is over', () => {
  it('is a past day, or a session of today that has begun; a bed lasts the day', () => {
    expect(isOver({ date: '2026-11-21' }, NOW)).toBe(true);
    expect(isOver({ date: '2026-11-22', startTime: '09:00' }, NOW)).toBe(true);
    expect(isOver({ date: '2026-11-22', startTime: '09:30' }, NOW)).toBe(false);
    expect(isOver({ date: '2026-11-22' }, NOW)).toBe(false);
    expect(isOver({ date: '2026-11-23', startTime: '08:00' }, NOW)).toBe(false);
  });
});

describe('the slots offered at the chosen hospital', () => {
  const base = { hospitalId: 'H1', booked: [], kinds: ['outpatient'] as const, now: NOW };

  it('lists quota and online slots together, earliest first, of a fitting kind, not over, at this hospital only', () => {
    const offer = offeredSlots({
      ...base,
      kinds: ['outpatient'],
      quota: [
        quota('q-tomorrow'),
        quota('q-bed', { kind: 'bed', period: 'day', startTime: undefined }),
        quota('q-begun', { date: '2026-11-22', startTime: '08:00' }),
        quota('q-elsewhere', { facilityId: 'H2' }),
      ].map(quotaChoice),
      online: [
        pool('o-later', { date: '2026-11-24' }),
        pool('o-today', { date: '2026-11-22', startTime: '10:00' }),
      ].map(onlineChoice),
    });
    expect(ids(offer.choices)).toEqual(['o-today', 'q-tomorrow', 'o-later']);
    expect(offer.choices.map((c) => c.mode)).toEqual(['online', 'quota', 'online']);
    expect(offer.choices[0]?.online?.slotId).toBe('o-today');
    expect(offer.onlineLeftOff).toBe(0);
  });

  it('lists what this referral booked first of all, once, even when its slot is no longer open', () => {
    const appointment: AppointmentDoc = {
      id: 'a1',
      facilityId: 'T1',
      createdAt: AT,
      updatedAt: AT,
      createdBy: 'u1',
      updatedBy: 'u1',
      patientId: 'p1',
      purpose: 'referral',
      referralId: 'r1',
      slotId: 'o-held',
      scheduledAt: '2026-11-25T08:20',
      status: 'waiting',
      hospitalId: 'H1',
      departmentId: 'cardio',
      period: 'am',
      mode: 'online',
    };
    const booked = bookedChoice(appointment) as SlotChoice;
    expect(booked).toMatchObject({
      mode: 'online',
      date: '2026-11-25',
      startTime: '08:20',
      booked: 'waiting',
    });
    const offer = offeredSlots({
      ...base,
      kinds: ['outpatient'],
      booked: [booked],
      quota: [quota('q1')].map(quotaChoice),
      online: [pool('o-held'), pool('o2')].map(onlineChoice),
    });
    expect(ids(offer.choices)).toEqual(['q1', 'o2', 'o-held']);
    expect(offer.choices.find((c) => c.slotId === 'o-held')?.booked).toBe('waiting');
    // An appointment without a slot (a follow-up) is no choice.
    expect(bookedChoice({ ...appointment, slotId: undefined })).toBeUndefined();
  });

  it('lists the earliest online slots only, but never drops the chosen one; a department narrows the list', () => {
    const online = Array.from({ length: 6 }, (_, i) =>
      pool(`o${i}`, {
        date: `2026-11-2${3 + (i % 3)}`,
        startTime: `1${i}:00`,
        departmentId: i < 3 ? 'cardio' : 'neuro',
      }),
    ).map(onlineChoice);
    const capped = offeredSlots({ ...base, kinds: ['outpatient'], quota: [], online, onlineListed: 2 });
    expect(ids(capped.choices)).toEqual(['o0', 'o3']);
    expect(capped.onlineLeftOff).toBe(4);
    const keeping = offeredSlots({
      ...base,
      kinds: ['outpatient'],
      quota: [],
      online,
      onlineListed: 2,
      chosen: 'o5',
    });
    expect(ids(keeping.choices)).toEqual(['o0', 'o3', 'o5']);
    expect(keeping.onlineLeftOff).toBe(3);
    const neuro = offeredSlots({
      ...base,
      kinds: ['outpatient'],
      quota: [],
      online,
      departmentId: 'neuro',
      chosen: 'o1',
    });
    expect(ids(neuro.choices)).toEqual(['o3', 'o1', 'o4', 'o5']);
  });
});

describe('how the chosen slot is booked', () => {
  it('online when the form took it from the pool, from the quota otherwise', () => {
    expect(slotBooking({})).toBeUndefined();
    expect(slotBooking({ slotId: 'q1' })).toEqual({ mode: 'quota', slotId: 'q1' });
    const slot = pool('o1');
    expect(slotBooking({ slotId: 'o1', onlineSlot: slot })).toEqual({ mode: 'online', slot });
    // Pool details of another slot (left from an earlier pick) do not make the quota slot online.
    expect(slotBooking({ slotId: 'q1', onlineSlot: slot })).toEqual({ mode: 'quota', slotId: 'q1' });
  });
});
