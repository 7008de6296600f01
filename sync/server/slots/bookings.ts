/**
 * Quota bookings arrive as `appointments` documents pushed by clinics. Inside
 * the push transaction, before the county write lock, the gateway claims the
 * slot an appointment names (quota: booked for this appointment) and gives
 * back the slot an appointment stopped naming (cancelled, missed = no-show,
 * deleted, moved). A booking it cannot take is refused per row: the
 * appointment is stored as 'needs-rebooking' and sent back as a conflict.
 */
import type { SlotRefusal } from '../../protocol/slots';
import type { Queryable } from '../db/driver';
import type { Content } from '../replication/scope';
import type { WriteBatch, Writer } from '../replication/store';
import { releaseSlots, SLOT_COLUMNS, type SlotRow, slotsByIds, writeSlotDocs } from './store';

/** Appointment statuses that hold their slot. */
const HOLDING = new Set(['waiting', 'confirmed', 'attended']);

/** The slot an appointment holds, if any. */
export function claimedSlot(doc: Content | null): string | null {
  if (!doc || doc._deleted === true || typeof doc.slotId !== 'string') return null;
  return HOLDING.has(String(doc.status)) ? doc.slotId : null;
}

export interface AppointmentChange {
  id: string;
  before: Content | null;
  after: Content;
}

export interface BookingOutcome {
  /** Appointment id → why its booking was not taken. */
  refusals: Map<string, SlotRefusal>;
  /** Slot rows changed: their documents are written once the push has the write lock. */
  changed: SlotRow[];
}

/**
 * What a claim of this slot by this appointment comes to: null = taken (or
 * already this appointment's), else the refusal. Pure.
 */
export function judgeClaim(
  slot: Pick<
    SlotRow,
    'mode' | 'allocated_to' | 'state' | 'suspended' | 'appointment_id' | 'held_by' | 'lock_id'
  > | null,
  facilityId: string,
  appointment: Content,
): SlotRefusal | 'book' | 'keep' {
  const id = String(appointment.id);
  if (!slot) return { code: 'slot-unknown', message: 'The county has no such slot; choose another one.' };
  if (slot.appointment_id === id) return 'keep';
  if (slot.mode === 'online') {
    // Online slots are booked through lock and confirm; a waiting appointment is on its way there.
    if (appointment.status === 'waiting') return 'keep';
    // A confirmed appointment carrying this facility's live hold confirms it (the confirm answer was lost).
    const ownHold =
      slot.state === 'held' &&
      slot.held_by === facilityId &&
      slot.lock_id !== null &&
      slot.lock_id === appointment.lockId;
    if (ownHold) return 'book';
    return slot.state === 'open'
      ? {
          code: 'slot-not-yours',
          message: 'This pool slot was never locked for this appointment; book it online.',
        }
      : { code: 'slot-taken', message: 'Another booking holds this slot; choose another one.' };
  }
  if (slot.allocated_to !== facilityId) {
    return { code: 'slot-not-yours', message: 'This quota slot is allocated to another facility.' };
  }
  if (slot.state !== 'open') {
    return {
      code: 'slot-taken',
      message: 'Another appointment already booked this quota slot; choose another one.',
    };
  }
  if (slot.suspended) {
    return {
      code: 'slot-suspended',
      message: 'The doctor has suspended this session (停诊); choose another slot.',
    };
  }
  return 'book';
}

export async function judgeBookings(
  tx: Queryable,
  facilityId: string,
  changes: readonly AppointmentChange[],
): Promise<BookingOutcome> {
  const refusals = new Map<string, SlotRefusal>();
  const releases = { plain: [] as string[], noShow: [] as string[] };
  const claims: AppointmentChange[] = [];
  const slotIds = new Set<string>();
  for (const change of changes) {
    const before = claimedSlot(change.before);
    const after = claimedSlot(change.after);
    if (before === after) continue;
    if (before) slotIds.add(before);
    if (after) {
      slotIds.add(after);
      claims.push(change);
    }
  }
  if (slotIds.size === 0) return { refusals, changed: [] };
  const slots = await slotsByIds(tx, [...slotIds]);

  for (const change of changes) {
    const before = claimedSlot(change.before);
    if (!before || before === claimedSlot(change.after)) continue;
    if (slots.get(before)?.appointment_id !== change.id) continue;
    (change.after.status === 'missed' && change.after._deleted !== true
      ? releases.noShow
      : releases.plain
    ).push(before);
  }
  const changed = new Map<string, SlotRow>();
  for (const row of await releaseSlots(tx, releases.noShow, true)) changed.set(row.id, row);
  for (const row of await releaseSlots(tx, releases.plain, false)) changed.set(row.id, row);

  for (const claim of claims) {
    const slotId = claimedSlot(claim.after) as string;
    const slot = changed.get(slotId) ?? slots.get(slotId) ?? null;
    const verdict = judgeClaim(slot, facilityId, claim.after);
    if (verdict === 'keep') continue;
    if (verdict !== 'book') {
      refusals.set(claim.id, verdict);
      continue;
    }
    const { rows } = await tx.query<SlotRow>(
      `UPDATE slots SET state = 'booked', appointment_id = $2, hold_until = NULL, patient_id = $3, purpose = $4,
              reference_id = coalesce($5, reference_id)
        WHERE id = $1 RETURNING ${SLOT_COLUMNS}`,
      [
        slotId,
        claim.id,
        String(claim.after.patientId),
        String(claim.after.purpose),
        typeof claim.after.referralId === 'string' ? claim.after.referralId : null,
      ],
    );
    if (rows[0]) changed.set(slotId, rows[0]);
  }
  return { refusals, changed: [...changed.values()] };
}

/** The appointment as the county keeps a refused booking: to be rebooked, with the reason. */
export function refusedAppointment(content: Content, refusal: SlotRefusal): Content {
  return { ...content, status: 'needs-rebooking', slotRefusal: refusal };
}

export async function writeBookedSlots(
  batch: WriteBatch,
  outcome: BookingOutcome,
  writer: Writer,
): Promise<void> {
  await writeSlotDocs(batch, outcome.changed, writer);
}
