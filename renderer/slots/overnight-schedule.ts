/**
 * When the overnight slot pull may run: a nightly window of the clinic's local
 * clock (such as 00:30-05:00, possibly across midnight) and a bandwidth cap.
 * Pure rules, so the scheduler, the settings form and the tests agree.
 */

export interface OvernightSchedule {
  enabled: boolean;
  /** "HH:MM", the clinic's local time. */
  start: string;
  end: string;
  /** Bandwidth the pull may use, kbit/s, averaged over the run. */
  capKbps: number;
}

export const DEFAULT_SCHEDULE: OvernightSchedule = {
  enabled: true,
  start: '00:30',
  end: '05:00',
  capKbps: 64,
};

/** Hospitals upload today plus the next six days before 01:00 (domain rule). */
export const UPLOAD_DEADLINE = '01:00';
export const MIN_WINDOW_MINUTES = 30;
export const MIN_CAP_KBPS = 8;
export const MAX_CAP_KBPS = 100_000;
/** A failed scheduled run is tried again this long after, while the window is open. */
export const RETRY_AFTER_MS = 15 * 60_000;

export type ScheduleProblem =
  | { field: 'start' | 'end'; code: 'bad-time' }
  | { field: 'end'; code: 'too-short' }
  | { field: 'capKbps'; code: 'cap-range' };

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after midnight, or null when not "HH:MM". */
export function clockMinutes(text: string): number | null {
  const match = CLOCK.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/** Length of the window in minutes; a window ending before it starts runs across midnight. */
export function windowMinutes(schedule: Pick<OvernightSchedule, 'start' | 'end'>): number {
  const start = clockMinutes(schedule.start) ?? 0;
  const end = clockMinutes(schedule.end) ?? 0;
  return (end - start + 24 * 60) % (24 * 60);
}

export function checkSchedule(schedule: OvernightSchedule): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  if (clockMinutes(schedule.start) === null) problems.push({ field: 'start', code: 'bad-time' });
  if (clockMinutes(schedule.end) === null) problems.push({ field: 'end', code: 'bad-time' });
  else if (problems.length === 0 && windowMinutes(schedule) < MIN_WINDOW_MINUTES)
    problems.push({ field: 'end', code: 'too-short' });
  if (
    !Number.isFinite(schedule.capKbps) ||
    schedule.capKbps < MIN_CAP_KBPS ||
    schedule.capKbps > MAX_CAP_KBPS
  )
    problems.push({ field: 'capKbps', code: 'cap-range' });
  return problems;
}

export interface Window {
  opensAt: Date;
  closesAt: Date;
  /** When a scheduled run starts: the opening, or the upload deadline when the window spans it. */
  startsAt: Date;
}

function at(day: Date, minutes: number): Date {
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), Math.floor(minutes / 60), minutes % 60);
}

function windowOpeningOn(schedule: OvernightSchedule, day: Date): Window {
  const start = clockMinutes(schedule.start) ?? 0;
  const opensAt = at(day, start);
  const closesAt = new Date(opensAt.getTime() + windowMinutes(schedule) * 60_000);
  // A pull before the hospitals' deadline would miss tonight's upload; wait for it when the window allows.
  const deadlineMinutes = clockMinutes(UPLOAD_DEADLINE) ?? 60;
  let deadline = at(day, deadlineMinutes);
  if (deadline < opensAt) deadline = at(new Date(day.getTime() + 86_400_000), deadlineMinutes);
  const startsAt = deadline > opensAt && deadline < closesAt ? deadline : opensAt;
  return { opensAt, closesAt, startsAt };
}

/** The window open at `now`, if any (the one opened yesterday evening counts after midnight). */
export function windowAt(schedule: OvernightSchedule, now: Date): Window | null {
  for (const offset of [0, -1]) {
    const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset);
    const window = windowOpeningOn(schedule, day);
    if (now >= window.opensAt && now < window.closesAt) return window;
  }
  return null;
}

/** The window open now, or else the next one to open. */
export function nextWindow(schedule: OvernightSchedule, now: Date): Window {
  const open = windowAt(schedule, now);
  if (open) return open;
  const today = windowOpeningOn(schedule, now);
  return today.opensAt > now
    ? today
    : windowOpeningOn(schedule, new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1));
}

export interface RunRecord {
  startedAt: string;
  finishedAt?: string;
  outcome: 'running' | 'complete' | 'window-closed' | 'failed' | 'stopped';
}

/**
 * Whether the scheduler starts a pull now: the schedule is on, a window is
 * open and past its start, and nothing has finished the work of this window
 * yet. A failed run (the link was down) is tried again after a pause; a run
 * stopped by the window closing resumes at the next window from its checkpoint.
 */
export function shouldStartScheduledRun(
  schedule: OvernightSchedule,
  lastRun: RunRecord | undefined,
  now: Date,
): boolean {
  if (!schedule.enabled || checkSchedule(schedule).length > 0) return false;
  const window = windowAt(schedule, now);
  if (!window || now < window.startsAt) return false;
  if (!lastRun || new Date(lastRun.startedAt) < window.startsAt) return true;
  if (lastRun.outcome === 'running') return false;
  if (lastRun.outcome === 'failed') {
    const finished = new Date(lastRun.finishedAt ?? lastRun.startedAt).getTime();
    return now.getTime() - finished >= RETRY_AFTER_MS;
  }
  return false;
}

/** When the next scheduled run will start: later tonight, or in the next window once this one's start has passed. */
export function nextScheduledStart(schedule: OvernightSchedule, now: Date): Date {
  const open = windowAt(schedule, now);
  if (open && now < open.startsAt) return open.startsAt;
  return nextWindow(schedule, open ? open.closesAt : now).startsAt;
}
