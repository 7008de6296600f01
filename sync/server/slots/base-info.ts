/**
 * Base-information changes that apply at once (实时推送): a doctor's suspension
 * (停诊) and its end, a department renamed. Staff and facilities are reference
 * data every clinic pulls; a suspension also marks the doctor's slots from a
 * day on as 'suspended' (bookings kept, so lifting it restores them), and the
 * clinics holding those slots pull the change.
 */
import type { FacilityDoc } from '../../protocol/schema/facilities';
import type { StaffDoc } from '../../protocol/schema/people';
import type { Database } from '../db/driver';
import { EVERYONE } from '../replication/scope';
import { lockKeys, WriteBatch, type Writer } from '../replication/store';
import { SlotError } from './errors';
import { SLOT_COLUMNS, type SlotRow, writeSlotDocs } from './store';

export interface DoctorStatusChange {
  doctorId: string;
  suspended: boolean;
  /** Suspension: slots on this day and after (county-local YYYY-MM-DD). */
  from: string;
  /** When given, the doctor must belong to this facility (a hospital changing its own staff). */
  facilityId?: string;
}

/** Suspends or reinstates a doctor; returns how many of the doctor's slots changed. */
export async function setDoctorSuspended(
  db: Database,
  change: DoctorStatusChange,
  writer: Writer,
): Promise<number> {
  return db.transaction(async (tx) => {
    await lockKeys(tx, [`staff:${change.doctorId}`]);
    const { rows: found } = await tx.query<{ owner: string; data: StaffDoc }>(
      `SELECT owner, data FROM documents WHERE collection = 'staff' AND id = $1 AND NOT deleted`,
      [change.doctorId],
    );
    const staff = found[0];
    if (!staff || (change.facilityId && staff.owner !== change.facilityId)) {
      throw new SlotError('bad-request', `There is no doctor ${change.doctorId} at this facility.`);
    }
    const { rows: slots } = await tx.query<SlotRow>(
      change.suspended
        ? `UPDATE slots SET suspended = true WHERE doctor_id = $1 AND date >= $2 AND NOT suspended RETURNING ${SLOT_COLUMNS}`
        : `UPDATE slots SET suspended = false WHERE doctor_id = $1 AND suspended AND $2::text IS NOT NULL RETURNING ${SLOT_COLUMNS}`,
      [change.doctorId, change.from],
    );
    const batch = await WriteBatch.begin(tx);
    if (staff.data.suspended !== change.suspended) {
      const data = {
        ...staff.data,
        suspended: change.suspended,
        updatedAt: batch.time,
        updatedBy: writerName(writer),
      };
      await batch.write(
        'staff',
        [{ id: change.doctorId, owner: staff.owner, scope: [EVERYONE], deleted: false, data: data as never }],
        writer,
        'county',
      );
    }
    await writeSlotDocs(batch, slots, writer);
    await batch.notify();
    return slots.length;
  });
}

export async function renameDepartment(
  db: Database,
  change: { facilityId: string; departmentId: string; name: string },
  writer: Writer,
): Promise<void> {
  const name = change.name.trim();
  if (name === '' || name.length > 60)
    throw new SlotError('bad-request', 'A department name has 1 to 60 characters.');
  await db.transaction(async (tx) => {
    await lockKeys(tx, [`facilities:${change.facilityId}`]);
    const batch = await WriteBatch.begin(tx);
    const existing = await batch.load('facilities', [change.facilityId]);
    const facility = existing.get(change.facilityId);
    const doc = facility?.data as FacilityDoc | undefined;
    if (!facility || !doc) throw new SlotError('bad-request', 'This facility is not known to the county.');
    if (!doc.departments.some((d) => d.id === change.departmentId)) {
      throw new SlotError('bad-request', `There is no department ${change.departmentId} at ${doc.name}.`);
    }
    const departments = doc.departments.map((d) => (d.id === change.departmentId ? { ...d, name } : d));
    await batch.write(
      'facilities',
      [
        {
          id: facility.id,
          owner: facility.owner,
          scope: facility.scope,
          deleted: false,
          data: { ...doc, departments, updatedAt: batch.time, updatedBy: writerName(writer) } as never,
        },
      ],
      writer,
      'county',
    );
    await batch.notify();
  });
}

function writerName(writer: Writer): string {
  return writer.userId ?? 'county-admin';
}
