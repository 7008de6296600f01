import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlotDoc } from '../../sync/protocol/schema';
import {
  addBatch,
  diffBatch,
  emptyReport,
  MAX_LISTED_CHANGES,
  type PulledSlot,
  takesSlotAway,
  totalArrived,
} from './morning-report';
import {
  checkSchedule,
  DEFAULT_SCHEDULE,
  nextScheduledStart,
  nextWindow,
  RETRY_AFTER_MS,
  type RunRecord,
  shouldStartScheduledRun,
  windowAt,
} from './overnight-schedule';
import { BATCH_SECONDS, batchSize, MAX_BATCH, MIN_BATCH, throttleDelayMs } from './throttle';

/** Local wall time on 22 November 2026 (the rules use the clinic's local clock). */
const on = (day: number, hours: number, minutes = 0) => new Date(2026, 10, day, hours, minutes);

describe('overnight window', () => {
  it('refuses malformed times, a too-short window and a cap out of range', () => {
    expect(checkSchedule(DEFAULT_SCHEDULE)).toEqual([]);
    expect(checkSchedule({ ...DEFAULT_SCHEDULE, start: '24:00' })).toEqual([
      { field: 'start', code: 'bad-time' },
    ]);
    expect(checkSchedule({ ...DEFAULT_SCHEDULE, end: '5:00' })).toEqual([{ field: 'end', code: 'bad-time' }]);
    expect(checkSchedule({ ...DEFAULT_SCHEDULE, start: '03:00', end: '03:20' })).toEqual([
      { field: 'end', code: 'too-short' },
    ]);
    expect(checkSchedule({ ...DEFAULT_SCHEDULE, start: '03:00', end: '03:00' })).toEqual([
      { field: 'end', code: 'too-short' },
    ]);
    expect(checkSchedule({ ...DEFAULT_SCHEDULE, capKbps: 0 })).toEqual([
      { field: 'capKbps', code: 'cap-range' },
    ]);
    expect(checkSchedule({ ...DEFAULT_SCHEDULE, capKbps: Number.NaN })).toEqual([
      { field: 'capKbps', code: 'cap-range' },
    ]);
  });

  it('waits for the hospitals to upload (01:00) when the window opens before', () => {
    const window = windowAt(DEFAULT_SCHEDULE, on(22, 0, 40));
    expect(window).toEqual({ opensAt: on(22, 0, 30), closesAt: on(22, 5), startsAt: on(22, 1) });
    expect(windowAt(DEFAULT_SCHEDULE, on(22, 5))).toBeNull();
    expect(windowAt(DEFAULT_SCHEDULE, on(22, 0, 29))).toBeNull();
  });

  it('handles a window across midnight, from either side of it', () => {
    const schedule = { ...DEFAULT_SCHEDULE, start: '23:30', end: '02:00' };
    const evening = windowAt(schedule, on(21, 23, 45));
    const night = windowAt(schedule, on(22, 1, 30));
    expect(evening).toEqual({ opensAt: on(21, 23, 30), closesAt: on(22, 2), startsAt: on(22, 1) });
    expect(night).toEqual(evening);
    expect(windowAt(schedule, on(22, 2, 0))).toBeNull();
  });

  it('starts at the opening when the window opens after the upload deadline', () => {
    const schedule = { ...DEFAULT_SCHEDULE, start: '02:00', end: '04:00' };
    expect(nextWindow(schedule, on(22, 12))).toEqual({
      opensAt: on(23, 2),
      closesAt: on(23, 4),
      startsAt: on(23, 2),
    });
    expect(nextWindow(schedule, on(22, 1))).toMatchObject({ opensAt: on(22, 2) });
  });

  it('tells the next scheduled start: later tonight, or the next night once tonight’s start has passed', () => {
    expect(nextScheduledStart(DEFAULT_SCHEDULE, on(22, 0, 40))).toEqual(on(22, 1));
    expect(nextScheduledStart(DEFAULT_SCHEDULE, on(22, 3))).toEqual(on(23, 1));
    expect(nextScheduledStart(DEFAULT_SCHEDULE, on(22, 14))).toEqual(on(23, 1));
    expect(nextScheduledStart(DEFAULT_SCHEDULE, on(22, 0, 10))).toEqual(on(22, 1));
  });

  it('runs once a window, retries a failure after a pause, never while disabled or before the start', () => {
    const schedule = DEFAULT_SCHEDULE;
    const run = (startedAt: Date, outcome: RunRecord['outcome'], finishedAt?: Date): RunRecord => ({
      startedAt: startedAt.toISOString(),
      outcome,
      ...(finishedAt ? { finishedAt: finishedAt.toISOString() } : {}),
    });
    expect(shouldStartScheduledRun(schedule, undefined, on(22, 1, 5))).toBe(true);
    expect(shouldStartScheduledRun(schedule, undefined, on(22, 0, 45))).toBe(false);
    expect(shouldStartScheduledRun({ ...schedule, enabled: false }, undefined, on(22, 1, 5))).toBe(false);
    expect(shouldStartScheduledRun(schedule, undefined, on(22, 12))).toBe(false);
    // Last night's run does not count for tonight.
    expect(shouldStartScheduledRun(schedule, run(on(21, 1), 'complete'), on(22, 1, 5))).toBe(true);
    expect(shouldStartScheduledRun(schedule, run(on(22, 1), 'complete'), on(22, 1, 5))).toBe(false);
    expect(shouldStartScheduledRun(schedule, run(on(22, 1), 'running'), on(22, 3))).toBe(false);
    const failedAt = on(22, 1, 2);
    expect(shouldStartScheduledRun(schedule, run(on(22, 1), 'failed', failedAt), on(22, 1, 10))).toBe(false);
    expect(
      shouldStartScheduledRun(
        schedule,
        run(on(22, 1), 'failed', failedAt),
        new Date(failedAt.getTime() + RETRY_AFTER_MS),
      ),
    ).toBe(true);
  });

  it('finds, for any valid window and any moment, the window open then or one opening later', () => {
    const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }));
    const text = ([h, m]: [number, number]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
    fc.assert(
      fc.property(clock, clock, fc.integer({ min: 0, max: 24 * 60 - 1 }), (start, end, minute) => {
        const schedule = { ...DEFAULT_SCHEDULE, start: text(start), end: text(end) };
        fc.pre(checkSchedule(schedule).length === 0);
        const now = on(22, Math.floor(minute / 60), minute % 60);
        const window = nextWindow(schedule, now);
        const open = windowAt(schedule, now);
        if (open) expect(window).toEqual(open);
        else expect(window.opensAt.getTime()).toBeGreaterThan(now.getTime());
        expect(window.startsAt >= window.opensAt && window.startsAt < window.closesAt).toBe(true);
      }),
    );
  });
});

describe('bandwidth cap', () => {
  it('waits until the bytes so far average no more than the cap', () => {
    // 64 kbit/s = 8,000 bytes a second: 80,000 bytes may not be done before 10 s.
    expect(throttleDelayMs(80_000, 4_000, 64)).toBe(6_000);
    expect(throttleDelayMs(80_000, 12_000, 64)).toBe(0);
    expect(throttleDelayMs(0, 0, 64)).toBe(0);
  });

  it('keeps any sequence of batches under the cap on average', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 10_000 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 0, max: 5_000 })), {
          minLength: 1,
          maxLength: 30,
        }),
        (cap, batches) => {
          // Each batch: its bytes, and how long it took on the wire; the throttle adds the wait before the next.
          let elapsed = 0;
          let bytes = 0;
          for (const [size, took] of batches) {
            elapsed += throttleDelayMs(bytes, elapsed, cap);
            bytes += size;
            elapsed += took;
          }
          const last = batches.at(-1)?.[0] ?? 0;
          // Everything but the batch still on the wire fits the cap.
          expect(((bytes - last) * 8) / cap).toBeLessThanOrEqual(elapsed + 1);
        },
      ),
    );
  });

  it('sizes batches to a few seconds at the cap, within bounds', () => {
    // 64 kbit/s for 8 s = 64,000 bytes: 533 slots of 120 bytes.
    expect(batchSize(64, 120)).toBe(Math.floor((64 * 1000 * BATCH_SECONDS) / 8 / 120));
    expect(batchSize(8, 2_000)).toBe(MIN_BATCH);
    expect(batchSize(100_000, 100)).toBe(MAX_BATCH);
  });
});

const slot = (id: string, patch: Partial<SlotDoc> = {}): SlotDoc => ({
  id,
  facilityId: 'hospital-1',
  createdAt: '2026-11-21T16:00:00.000Z',
  updatedAt: '2026-11-21T16:00:00.000Z',
  createdBy: 'h',
  updatedBy: 'h',
  kind: 'outpatient',
  mode: 'quota',
  allocatedTo: 'clinic-1',
  date: '2026-11-23',
  period: 'am',
  startTime: '08:30',
  departmentId: 'dept-1',
  green: true,
  state: 'open',
  countySeq: 10,
  ...patch,
});

describe('morning report', () => {
  it('tells arrivals, changes and withdrawals apart, ignoring bookkeeping', () => {
    const held = new Map([
      ['a', slot('a')],
      ['b', slot('b')],
      ['c', slot('c')],
    ]);
    const pulled: PulledSlot[] = [
      slot('a', { countySeq: 20, updatedAt: '2026-11-22T01:00:00.000Z' }),
      slot('b', { state: 'suspended', countySeq: 21 }),
      { ...slot('c'), _deleted: true },
      slot('d', { date: '2026-11-24' }),
      { ...slot('e'), _deleted: true },
      slot('f', { startTime: '09:00' }),
    ];
    const diff = diffBatch(held, pulled);
    expect(diff.arrived.map((s) => s.id)).toEqual(['d', 'f']);
    expect(diff.changed).toEqual([
      expect.objectContaining({ slotId: 'b', fields: ['state'], fromState: 'open', toState: 'suspended' }),
      expect.objectContaining({ slotId: 'c', fields: ['withdrawn'], fromState: 'open' }),
    ]);
    expect(diff.changed.map(takesSlotAway)).toEqual([true, true]);

    const report = addBatch(
      emptyReport({ id: 'r', trigger: 'manual', userId: 'u', capKbps: 64, startedAt: '' }),
      diff,
    );
    expect(report.arrived).toEqual([
      { hospitalId: 'hospital-1', date: '2026-11-23', kind: 'outpatient', count: 1 },
      { hospitalId: 'hospital-1', date: '2026-11-24', kind: 'outpatient', count: 1 },
    ]);
    expect(totalArrived(report)).toBe(2);
  });

  it('lists a bounded number of changes and counts the rest', () => {
    const held = new Map(Array.from({ length: 250 }, (_, i) => [`s${i}`, slot(`s${i}`)] as const));
    const pulled = [...held.values()].map((s) => ({ ...s, feeCents: 500 }));
    const first = addBatch(
      emptyReport({ id: 'r', trigger: 'schedule', userId: 'u', capKbps: 64, startedAt: '' }),
      diffBatch(held, pulled.slice(0, 150)),
    );
    const report = addBatch(first, diffBatch(held, pulled.slice(150)));
    expect(report.changed).toHaveLength(MAX_LISTED_CHANGES);
    expect(report.changedNotListed).toBe(50);
    expect(report.changed[0]?.fields).toEqual(['feeCents']);
  });
});
