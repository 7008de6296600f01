import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countyDate } from '../../protocol/slots';
import { documentScope } from '../replication/scope';
import { judgeClaim } from './bookings';
import {
  type AllocationRule,
  allocateSession,
  blacklistStatus,
  checkAllocationRule,
  checkPublishedRow,
  type Directory,
  deadlineOf,
  type GroupSlot,
  holdExpired,
  holdSeconds,
  lastNight,
  ruleFor,
  slotIdOf,
  uploadStatus,
} from './rules';
import { fieldsOfCells } from './sheet';

const HOSPITAL: Directory = {
  facilityLevel: 'county',
  departments: [
    { id: 'd-med', name: '内科' },
    { id: 'd-sur', name: '外科' },
  ],
  doctors: [
    { id: 's-wang', name: '王建国', departmentId: 'd-med' },
    { id: 's-li', name: '李秀英', departmentId: 'd-sur' },
    { id: 's-li2', name: '李秀英', departmentId: 'd-med' },
  ],
};
const WINDOW = { from: '2026-11-23', to: '2026-11-29' };

describe('published slot rows', () => {
  const good = {
    kind: 'outpatient',
    date: '2026-11-24',
    period: 'am',
    startTime: '08:20',
    departmentId: '内科',
    doctorId: '王建国',
    number: 3,
    feeCents: 3000,
  };

  it('takes a good row, resolving department and doctor by name or id, defaulting number and green', () => {
    expect(checkPublishedRow(good, HOSPITAL, WINDOW)).toEqual({
      ok: true,
      slot: { ...good, departmentId: 'd-med', doctorId: 's-wang', green: true },
    });
    const bed = checkPublishedRow(
      { kind: 'bed', date: '2026-11-29', period: 'day', departmentId: 'd-sur' },
      HOSPITAL,
      WINDOW,
    );
    expect(bed).toEqual({
      ok: true,
      slot: { kind: 'bed', date: '2026-11-29', period: 'day', departmentId: 'd-sur', number: 1, green: true },
    });
  });

  it('lists every problem of a bad row with its field', () => {
    const result = checkPublishedRow(
      {
        kind: 'lab',
        date: '2026-02-30',
        period: 'noon',
        startTime: '25:00',
        departmentId: '骨科',
        doctorId: '李秀英',
        number: 0,
        feeCents: -1,
        green: 'yes',
      },
      HOSPITAL,
      WINDOW,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual([
      'kind',
      'date',
      'period',
      'startTime',
      'departmentId',
      'doctorId',
      'number',
      'feeCents',
      'green',
    ]);
    expect(result.problems.find((p) => p.field === 'doctorId')?.reason).toMatch(/more than one doctor/);
  });

  it('keeps the pool window and the kinds each level publishes', () => {
    const late = checkPublishedRow({ ...good, date: '2026-11-30' }, HOSPITAL, WINDOW);
    expect(late).toMatchObject({
      ok: false,
      problems: [{ field: 'date', reason: expect.stringMatching(/outside the pool/) }],
    });
    expect(checkPublishedRow({ ...good, date: '2026-11-22' }, HOSPITAL, WINDOW).ok).toBe(false);
    expect(checkPublishedRow({ ...good, kind: 'virtual' }, HOSPITAL, WINDOW)).toMatchObject({
      ok: false,
      problems: [{ reason: 'only village and township facilities publish virtual slots' }],
    });
    const village = { ...HOSPITAL, facilityLevel: 'village' };
    expect(checkPublishedRow(good, village, WINDOW).ok).toBe(false);
    expect(checkPublishedRow({ ...good, kind: 'virtual' }, village, WINDOW).ok).toBe(true);
  });

  it('names a slot by its natural key only', () => {
    const slot = {
      kind: 'outpatient' as const,
      date: '2026-11-24',
      period: 'am' as const,
      departmentId: 'd',
      number: 1,
    };
    expect(slotIdOf('h', { ...slot, startTime: '08:00', feeCents: 1 })).toBe(
      slotIdOf('h', { ...slot, startTime: '09:00' }),
    );
    expect(slotIdOf('h', slot)).not.toBe(slotIdOf('h', { ...slot, number: 2 }));
    expect(slotIdOf('h', slot)).not.toBe(slotIdOf('h2', slot));
    expect(slotIdOf('h', slot).length).toBeLessThanOrEqual(40);
  });

  it('reads sheet cells in Chinese or English, and refuses amounts and words it cannot read', () => {
    expect(
      fieldsOfCells({
        类型: '门诊',
        日期: '2026/11/4',
        时段: '下午',
        开始时间: '8:05',
        费用: '12.5',
        绿色号源: '否',
        号序: '7',
      }),
    ).toEqual({
      ok: true,
      fields: {
        kind: 'outpatient',
        date: '2026-11-04',
        period: 'pm',
        startTime: '08:05',
        feeCents: 1250,
        green: false,
        number: 7,
      },
    });
    expect(fieldsOfCells({ fee: '12.345', green: 'maybe' })).toEqual({
      ok: false,
      problems: [
        { field: 'fee', reason: 'fee "12.345" is not an amount in yuan (e.g. 12.50)' },
        { field: 'green', reason: 'green "maybe" is not 是/否 (yes/no)' },
      ],
    });
  });
});

describe('quota allocation', () => {
  const rule: AllocationRule = {
    hospitalId: 'h',
    kind: 'outpatient',
    departmentId: '',
    doctorId: '',
    share: 0.2,
    facilityIds: ['v1', 't1'],
  };
  const fresh = (n: number, green = true): GroupSlot[] =>
    Array.from({ length: n }, (_, i) => ({
      id: `s${i}`,
      startTime: `08:${String(i).padStart(2, '0')}`,
      number: i + 1,
      green,
    }));

  it('refuses a share under 10% for outpatient slots, and non-primary mistakes', () => {
    expect(checkAllocationRule({ ...rule, share: 0.09 })).toMatch(/at least 10%/);
    expect(checkAllocationRule({ ...rule, share: 0.05, kind: 'bed' })).toBeNull();
    expect(checkAllocationRule({ ...rule, facilityIds: [] })).toMatch(/at least one/);
    expect(checkAllocationRule({ ...rule, share: 1.5 })).toMatch(/at most 1/);
    expect(checkAllocationRule(rule)).toBeNull();
  });

  it('picks the most specific rule: doctor, then department, then hospital', () => {
    const dept = { ...rule, departmentId: 'd1', share: 0.3 };
    const doctor = { ...rule, departmentId: 'd1', doctorId: 'x', share: 0.4 };
    const rules = [rule, dept, doctor];
    expect(ruleFor(rules, { kind: 'outpatient', departmentId: 'd1', doctorId: 'x' })).toBe(doctor);
    expect(ruleFor(rules, { kind: 'outpatient', departmentId: 'd1', doctorId: 'y' })).toBe(dept);
    expect(ruleFor(rules, { kind: 'outpatient', departmentId: 'd2' })).toBe(rule);
    expect(ruleFor(rules, { kind: 'bed', departmentId: 'd1' })).toBeNull();
  });

  it('allocates ceil(share × green) slots spread over the session, dealt evenly, and only green ones', () => {
    const slots = [...fresh(10), { id: 'grey', number: 99, green: false }];
    const allocated = allocateSession(slots, rule);
    const quota = [...allocated].filter(([, to]) => to);
    expect(quota).toEqual([
      ['s2', 'v1'],
      ['s7', 't1'],
    ]);
    expect(allocated.get('grey')).toBeNull();
    expect([...allocateSession(fresh(10), null).values()].every((to) => to === null)).toBe(true);
  });

  it('keeps what the county already allocated and makes up only the difference', () => {
    const existing = fresh(10).map((slot, i) => ({
      ...slot,
      existing: { allocatedTo: i === 0 ? 'v1' : null },
    }));
    const added = fresh(15).slice(10);
    const allocated = allocateSession([...existing, ...added], rule);
    expect([...allocated.keys()]).toEqual(added.map((s) => s.id));
    expect([...allocated.values()].filter(Boolean)).toEqual(['v1', 't1']);
  });

  it('deals evenly across the sessions of one upload', () => {
    const dealt = new Map<string, number>();
    const four = { ...rule, facilityIds: ['a', 'b', 'c', 'd'] };
    const sessions = [0, 1, 2, 3].map((s) => fresh(10).map((slot) => ({ ...slot, id: `${s}-${slot.id}` })));
    const to = sessions.flatMap((slots) => [...allocateSession(slots, four, dealt).values()].filter(Boolean));
    expect(to.sort()).toEqual(['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']);
  });

  it('always meets the share, never exceeds the new slots (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (n, share) => {
          const allocated = allocateSession(fresh(n), { ...rule, share });
          const quota = [...allocated.values()].filter(Boolean).length;
          return quota === Math.min(n, Math.ceil(share * n - 1e-9)) && quota / n >= 0.1 - 1e-9;
        },
      ),
    );
  });
});

describe('no-show blacklist', () => {
  const policy = { noShows: 3, withinDays: 90, blockDays: 30 };

  it('blocks after N no-shows within D days, until the last plus the block', () => {
    const dates = ['2026-09-01', '2026-10-01', '2026-11-01'];
    expect(blacklistStatus(dates, policy, '2026-11-02')).toEqual({ blocked: true, until: '2026-12-01' });
    expect(blacklistStatus(dates, policy, '2026-12-01')).toEqual({ blocked: false });
    expect(blacklistStatus(dates.slice(1), policy, '2026-11-02')).toEqual({ blocked: false });
  });

  it('does not count no-shows spread wider than the window', () => {
    expect(blacklistStatus(['2026-01-01', '2026-04-01', '2026-07-01'], policy, '2026-07-02')).toEqual({
      blocked: false,
    });
  });

  it('keeps a block after its run leaves the window', () => {
    const long = { noShows: 2, withinDays: 10, blockDays: 180 };
    expect(blacklistStatus(['2026-01-01', '2026-01-05'], long, '2026-05-01')).toEqual({
      blocked: true,
      until: '2026-07-04',
    });
  });

  it('is off with 0 no-shows', () => {
    expect(
      blacklistStatus(['2026-11-01', '2026-11-01', '2026-11-01'], { ...policy, noShows: 0 }, '2026-11-02'),
    ).toEqual({
      blocked: false,
    });
  });
});

describe('slot scope', () => {
  it('reaches the owner, the facility a quota slot is allocated to, and the one holding an online slot', () => {
    expect(documentScope('slots', { facilityId: 'h' })).toEqual(['h']);
    expect(documentScope('slots', { facilityId: 'h', allocatedTo: 'v' })).toEqual(['h', 'v']);
    expect(documentScope('slots', { facilityId: 'h', heldBy: 't' })).toEqual(['h', 't']);
  });
});

describe('holds', () => {
  it('lasts the asked time within bounds', () => {
    expect(holdSeconds(undefined)).toBe(600);
    expect(holdSeconds(120)).toBe(120);
    expect(holdSeconds(5)).toMatch(/from 30 to 1800/);
    expect(holdSeconds(99999)).toMatch(/from 30 to 1800/);
    expect(holdSeconds(1.5)).toMatch(/whole number/);
  });

  it('lapses at its end instant', () => {
    const until = '2026-11-23T00:10:00.000Z';
    expect(holdExpired(until, new Date('2026-11-23T00:09:59.999Z'))).toBe(false);
    expect(holdExpired(until, new Date(until))).toBe(true);
  });
});

describe('quota bookings judged at push', () => {
  const appointment = { id: 'a1', status: 'confirmed' };
  const quota = {
    mode: 'quota' as const,
    allocated_to: 'v1',
    state: 'open' as const,
    suspended: false,
    appointment_id: null,
    held_by: null,
    lock_id: null,
  };

  it('books an open slot of this facility, keeps its own, refuses the rest with a reason', () => {
    expect(judgeClaim(quota, 'v1', appointment)).toBe('book');
    expect(judgeClaim({ ...quota, state: 'booked', appointment_id: 'a1' }, 'v1', appointment)).toBe('keep');
    expect(judgeClaim({ ...quota, state: 'booked', appointment_id: 'a0' }, 'v1', appointment)).toMatchObject({
      code: 'slot-taken',
    });
    expect(judgeClaim(quota, 't1', appointment)).toMatchObject({ code: 'slot-not-yours' });
    expect(judgeClaim({ ...quota, suspended: true }, 'v1', appointment)).toMatchObject({
      code: 'slot-suspended',
    });
    expect(judgeClaim(null, 'v1', appointment)).toMatchObject({ code: 'slot-unknown' });
  });

  it('leaves online slots to the lock: waiting passes, a confirmed claim without the lock is refused', () => {
    const online = { ...quota, mode: 'online' as const, allocated_to: null };
    expect(judgeClaim(online, 'v1', { ...appointment, status: 'waiting' })).toBe('keep');
    expect(judgeClaim(online, 'v1', appointment)).toMatchObject({ code: 'slot-not-yours' });
    expect(judgeClaim({ ...online, state: 'held' }, 'v1', appointment)).toMatchObject({ code: 'slot-taken' });
    // Its own live hold: the pushed confirmation books it (when the confirm answer was lost on the way).
    const held = { ...online, state: 'held' as const, held_by: 'v1', lock_id: 'L1' };
    expect(judgeClaim(held, 'v1', { ...appointment, lockId: 'L1' })).toBe('book');
    expect(judgeClaim(held, 'v1', { ...appointment, lockId: 'L2' })).toMatchObject({ code: 'slot-taken' });
    expect(judgeClaim(held, 't1', { ...appointment, lockId: 'L1' })).toMatchObject({ code: 'slot-taken' });
  });
});

describe('the nightly deadline (Asia/Shanghai)', () => {
  it('is 01:00 county time, and "last night" is yesterday until it passes', () => {
    expect(deadlineOf('2026-11-23').toISOString()).toBe('2026-11-22T17:00:00.000Z');
    const before = new Date('2026-11-23T00:59:00+08:00');
    expect(countyDate(before)).toBe('2026-11-23');
    expect(lastNight(before, countyDate(before))).toBe('2026-11-22');
    const after = new Date('2026-11-23T01:00:00+08:00');
    expect(lastNight(after, countyDate(after))).toBe('2026-11-23');
  });

  it('classifies a hospital on time, late or missing', () => {
    const night = '2026-11-23';
    expect(uploadStatus(['2026-11-22T23:10:00+08:00'], night)).toEqual({
      status: 'on-time',
      at: '2026-11-22T15:10:00.000Z',
    });
    expect(uploadStatus(['2026-11-23T02:00:00+08:00'], night)).toEqual({
      status: 'late',
      at: '2026-11-22T18:00:00.000Z',
    });
    // Yesterday's upload (before the previous deadline) does not count for tonight.
    expect(uploadStatus(['2026-11-22T00:30:00+08:00'], night)).toEqual({ status: 'missing' });
    expect(uploadStatus([], night)).toEqual({ status: 'missing' });
  });
});
