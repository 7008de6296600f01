/**
 * In-clinic follow-up appointments (诊间复诊预约): the rules for booking and
 * moving them, the day and week views and who is overdue. Pure functions of
 * plain appointments and the clinic's local calendar ("YYYY-MM-DD", "HH:MM").
 */
import type { AppointmentDoc } from '../../sync/protocol/schema';

/** Appointments that still stand: not cancelled, not refused. */
export const STANDING: ReadonlyArray<AppointmentDoc['status']> = ['waiting', 'confirmed'];
/** The clinic's opening hours for follow-ups. */
export const FIRST_TIME = '07:00';
export const LAST_TIME = '20:00';
/** How far ahead a follow-up may be booked. */
export const MAX_DAYS_AHEAD = 366;

export type FollowUpProblem =
  | { field: 'date'; code: 'bad-date' | 'in-past' | 'too-far' }
  | { field: 'time'; code: 'bad-time' | 'outside-hours' }
  | { field: 'date'; code: 'same-day'; appointmentId: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** Calendar arithmetic at UTC noon, so no time zone or DST shifts the day. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);
}

/** The Monday starting the week that holds `date` (weeks run Monday to Sunday in China). */
export function weekStart(date: string): string {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

export function weekDays(date: string): string[] {
  const monday = weekStart(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

export const dayOf = (appointment: Pick<AppointmentDoc, 'scheduledAt'>) =>
  appointment.scheduledAt.slice(0, 10);
export const timeOf = (appointment: Pick<AppointmentDoc, 'scheduledAt'>) =>
  appointment.scheduledAt.slice(11, 16);

/**
 * Whether a follow-up may be put at this date and time: a real date, today or
 * later and within a year, in opening hours, and not a second standing
 * follow-up for the patient on that day (`others`: the patient's other appointments).
 */
export function checkFollowUp(
  input: { date: string; time: string },
  today: string,
  others: ReadonlyArray<Pick<AppointmentDoc, 'id' | 'purpose' | 'status' | 'scheduledAt'>>,
): FollowUpProblem[] {
  const problems: FollowUpProblem[] = [];
  if (!isCalendarDate(input.date)) problems.push({ field: 'date', code: 'bad-date' });
  else if (input.date < today) problems.push({ field: 'date', code: 'in-past' });
  else if (daysBetween(today, input.date) > MAX_DAYS_AHEAD) problems.push({ field: 'date', code: 'too-far' });
  if (!TIME.test(input.time)) problems.push({ field: 'time', code: 'bad-time' });
  else if (input.time < FIRST_TIME || input.time > LAST_TIME)
    problems.push({ field: 'time', code: 'outside-hours' });
  const clash = others.find(
    (other) =>
      other.purpose === 'follow-up' && STANDING.includes(other.status) && dayOf(other) === input.date,
  );
  if (clash && problems.length === 0)
    problems.push({ field: 'date', code: 'same-day', appointmentId: clash.id });
  return problems;
}

export function dayList<T extends Pick<AppointmentDoc, 'scheduledAt' | 'status'>>(
  appointments: T[],
  date: string,
): T[] {
  return appointments
    .filter((a) => dayOf(a) === date && a.status !== 'cancelled')
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
}

export function weekGrid<T extends Pick<AppointmentDoc, 'scheduledAt' | 'status'>>(
  appointments: T[],
  date: string,
): Array<{ date: string; appointments: T[] }> {
  return weekDays(date).map((day) => ({ date: day, appointments: dayList(appointments, day) }));
}

export interface OverdueFollowUp<T> {
  appointment: T;
  daysOverdue: number;
}

/**
 * Patients who missed their follow-up: their latest follow-up before today
 * was not attended (still standing, or marked missed), and nothing new is
 * booked for them from today on. One row per patient, longest overdue first.
 */
export function overdueFollowUps<
  T extends Pick<AppointmentDoc, 'patientId' | 'purpose' | 'status' | 'scheduledAt'>,
>(appointments: T[], today: string): Array<OverdueFollowUp<T>> {
  const byPatient = new Map<string, T[]>();
  for (const appointment of appointments) {
    if (appointment.purpose !== 'follow-up' || appointment.status === 'cancelled') continue;
    byPatient.set(appointment.patientId, [...(byPatient.get(appointment.patientId) ?? []), appointment]);
  }
  const overdue: Array<OverdueFollowUp<T>> = [];
  for (const list of byPatient.values()) {
    if (list.some((a) => dayOf(a) >= today && STANDING.includes(a.status))) continue;
    const past = list
      .filter((a) => dayOf(a) < today)
      .sort((a, b) => b.scheduledAt.localeCompare(a.scheduledAt));
    const latest = past[0];
    if (!latest || latest.status === 'attended') continue;
    overdue.push({ appointment: latest, daysOverdue: daysBetween(dayOf(latest), today) });
  }
  return overdue.sort((a, b) => b.daysOverdue - a.daysOverdue);
}
