/**
 * The county's slot pool: publishing (API and file import share one path),
 * the online lock, confirmation and release, lapsed holds, the blacklist
 * policy, allocation rules, and the nightly upload report. Its clock is the
 * gateway's (the database clock unless a test replaces it); days are counted
 * in the county's time zone.
 */
import { randomUUID } from 'node:crypto';
import type { FacilityDoc } from '../../protocol/schema/facilities';
import type { StaffDoc } from '../../protocol/schema/people';
import {
  addDays,
  countyDate,
  type LockRequest,
  type LockResponse,
  type OpenSlot,
  type PoolOpenQuery,
  type PoolSummaryQuery,
  type PoolSummaryRow,
  type PublishedSlot,
  type PublishResponse,
  poolWindow,
  type ReleaseReason,
  type RowProblem,
  type SlotKind,
  type SlotPeriod,
  type SlotState,
} from '../../protocol/slots';
import { type Database, type Queryable, toIso, toNumber } from '../db/driver';
import { lockKeys, type Writer } from '../replication/store';
import { SlotError } from './errors';
import {
  type AllocationRule,
  allocateSession,
  type BlacklistPolicy,
  blacklistStatus,
  checkAllocationRule,
  checkBlacklistPolicy,
  checkPublishedRow,
  DEFAULT_BLACKLIST_POLICY,
  type Directory,
  deadlineOf,
  type GroupSlot,
  holdSeconds,
  lastNight,
  ruleFor,
  sessionKey,
  slotIdOf,
  type UploadStatus,
  uploadStatus,
} from './rules';
import {
  publishSlotChanges,
  RELEASE_SET,
  releaseSlots,
  SLOT_COLUMNS,
  SLOT_WRITER,
  type SlotRow,
  slotById,
} from './store';

export interface SlotOptions {
  /** The gateway clock; default the database's clock (shared by every gateway process). */
  clock?: () => Date;
  /** How often lapsed holds are given back; 0 = never (tests call `sweep()`). Default 30 s. */
  sweepIntervalMs?: number;
}

export const DEFAULT_SLOT_SWEEP_MS = 30_000;
const BLACKLIST_KEY = 'slots.blacklist';
const NO_BOOKING = {
  held_by: null,
  lock_id: null,
  hold_until: null,
  appointment_id: null,
  patient_id: null,
  purpose: null,
  reference_id: null,
} as const;
const ROW_CHUNK = 4000;

export interface PublishInput {
  hospitalId: string;
  rows: ReadonlyArray<Record<string, unknown>>;
  source: 'api' | 'import' | 'demo';
  userId: string;
  /** Row number reported for the i-th row (file lines; default the index). */
  rowNumber?: (index: number) => number;
  /** Problems found before these rows (unreadable cells of a file), reported with the rest. */
  earlierProblems?: RowProblem[];
}

export interface HospitalUpload {
  hospitalId: string;
  code: string;
  name: string;
  upload: UploadStatus;
}

export class SlotService {
  clock: (() => Date) | null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly db: Database,
    options: SlotOptions = {},
    private readonly log: (error: unknown) => void = () => {},
  ) {
    this.clock = options.clock ?? null;
    const interval = options.sweepIntervalMs ?? DEFAULT_SLOT_SWEEP_MS;
    if (interval > 0) {
      this.timer = setInterval(() => {
        this.sweep().catch((error: unknown) => this.log(error));
      }, interval);
      this.timer.unref?.();
    }
  }

  async now(tx: Queryable = this.db): Promise<Date> {
    if (this.clock) return this.clock();
    const { rows } = await tx.query<{ t: unknown }>(
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS t`,
    );
    return new Date(toIso(rows[0]?.t));
  }

  async today(tx: Queryable = this.db): Promise<string> {
    return countyDate(await this.now(tx));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping?.catch(() => {});
  }

  /* -------------------------------------------------------------------------------------- */
  /* Publishing                                                                             */
  /* -------------------------------------------------------------------------------------- */

  /**
   * Takes every valid row, reports every other one. Idempotent: a slot already
   * at the county keeps its mode, allocation and booking; only its time, fee and
   * green flag follow the new upload, and an unchanged slot gets no new seq.
   */
  async publish(input: PublishInput): Promise<PublishResponse> {
    const rowNumber = input.rowNumber ?? ((index: number) => index);
    return this.db.transaction(async (tx) => {
      await lockKeys(tx, [`slots-publish:${input.hospitalId}`]);
      const now = await this.now(tx);
      const window = poolWindow(countyDate(now));
      const directory = await directoryOf(tx, input.hospitalId);

      const rejected: RowProblem[] = [...(input.earlierProblems ?? [])];
      const valid: Array<{ id: string; slot: PublishedSlot & { number: number; green: boolean } }> = [];
      const seen = new Map<string, number>();
      input.rows.forEach((raw, index) => {
        const checked = checkPublishedRow(raw, directory, window);
        if (!checked.ok) {
          for (const problem of checked.problems) rejected.push({ row: rowNumber(index), ...problem });
          return;
        }
        const id = slotIdOf(input.hospitalId, checked.slot);
        const first = seen.get(id);
        if (first !== undefined) {
          rejected.push({
            row: rowNumber(index),
            field: 'number',
            reason: `the same slot (day, period, department, doctor, number) as row ${rowNumber(first)}`,
          });
          return;
        }
        seen.set(id, index);
        valid.push({ id, slot: checked.slot });
      });
      rejected.sort((a, b) => a.row - b.row);

      const counts = { created: 0, updated: 0, unchanged: 0, allocated: 0 };
      const changedRows: SlotRow[] = [];
      if (valid.length > 0) {
        const dates = valid.map((v) => v.slot.date).sort();
        const existing = await tx.query<{
          id: string;
          kind: string;
          date: string;
          period: string;
          department_id: string;
          doctor_id: string;
          start_time: string | null;
          number: number;
          fee_cents: number | null;
          green: boolean;
          allocated_to: string | null;
        }>(
          `SELECT id, kind, date, period, department_id, doctor_id, start_time, number, fee_cents, green, allocated_to
             FROM slots WHERE hospital_id = $1 AND date BETWEEN $2 AND $3`,
          [input.hospitalId, dates[0], dates[dates.length - 1]],
        );
        const known = new Map(existing.rows.map((row) => [row.id, row]));
        const rules = await allocationRules(tx, input.hospitalId);
        const suspendedDoctors = new Set(directory.doctors.filter((d) => d.suspended).map((d) => d.id));

        // Sessions: the county's slots of each session touched, plus the new ones.
        const sessions = new Map<string, { sample: PublishedSlot; slots: GroupSlot[] }>();
        const sessionOf = (slot: PublishedSlot) => {
          const key = sessionKey(input.hospitalId, slot);
          let session = sessions.get(key);
          if (!session) {
            session = { sample: slot, slots: [] };
            sessions.set(key, session);
          }
          return session;
        };
        for (const { id, slot } of valid) {
          if (!known.has(id)) {
            sessionOf(slot).slots.push({
              id,
              startTime: slot.startTime,
              number: slot.number,
              green: slot.green,
            });
          }
        }
        for (const row of known.values()) {
          const key = sessionKey(input.hospitalId, {
            kind: row.kind as SlotKind,
            date: row.date,
            period: row.period as SlotPeriod,
            departmentId: row.department_id,
            doctorId: row.doctor_id,
          });
          sessions.get(key)?.slots.push({
            id: row.id,
            startTime: row.start_time ?? undefined,
            number: row.number,
            green: row.green,
            existing: { allocatedTo: row.allocated_to },
          });
        }
        const allocation = new Map<string, string | null>();
        const dealt = new Map<string, number>();
        for (const { sample, slots } of sessions.values()) {
          for (const [id, to] of allocateSession(slots, ruleFor(rules, sample), dealt))
            allocation.set(id, to);
        }

        const createdAt = now.toISOString();
        const inserts: SlotRow[] = [];
        const updates: Array<Pick<SlotRow, 'id' | 'start_time' | 'fee_cents' | 'green'>> = [];
        for (const { id, slot } of valid) {
          const before = known.get(id);
          const fields = {
            id,
            start_time: slot.startTime ?? null,
            fee_cents: slot.feeCents ?? null,
            green: slot.green,
          };
          if (!before) {
            const to = allocation.get(id) ?? null;
            if (to) counts.allocated += 1;
            inserts.push({
              ...fields,
              hospital_id: input.hospitalId,
              kind: slot.kind,
              date: slot.date,
              period: slot.period,
              department_id: slot.departmentId,
              doctor_id: slot.doctorId ?? '',
              number: slot.number,
              mode: to ? 'quota' : 'online',
              allocated_to: to,
              state: 'open',
              suspended: suspendedDoctors.has(slot.doctorId ?? ''),
              ...NO_BOOKING,
              created_at: createdAt,
              created_by: input.userId,
            });
          } else if (
            before.start_time !== fields.start_time ||
            before.fee_cents !== fields.fee_cents ||
            before.green !== fields.green
          ) {
            updates.push(fields);
          } else counts.unchanged += 1;
        }
        counts.created = inserts.length;
        counts.updated = updates.length;
        // New rows are known in full here: no RETURNING, the documents are made from them. One
        // statement per chunk, columns as arrays (cheaper to send and parse than JSON rows).
        for (let start = 0; start < inserts.length; start += ROW_CHUNK) {
          const chunk = inserts.slice(start, start + ROW_CHUNK);
          const column = <K extends keyof SlotRow>(key: K) => chunk.map((row) => row[key]);
          await tx.query(
            `INSERT INTO slots (id, hospital_id, kind, date, period, start_time, department_id, doctor_id, number,
                                fee_cents, green, mode, allocated_to, state, suspended, created_at, created_by)
             SELECT u.id, $1, u.kind, u.date, u.period, u.start_time, u.department_id, u.doctor_id, u.number,
                    u.fee_cents, u.green, u.mode, u.allocated_to, 'open', u.suspended, $2::timestamptz, $3
               FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                           $11::int[], $12::int[], $13::bool[], $14::text[], $15::text[], $16::bool[])
                 AS u(id, kind, date, period, start_time, department_id, doctor_id, number, fee_cents, green, mode,
                      allocated_to, suspended)`,
            [
              input.hospitalId,
              createdAt,
              input.userId,
              column('id'),
              column('kind'),
              column('date'),
              column('period'),
              column('start_time'),
              column('department_id'),
              column('doctor_id'),
              column('number'),
              column('fee_cents'),
              column('green'),
              column('mode'),
              column('allocated_to'),
              column('suspended'),
            ],
          );
        }
        changedRows.push(...inserts);
        for (let start = 0; start < updates.length; start += ROW_CHUNK) {
          const { rows } = await tx.query<SlotRow>(
            `UPDATE slots AS s SET start_time = r.start_time, fee_cents = r.fee_cents, green = r.green
               FROM jsonb_to_recordset($1::text::jsonb) AS r(id text, start_time text, fee_cents integer, green boolean)
              WHERE s.id = r.id
             RETURNING ${SLOT_COLUMNS.split(',')
               .map((c) => `s.${c.trim()}`)
               .join(', ')}`,
            [JSON.stringify(updates.slice(start, start + ROW_CHUNK))],
          );
          changedRows.push(...rows);
        }
      }

      const writer: Writer = { facilityId: input.hospitalId, deviceId: null, userId: input.userId };
      await publishSlotChanges(tx, changedRows, writer);
      await tx.query(
        `INSERT INTO slot_uploads (hospital_id, at, source, created, updated, unchanged, rejected)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          input.hospitalId,
          now.toISOString(),
          input.source,
          counts.created,
          counts.updated,
          counts.unchanged,
          new Set(rejected.map((r) => r.row)).size,
        ],
      );
      return { ...counts, rejected };
    });
  }

  /* -------------------------------------------------------------------------------------- */
  /* Online pool                                                                             */
  /* -------------------------------------------------------------------------------------- */

  async poolSummary(query: PoolSummaryQuery): Promise<PoolSummaryRow[]> {
    const now = await this.now();
    const window = poolWindow(countyDate(now));
    const from = query.from && query.from > window.from ? query.from : window.from;
    const to = query.to ?? window.to;
    const { rows } = await this.db.query<PoolSummaryRow & { open: unknown }>(
      `SELECT s.hospital_id AS "hospitalId", s.department_id AS "departmentId", s.date, s.period, s.kind,
              count(*) AS open
         FROM slots s JOIN facilities f ON f.id = s.hospital_id AND NOT f.offline
        WHERE s.mode = 'online' AND NOT s.suspended AND s.date BETWEEN $1 AND $2
          AND (s.state = 'open' OR (s.state = 'held' AND s.hold_until <= $3))
          AND ($4::text IS NULL OR s.hospital_id = $4) AND ($5::text IS NULL OR s.kind = $5)
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 3, 2, 4, 5`,
      [from, to, now.toISOString(), query.hospitalId ?? null, query.kind ?? null],
    );
    return rows.map((row) => ({ ...row, open: toNumber(row.open) }));
  }

  async poolOpen(query: PoolOpenQuery): Promise<OpenSlot[]> {
    const now = await this.now();
    const today = countyDate(now);
    const { rows } = await this.db.query<SlotRow>(
      `SELECT ${SLOT_COLUMNS.split(',')
        .map((c) => `s.${c.trim()}`)
        .join(', ')}
         FROM slots s JOIN facilities f ON f.id = s.hospital_id AND NOT f.offline
        WHERE s.hospital_id = $1 AND s.mode = 'online' AND NOT s.suspended AND s.date >= $2
          AND (s.state = 'open' OR (s.state = 'held' AND s.hold_until <= $3))
          AND ($4::text IS NULL OR s.department_id = $4) AND ($5::text IS NULL OR s.date = $5)
          AND ($6::text IS NULL OR s.kind = $6)
        ORDER BY s.date, s.period, s.start_time, s.number
        LIMIT 2000`,
      [
        query.hospitalId,
        today,
        now.toISOString(),
        query.departmentId ?? null,
        query.date ?? null,
        query.kind ?? null,
      ],
    );
    return rows.map((row) => ({
      slotId: row.id,
      hospitalId: row.hospital_id,
      kind: row.kind,
      departmentId: row.department_id,
      ...(row.doctor_id ? { doctorId: row.doctor_id } : {}),
      date: row.date,
      period: row.period,
      ...(row.start_time ? { startTime: row.start_time } : {}),
      number: row.number,
      ...(row.fee_cents !== null ? { feeCents: row.fee_cents } : {}),
      green: row.green,
    }));
  }

  /**
   * Holds an online slot: one conditional UPDATE, so of many concurrent
   * requests (in any number of gateway processes) exactly one finds the slot
   * open; the others find it held and are told it is taken.
   */
  async lock(facilityId: string, userId: string, request: LockRequest): Promise<LockResponse> {
    const seconds = holdSeconds(request.holdSeconds);
    if (typeof seconds === 'string') throw new SlotError('bad-request', seconds);
    return this.db.transaction(async (tx) => {
      // One round trip for what the lock decides on: the clock, the patient's no-shows, the policy.
      const { rows: facts } = await tx.query<{ t: unknown; dates: string[] | null; policy: string | null }>(
        `SELECT date_trunc('milliseconds', clock_timestamp()) AS t,
                ARRAY(SELECT date FROM slot_no_shows WHERE patient_id = $1) AS dates,
                (SELECT value FROM settings WHERE key = $2) AS policy`,
        [request.patientId, BLACKLIST_KEY],
      );
      const now = this.clock ? this.clock() : new Date(toIso(facts[0]?.t));
      const today = countyDate(now);
      const block = blacklistStatus(facts[0]?.dates ?? [], policyOf(facts[0]?.policy ?? null), today);
      if (block.blocked) {
        throw new SlotError(
          'patient-blacklisted',
          `This patient missed too many appointments; online booking opens again on ${block.until}.`,
          { blockedUntil: block.until },
        );
      }
      const lockId = randomUUID();
      const holdUntil = new Date(now.getTime() + seconds * 1000).toISOString();
      // SKIP LOCKED: while another request is taking this slot, the rest are told at once that it is
      // taken instead of queueing behind it; once it commits the row no longer matches anyway.
      const { rows } = await tx.query<SlotRow>(
        `UPDATE slots SET state = 'held', held_by = $2, lock_id = $3, hold_until = $4, appointment_id = NULL,
                patient_id = $5, purpose = $6, reference_id = $7
          WHERE id = (SELECT id FROM slots
                       WHERE id = $1 AND mode = 'online' AND NOT suspended AND date >= $8
                         AND (state = 'open' OR (state = 'held' AND hold_until <= $9))
                       FOR UPDATE SKIP LOCKED)
        RETURNING ${SLOT_COLUMNS}`,
        [
          request.slotId,
          facilityId,
          lockId,
          holdUntil,
          request.patientId,
          request.purpose,
          request.referenceId ?? null,
          today,
          now.toISOString(),
        ],
      );
      const won = rows[0];
      if (!won) throw explainUnavailable(await slotById(tx, request.slotId), facilityId, today, now);
      await publishSlotChanges(tx, [won], { facilityId, deviceId: null, userId });
      return { slotId: won.id, lockId, holdUntil };
    });
  }

  /** The hold becomes a booking for this appointment. A repeated confirm answers the same. */
  async confirm(
    facilityId: string,
    userId: string,
    request: { slotId: string; lockId: string; appointmentId: string },
  ): Promise<{ slotId: string; state: 'booked'; appointmentId: string }> {
    return this.db.transaction(async (tx) => {
      const now = await this.now(tx);
      const { rows } = await tx.query<SlotRow>(
        `UPDATE slots SET state = 'booked', appointment_id = $4, hold_until = NULL
          WHERE id = $1 AND lock_id = $2 AND held_by = $3 AND state = 'held' AND hold_until > $5
        RETURNING ${SLOT_COLUMNS}`,
        [request.slotId, request.lockId, facilityId, request.appointmentId, now.toISOString()],
      );
      const booked = rows[0];
      if (booked) {
        await publishSlotChanges(tx, [booked], { facilityId, deviceId: null, userId });
        return { slotId: booked.id, state: 'booked', appointmentId: request.appointmentId };
      }
      const slot = await slotById(tx, request.slotId);
      if (!slot) throw new SlotError('slot-unknown', `There is no slot ${request.slotId}.`);
      if (slot.lock_id === request.lockId && slot.held_by === facilityId) {
        if (slot.state === 'booked' && slot.appointment_id === request.appointmentId) {
          return { slotId: slot.id, state: 'booked', appointmentId: request.appointmentId };
        }
        if (slot.state === 'held') {
          throw new SlotError(
            'hold-expired',
            'The hold on this slot lapsed before it was confirmed; lock it again.',
          );
        }
      }
      throw new SlotError(
        'lock-unknown',
        'This hold is no longer yours (it lapsed and the slot was taken, or released); choose a slot again.',
      );
    });
  }

  /**
   * Gives a held or booked slot back: the holder with its lockId or
   * appointmentId, or the owning hospital (no-show, rejection, discharge). A
   * released slot is open again for whoever it belongs to (quota: its facility).
   */
  async release(
    facilityId: string,
    userId: string,
    request: {
      slotId: string;
      lockId?: string;
      appointmentId?: string;
      reason: Exclude<ReleaseReason, 'expired'>;
    },
  ): Promise<{ slotId: string; state: SlotState }> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<SlotRow>(`SELECT ${SLOT_COLUMNS} FROM slots WHERE id = $1 FOR UPDATE`, [
        request.slotId,
      ]);
      const slot = rows[0];
      if (!slot) throw new SlotError('slot-unknown', `There is no slot ${request.slotId}.`);
      const shown = (row: SlotRow): SlotState => (row.suspended ? 'suspended' : row.state);
      if (slot.state === 'open') return { slotId: slot.id, state: shown(slot) };
      const isOwner = slot.hospital_id === facilityId;
      const holder = slot.mode === 'online' ? slot.held_by : slot.allocated_to;
      const provesHold =
        holder === facilityId &&
        ((request.lockId !== undefined && request.lockId === slot.lock_id) ||
          (request.appointmentId !== undefined && request.appointmentId === slot.appointment_id));
      if (!isOwner && !provesHold) {
        throw new SlotError(
          'slot-not-yours',
          'Only the facility holding this slot (with its lock or appointment) or the hospital may release it.',
        );
      }
      if (request.reason === 'no-show' && slot.state !== 'booked') {
        throw new SlotError('bad-request', 'A no-show is recorded against a booked slot only.');
      }
      const released = await releaseSlots(tx, [slot.id], request.reason === 'no-show');
      await publishSlotChanges(tx, released, { facilityId, deviceId: null, userId });
      const after = released[0] ?? slot;
      return { slotId: after.id, state: shown(after) };
    });
  }

  /** Gives back every lapsed hold; returns how many. One sweep at a time per process. */
  sweep(): Promise<number> {
    if (this.sweeping) return this.sweeping;
    this.sweeping = this.db
      .transaction(async (tx) => {
        const now = await this.now(tx);
        const { rows } = await tx.query<SlotRow>(
          `UPDATE slots SET ${RELEASE_SET}
            WHERE id IN (SELECT id FROM slots WHERE state = 'held' AND hold_until <= $1 ORDER BY id FOR UPDATE SKIP LOCKED)
          RETURNING ${SLOT_COLUMNS}`,
          [now.toISOString()],
        );
        await publishSlotChanges(tx, rows, SLOT_WRITER);
        return rows.length;
      })
      .finally(() => {
        this.sweeping = null;
      });
    return this.sweeping;
  }

  /* -------------------------------------------------------------------------------------- */
  /* Configuration and the nightly report                                                   */
  /* -------------------------------------------------------------------------------------- */

  async policy(tx: Queryable = this.db): Promise<BlacklistPolicy> {
    const { rows } = await tx.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [
      BLACKLIST_KEY,
    ]);
    return policyOf(rows[0]?.value ?? null);
  }

  async setPolicy(policy: BlacklistPolicy): Promise<void> {
    const problem = checkBlacklistPolicy(policy);
    if (problem) throw new SlotError('bad-request', problem);
    await this.db.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [BLACKLIST_KEY, JSON.stringify(policy)],
    );
  }

  async setRule(rule: AllocationRule): Promise<void> {
    const problem = checkAllocationRule(rule);
    if (problem) throw new SlotError('bad-request', problem);
    const { rows } = await this.db.query<{ id: string; level: string }>(
      'SELECT id, level FROM facilities WHERE id = ANY($1::text[])',
      [rule.facilityIds],
    );
    const primary = new Set(
      rows.filter((r) => r.level === 'village' || r.level === 'township').map((r) => r.id),
    );
    const wrong = rule.facilityIds.filter((id) => !primary.has(id));
    if (wrong.length > 0) {
      throw new SlotError(
        'bad-request',
        `quota goes to primary (village or township) facilities only: ${wrong.join(', ')}`,
      );
    }
    await this.db.query(
      `INSERT INTO slot_allocation_rules (hospital_id, kind, department_id, doctor_id, share, facility_ids)
       VALUES ($1, $2, $3, $4, $5, $6::text[])
       ON CONFLICT (hospital_id, kind, department_id, doctor_id)
       DO UPDATE SET share = EXCLUDED.share, facility_ids = EXCLUDED.facility_ids, updated_at = now()`,
      [rule.hospitalId, rule.kind, rule.departmentId, rule.doctorId, rule.share, rule.facilityIds],
    );
  }

  async dropRule(
    rule: Pick<AllocationRule, 'hospitalId' | 'kind' | 'departmentId' | 'doctorId'>,
  ): Promise<boolean> {
    const { rows } = await this.db.query(
      `DELETE FROM slot_allocation_rules
        WHERE hospital_id = $1 AND kind = $2 AND department_id = $3 AND doctor_id = $4 RETURNING 1`,
      [rule.hospitalId, rule.kind, rule.departmentId, rule.doctorId],
    );
    return rows.length > 0;
  }

  rules(hospitalId?: string): Promise<AllocationRule[]> {
    return allocationRules(this.db, hospitalId);
  }

  /**
   * Which hospitals uploaded for `night` (default: the last night whose 01:00
   * deadline has passed) on time, late, or not at all. Expected: every
   * county/city hospital online, and any facility that published hospital
   * slots in the past week.
   */
  async uploadReport(night?: string): Promise<{ night: string; hospitals: HospitalUpload[] }> {
    const now = await this.now();
    const chosen = night ?? lastNight(now, countyDate(now));
    const { rows } = await this.db.query<{ id: string; code: string; name: string; times: unknown[] | null }>(
      `SELECT f.id, f.code, f.name,
              ARRAY(SELECT u.at FROM slot_uploads u
                      WHERE u.hospital_id = f.id AND u.at > $1 AND u.created + u.updated + u.unchanged > 0
                      ORDER BY u.at) AS times
         FROM facilities f
        WHERE NOT f.offline AND (f.level IN ('county', 'city') OR EXISTS (
                SELECT 1 FROM slots s WHERE s.hospital_id = f.id AND s.kind <> 'virtual' AND s.date >= $2))
        ORDER BY f.code`,
      [deadlineOf(addDays(chosen, -1)).toISOString(), addDays(chosen, -7)],
    );
    return {
      night: chosen,
      hospitals: rows.map((row) => ({
        hospitalId: row.id,
        code: row.code,
        name: row.name,
        upload: uploadStatus((row.times ?? []).map(toIso), chosen),
      })),
    };
  }
}

/** Why a lock found no open slot: each cause its own code and sentence. */
function explainUnavailable(slot: SlotRow | null, facilityId: string, today: string, now: Date): SlotError {
  if (!slot) return new SlotError('slot-unknown', 'There is no such slot at the county.');
  if (slot.mode === 'quota') {
    return slot.allocated_to === facilityId
      ? new SlotError(
          'slot-is-quota',
          'This slot is allocated to your facility: book it as an appointment, no lock needed.',
        )
      : new SlotError('slot-not-yours', 'This slot is allocated to another facility.');
  }
  if (slot.suspended) return new SlotError('slot-suspended', 'The doctor has suspended this session (停诊).');
  if (slot.date < today)
    return new SlotError('slot-past', `This slot was for ${slot.date}, which has passed.`);
  // Still open: another request has it locked and is taking it this instant.
  if (slot.state === 'open') {
    return new SlotError('slot-taken', 'Another booking is taking this slot right now; choose another one.');
  }
  const until = slot.hold_until ? toIso(slot.hold_until) : null;
  return new SlotError(
    'slot-taken',
    slot.state === 'booked' || !until || new Date(until) <= now
      ? 'Another booking took this slot; choose another one.'
      : slot.held_by === facilityId
        ? `Another booking of your facility is holding this slot until ${until}; choose another one.`
        : `Another facility is holding this slot until ${until}; choose another one.`,
  );
}

export interface DirectoryWithSuspension extends Directory {
  doctors: Array<{ id: string; name: string; departmentId?: string | undefined; suspended: boolean }>;
}

/** The facility's level, departments (from its facility document) and staff, as rows are checked against. */
export async function directoryOf(tx: Queryable, facilityId: string): Promise<DirectoryWithSuspension> {
  const { rows } = await tx.query<{ collection: string; data: Record<string, unknown> }>(
    `SELECT collection, data FROM documents
      WHERE NOT deleted AND ((collection = 'facilities' AND id = $1) OR (collection = 'staff' AND owner = $1))`,
    [facilityId],
  );
  const facility = rows.find((row) => row.collection === 'facilities')?.data as FacilityDoc | undefined;
  if (!facility) throw new SlotError('not-publisher', 'This facility is not known to the county.');
  return {
    facilityLevel: facility.level,
    departments: facility.departments,
    doctors: rows
      .filter((row) => row.collection === 'staff')
      .map((row) => row.data as unknown as StaffDoc)
      .map((staff) => ({
        id: staff.id,
        name: staff.name,
        departmentId: staff.departmentId,
        suspended: staff.suspended,
      })),
  };
}

async function allocationRules(tx: Queryable, hospitalId?: string): Promise<AllocationRule[]> {
  const { rows } = await tx.query<{
    hospital_id: string;
    kind: AllocationRule['kind'];
    department_id: string;
    doctor_id: string;
    share: unknown;
    facility_ids: string[];
  }>(
    `SELECT hospital_id, kind, department_id, doctor_id, share, facility_ids FROM slot_allocation_rules
      WHERE $1::text IS NULL OR hospital_id = $1 ORDER BY hospital_id, kind, department_id, doctor_id`,
    [hospitalId ?? null],
  );
  return rows.map((row) => ({
    hospitalId: row.hospital_id,
    kind: row.kind,
    departmentId: row.department_id,
    doctorId: row.doctor_id,
    share: toNumber(row.share),
    facilityIds: row.facility_ids,
  }));
}

function policyOf(stored: string | null): BlacklistPolicy {
  return stored
    ? { ...DEFAULT_BLACKLIST_POLICY, ...(JSON.parse(stored) as BlacklistPolicy) }
    : DEFAULT_BLACKLIST_POLICY;
}
