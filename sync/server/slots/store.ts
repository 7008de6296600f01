/**
 * The `slots` table and the `slots` documents clinics pull. Every change to a
 * slot row is followed, in the same transaction, by a rewrite of its document
 * through the county write path (new county_seq), so clinics in its scope pull
 * the change. Lock order: slot rows first, then the county write lock
 * (WriteBatch.begin); never the other way round, or a lock attempt holding a
 * slot row and a push holding the write lock could wait on each other.
 */
import type { SlotDoc } from '../../protocol/schema/scheduling';
import { type Queryable, toIso } from '../db/driver';
import { documentScope } from '../replication/scope';
import { type PendingWrite, WriteBatch, type Writer } from '../replication/store';

/** The gateway's own slot writes (holds lapsing, bookings judged at push). */
export const SLOT_WRITER: Writer = { facilityId: null, deviceId: null, userId: 'county-gateway' };

export interface SlotRow {
  id: string;
  hospital_id: string;
  kind: SlotDoc['kind'];
  date: string;
  period: SlotDoc['period'];
  start_time: string | null;
  department_id: string;
  doctor_id: string;
  number: number;
  fee_cents: number | null;
  green: boolean;
  mode: SlotDoc['mode'];
  allocated_to: string | null;
  state: 'open' | 'held' | 'booked';
  suspended: boolean;
  held_by: string | null;
  lock_id: string | null;
  hold_until: unknown;
  appointment_id: string | null;
  patient_id: string | null;
  purpose: string | null;
  reference_id: string | null;
  created_at: unknown;
  created_by: string;
}

export const SLOT_COLUMNS = `id, hospital_id, kind, date, period, start_time, department_id, doctor_id, number,
  fee_cents, green, mode, allocated_to, state, suspended, held_by, lock_id, hold_until, appointment_id,
  patient_id, purpose, reference_id, created_at, created_by`;

/** The document clinics see: a suspension shows as the state, the booking's patient never leaves the county. */
export function slotDocOf(row: SlotRow, time: string, updatedBy: string): SlotDoc {
  const holder = row.mode === 'online' && row.state !== 'open' ? row.held_by : null;
  return {
    id: row.id,
    facilityId: row.hospital_id,
    createdAt: toIso(row.created_at),
    updatedAt: time,
    createdBy: row.created_by,
    updatedBy,
    kind: row.kind,
    mode: row.mode,
    ...(row.allocated_to ? { allocatedTo: row.allocated_to } : {}),
    date: row.date,
    period: row.period,
    ...(row.start_time ? { startTime: row.start_time } : {}),
    departmentId: row.department_id,
    ...(row.doctor_id ? { doctorId: row.doctor_id } : {}),
    number: row.number,
    ...(row.fee_cents !== null ? { feeCents: row.fee_cents } : {}),
    green: row.green,
    state: row.suspended ? 'suspended' : row.state,
    ...(holder ? { heldBy: holder } : {}),
    ...(holder && row.state === 'held' && row.hold_until ? { holdUntil: toIso(row.hold_until) } : {}),
  };
}

const DOC_CHUNK = 2000;

/** Writes the documents of these slot rows (and, already written, of nothing else). */
export async function writeSlotDocs(
  batch: WriteBatch,
  rows: readonly SlotRow[],
  writer: Writer,
): Promise<void> {
  const updatedBy = writer.userId ?? SLOT_WRITER.userId ?? 'county-gateway';
  for (let start = 0; start < rows.length; start += DOC_CHUNK) {
    const docs: PendingWrite[] = rows.slice(start, start + DOC_CHUNK).map((row) => {
      const data = slotDocOf(row, batch.time, updatedBy) as unknown as Record<string, unknown>;
      return {
        id: row.id,
        owner: row.hospital_id,
        scope: documentScope('slots', data),
        deleted: false,
        data,
      };
    });
    await batch.write('slots', docs, writer, 'county');
  }
}

/** Takes the county write lock, writes the changed slots' documents and queues the NOTIFY. */
export async function publishSlotChanges(
  tx: Queryable,
  rows: readonly SlotRow[],
  writer: Writer,
): Promise<WriteBatch | null> {
  if (rows.length === 0) return null;
  const batch = await WriteBatch.begin(tx);
  await writeSlotDocs(batch, rows, writer);
  await batch.notify();
  return batch;
}

export async function slotById(tx: Queryable, id: string): Promise<SlotRow | null> {
  const { rows } = await tx.query<SlotRow>(`SELECT ${SLOT_COLUMNS} FROM slots WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

export async function slotsByIds(tx: Queryable, ids: readonly string[]): Promise<Map<string, SlotRow>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<SlotRow>(
    `SELECT ${SLOT_COLUMNS} FROM slots WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** The slot given back: open again for its allocated facility (quota) or the pool (online). */
export const RELEASE_SET = `state = 'open', held_by = NULL, lock_id = NULL, hold_until = NULL,
  appointment_id = NULL, patient_id = NULL, purpose = NULL, reference_id = NULL`;

/** Releases these slots; a no-show is remembered for the blacklist. Returns the released rows. */
export async function releaseSlots(
  tx: Queryable,
  ids: readonly string[],
  noShow: boolean,
): Promise<SlotRow[]> {
  if (ids.length === 0) return [];
  if (noShow) {
    await tx.query(
      `INSERT INTO slot_no_shows (patient_id, slot_id, hospital_id, date)
       SELECT patient_id, id, hospital_id, date FROM slots
        WHERE id = ANY($1::text[]) AND state = 'booked' AND patient_id IS NOT NULL
       ON CONFLICT DO NOTHING`,
      [[...ids]],
    );
  }
  const { rows } = await tx.query<SlotRow>(
    `UPDATE slots SET ${RELEASE_SET} WHERE id = ANY($1::text[]) AND state <> 'open' RETURNING ${SLOT_COLUMNS}`,
    [[...ids]],
  );
  return rows;
}
