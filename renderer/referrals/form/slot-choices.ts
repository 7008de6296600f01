/**
 * Which hospital slots the referral form offers for the chosen target: this
 * clinic's quota slots there (booked offline), the county pool's open online
 * slots there (held and confirmed at the county on submit, so only listed
 * while the county answers), and whatever is already booked for this
 * referral (kept on a second submit). Pure: the form gathers the three lists.
 */
import type { AppointmentDoc, ReferralDirection, ReferralType, SlotDoc } from '../../../sync/protocol/schema';
import type { OpenSlot, SlotKind, SlotPeriod } from '../../../sync/protocol/slots';
import { localDate, scheduledAtOf } from '../../slots/booking';

export interface SlotChoice {
  slotId: string;
  /** How it is booked: quota offline at once, online through the county's hold and confirm. */
  mode: 'quota' | 'online';
  hospitalId: string;
  /** Unknown for a booking whose slot this clinic no longer has. */
  kind?: SlotKind;
  departmentId: string;
  doctorId?: string;
  date: string;
  period: SlotPeriod;
  startTime?: string;
  green: boolean;
  /** "YYYY-MM-DDTHH:MM", clinic-local: the order on screen. */
  scheduledAt: string;
  /** Already booked for this referral: its appointment's status. */
  booked?: AppointmentDoc['status'];
  /** The pool's slot: what the online booking is made from. */
  online?: OpenSlot;
}

/** How many online slots are listed at once (a county hospital's week runs to hundreds). */
export const ONLINE_LISTED = 80;

/**
 * Slot kinds that fit the referral: an outpatient referral books a doctor's
 * session, an inpatient one a bed, an emergency any capacity that takes the
 * patient today; a downward referral may also book the primary facility's
 * virtual capacity (虚拟号源).
 */
export function slotKindsFor(type: ReferralType, direction: ReferralDirection): SlotKind[] {
  const kinds: SlotKind[] =
    type === 'outpatient'
      ? ['outpatient']
      : type === 'inpatient'
        ? ['bed']
        : ['emergency', 'bed', 'outpatient'];
  return direction === 'down' ? [...kinds, 'virtual'] : kinds;
}

export function quotaChoice(slot: SlotDoc): SlotChoice {
  return {
    slotId: slot.id,
    mode: 'quota',
    hospitalId: slot.facilityId,
    kind: slot.kind,
    departmentId: slot.departmentId,
    ...(slot.doctorId ? { doctorId: slot.doctorId } : {}),
    date: slot.date,
    period: slot.period,
    ...(slot.startTime ? { startTime: slot.startTime } : {}),
    green: slot.green,
    scheduledAt: scheduledAtOf(slot),
  };
}

export function onlineChoice(slot: OpenSlot): SlotChoice {
  return {
    slotId: slot.slotId,
    mode: 'online',
    hospitalId: slot.hospitalId,
    kind: slot.kind,
    departmentId: slot.departmentId,
    ...(slot.doctorId ? { doctorId: slot.doctorId } : {}),
    date: slot.date,
    period: slot.period,
    ...(slot.startTime ? { startTime: slot.startTime } : {}),
    green: slot.green,
    scheduledAt: scheduledAtOf(slot),
    online: slot,
  };
}

/** A booking already made for this referral; the slot document, where this clinic has it, fills in the rest. */
export function bookedChoice(appointment: AppointmentDoc, slot?: SlotDoc): SlotChoice | undefined {
  if (!appointment.slotId || !appointment.hospitalId) return undefined;
  const [date = '', time] = appointment.scheduledAt.split('T');
  return {
    slotId: appointment.slotId,
    mode: appointment.mode ?? slot?.mode ?? 'quota',
    hospitalId: appointment.hospitalId,
    ...(slot ? { kind: slot.kind } : {}),
    departmentId: appointment.departmentId ?? slot?.departmentId ?? '',
    ...((appointment.doctorId ?? slot?.doctorId) ? { doctorId: appointment.doctorId ?? slot?.doctorId } : {}),
    date,
    period: appointment.period ?? slot?.period ?? 'day',
    ...((slot?.startTime ?? time) ? { startTime: slot?.startTime ?? time } : {}),
    green: slot?.green ?? false,
    scheduledAt: appointment.scheduledAt,
    booked: appointment.status,
  };
}

/** "YYYY-MM-DDTHH:MM" of an instant on the clinic's clock. */
export function localMinuteOf(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${localDate(at)}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/**
 * Over: a past day, or a session of today that has begun. A bed or other
 * capacity without a time lasts the whole day.
 */
export function isOver(choice: Pick<SlotChoice, 'date' | 'startTime'>, now: Date): boolean {
  const today = localDate(now);
  if (choice.date !== today) return choice.date < today;
  return choice.startTime !== undefined && `${choice.date}T${choice.startTime}` < localMinuteOf(now);
}

export interface SlotOffer {
  choices: SlotChoice[];
  /** Online slots left off the list (more than ONLINE_LISTED): narrowing by department shows them. */
  onlineLeftOff: number;
}

/**
 * The slots offered at one hospital, earliest first: what this referral
 * already booked there, then open ones of a fitting kind that are not over.
 * A slot is listed once (a booked one as booked). The one the form has
 * chosen stays listed even past the online cap, so the choice never vanishes.
 */
export function offeredSlots(input: {
  hospitalId: string;
  booked: readonly SlotChoice[];
  quota: readonly SlotChoice[];
  online: readonly SlotChoice[];
  kinds: readonly SlotKind[];
  now: Date;
  departmentId?: string;
  chosen?: string;
  onlineListed?: number;
}): SlotOffer {
  const fits = (choice: SlotChoice) =>
    choice.hospitalId === input.hospitalId &&
    (!input.departmentId || choice.departmentId === input.departmentId || choice.slotId === input.chosen);
  const open = (choice: SlotChoice) =>
    fits(choice) &&
    choice.kind !== undefined &&
    input.kinds.includes(choice.kind) &&
    !isOver(choice, input.now);
  const seen = new Set<string>();
  const once = (choice: SlotChoice) => !seen.has(choice.slotId) && seen.add(choice.slotId) !== undefined;
  const booked = input.booked.filter(fits).filter(once);
  const quota = input.quota.filter(open).filter(once);
  const online = [...input.online].filter(open).filter(once).sort(byTime);
  const limit = input.onlineListed ?? ONLINE_LISTED;
  const listed = online.filter((choice, i) => i < limit || choice.slotId === input.chosen);
  return {
    choices: [...booked, ...quota, ...listed].sort(byTime),
    onlineLeftOff: online.length - listed.length,
  };
}

function byTime(a: SlotChoice, b: SlotChoice): number {
  return (
    a.scheduledAt.localeCompare(b.scheduledAt) ||
    a.departmentId.localeCompare(b.departmentId) ||
    a.slotId.localeCompare(b.slotId)
  );
}
