/**
 * Runs the overnight slot pull: when the admin's night window opens (checked
 * every minute while the app is open), or at once with "run now". One run at
 * a time; its progress is in a small store for the slots page.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { assertCan } from '../../sync/protocol/roles';
import { appendAudit } from '../audit/audit-log';
import type { Session } from '../auth/session';
import { connectBridge } from '../bridge/connect';
import type { ClinicDatabase } from '../store/database';
import { countyApi, readCountyLink } from '../sync/county-link';
import { currentCountySync } from '../sync/use-county-sync';
import type { MorningReport } from './morning-report';
import { type PullProgress, readReports, runOvernightPull } from './overnight-pull';
import {
  checkSchedule,
  DEFAULT_SCHEDULE,
  type OvernightSchedule,
  type ScheduleProblem,
  shouldStartScheduledRun,
  windowAt,
} from './overnight-schedule';
import { type SlotCounty, slotCounty } from './slot-county';

export const SCHEDULE_DOC = 'slots.overnight-schedule';

export interface StoredSchedule extends OvernightSchedule {
  /** The admin who set it: a scheduled run with nobody signed in pulls as them. */
  setBy?: string;
  setAt?: string;
}

export class ScheduleInvalid extends Error {
  constructor(readonly problems: ScheduleProblem[]) {
    super(`the overnight schedule is not valid: ${problems.map((p) => `${p.field} ${p.code}`).join(', ')}`);
    this.name = 'ScheduleInvalid';
  }
}

export async function readSchedule(db: ClinicDatabase): Promise<StoredSchedule> {
  const doc = await db.getLocal<StoredSchedule>(SCHEDULE_DOC);
  return doc ? (doc.toJSON().data as StoredSchedule) : DEFAULT_SCHEDULE;
}

export async function saveSchedule(
  db: ClinicDatabase,
  session: Session,
  schedule: OvernightSchedule,
): Promise<StoredSchedule> {
  assertCan(session.roles, 'sync.manage');
  const problems = checkSchedule(schedule);
  if (problems.length) throw new ScheduleInvalid(problems);
  const stored: StoredSchedule = { ...schedule, setBy: session.userId, setAt: new Date().toISOString() };
  await db.upsertLocal<StoredSchedule>(SCHEDULE_DOC, stored);
  await appendAudit(db, session, {
    action: 'slots.schedule',
    recordType: 'slot',
    recordId: SCHEDULE_DOC,
    detail: `${schedule.enabled ? 'on' : 'off'} ${schedule.start}-${schedule.end} ${schedule.capKbps}kbps`,
  });
  return stored;
}

interface OvernightState {
  running?: { trigger: MorningReport['trigger']; startedAt: string; progress: PullProgress };
  /** Bumped when a run ends, so pages reload the reports. */
  finishedRuns: number;
  controller?: AbortController;
}

export const useOvernight = create<OvernightState>(() => ({ finishedRuns: 0 }));

export class NoCountyLink extends Error {
  constructor() {
    super('this workstation is not linked to a county: there is nothing to pull');
    this.name = 'NoCountyLink';
  }
}

export class PullAlreadyRunning extends Error {
  constructor() {
    super('an overnight slot pull is already running');
    this.name = 'PullAlreadyRunning';
  }
}

/** The county, over the running sync's client when someone is signed in (one token per device). */
export async function reachCounty(userId: string | undefined): Promise<SlotCounty | null> {
  const running = currentCountySync();
  if (running) return slotCounty(running.api);
  const link = await readCountyLink(connectBridge());
  return link && userId ? slotCounty(countyApi(link, userId)) : null;
}

export async function startRun(input: {
  db: ClinicDatabase;
  county: SlotCounty;
  facilityId: string;
  userId: string;
  trigger: MorningReport['trigger'];
  capKbps: number;
  until?: Date;
}): Promise<MorningReport> {
  if (useOvernight.getState().running) throw new PullAlreadyRunning();
  const controller = new AbortController();
  useOvernight.setState({
    controller,
    running: {
      trigger: input.trigger,
      startedAt: new Date().toISOString(),
      progress: { received: 0, remaining: 0, bytes: 0 },
    },
  });
  try {
    return await runOvernightPull({
      ...input,
      signal: controller.signal,
      onProgress: (progress) =>
        useOvernight.setState((state) => (state.running ? { running: { ...state.running, progress } } : {})),
    });
  } finally {
    useOvernight.setState((state) => ({
      running: undefined,
      controller: undefined,
      finishedRuns: state.finishedRuns + 1,
    }));
  }
}

/** "Run now" on the slots page: the admin's cap, no window. */
export async function runNow(db: ClinicDatabase, session: Session): Promise<MorningReport> {
  assertCan(session.roles, 'sync.manage');
  const county = await reachCounty(session.userId);
  if (!county) throw new NoCountyLink();
  const schedule = await readSchedule(db);
  await appendAudit(db, session, { action: 'slots.pull', recordType: 'slot', recordId: session.facilityId });
  return startRun({
    db,
    county,
    facilityId: session.facilityId,
    userId: session.userId,
    trigger: 'manual',
    capKbps: schedule.capKbps,
  });
}

export function stopRun(): void {
  useOvernight.getState().controller?.abort();
}

/** One look at the clock: starts the scheduled run if its window is open and it has not run yet. */
export async function scheduledTick(db: ClinicDatabase, facilityId: string, now = new Date()): Promise<void> {
  if (useOvernight.getState().running) return;
  const schedule = await readSchedule(db);
  const [last] = (await readReports(db)).filter((report) => report.trigger === 'schedule');
  if (!shouldStartScheduledRun(schedule, last, now)) return;
  const window = windowAt(schedule, now);
  const county = await reachCounty(schedule.setBy);
  if (!county || !window || !schedule.setBy) return;
  await startRun({
    db,
    county,
    facilityId,
    userId: schedule.setBy,
    trigger: 'schedule',
    capKbps: schedule.capKbps,
    until: window.closesAt,
  });
}

/**
 * A doctor newly suspended (停诊) — staff records replicate at once — with
 * bookings here: the slots are pulled now, so the bookings that need rebooking
 * are known today rather than after tonight's download.
 */
export async function pullIfSuspensionHits(
  db: ClinicDatabase,
  facilityId: string,
  doctorId: string,
  userId: string | undefined,
): Promise<MorningReport | undefined> {
  const hit = await db.appointments
    .count({ selector: { doctorId, slotId: { $exists: true }, status: { $in: ['waiting', 'confirmed'] } } })
    .exec();
  if (hit === 0 || useOvernight.getState().running) return undefined;
  const schedule = await readSchedule(db);
  const runAs = userId ?? schedule.setBy;
  const county = await reachCounty(runAs);
  if (!county || !runAs) return undefined;
  return startRun({
    db,
    county,
    facilityId,
    userId: runAs,
    trigger: 'suspension',
    capKbps: schedule.capKbps,
  });
}

const TICK_MS = 60_000;

/**
 * Keeps the night's schedule while the app is open, signed in or not (the
 * screen locks long before 01:00). Mount once, where the database is open.
 */
export function useOvernightSlots(
  db: ClinicDatabase | undefined,
  facilityId: string | undefined,
  userId?: string,
): void {
  useEffect(() => {
    if (!db || !facilityId) return;
    const tick = () => void scheduledTick(db, facilityId).catch(() => undefined);
    tick();
    const timer = setInterval(tick, TICK_MS);
    const suspensions = db.staff.$.subscribe((event) => {
      const now = event.documentData as { id: string; suspended?: boolean } | undefined;
      const before = event.previousDocumentData as { suspended?: boolean } | undefined;
      if (now?.suspended && !before?.suspended)
        void pullIfSuspensionHits(db, facilityId, now.id, userId).catch(() => undefined);
    });
    return () => {
      clearInterval(timer);
      suspensions.unsubscribe();
    };
  }, [db, facilityId, userId]);
}
