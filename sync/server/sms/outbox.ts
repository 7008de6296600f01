/**
 * The patient SMS outbox (短信通知). `enqueueSms` runs inside the transaction
 * that judges referral commands, so a message exists exactly when its command
 * was judged (one per command: `command_id` is unique). `SmsOutbox` is the
 * sender loop: it claims due messages with SKIP LOCKED (several gateway
 * processes never send the same message), hands them to the `SmsSender`
 * adapter, and records sent / retry with backoff / failed per message.
 */
import { randomUUID } from 'node:crypto';
import { checkPhone } from '../../protocol/identity/phone';
import type { ReferralDoc } from '../../protocol/schema/referrals';
import type { Database, Queryable } from '../db/driver';
import { toIso } from '../db/driver';
import { listFacilities, RegistryError } from '../facilities/registry';
import type { CommandJudgement } from '../referrals/apply';
import type { Content } from '../replication/scope';
import { loadDocs } from '../replication/store';
import { PermanentSmsError, type SmsSender } from './senders';
import { type SmsKind, smsKindOf, smsText, type VisitDetails } from './templates';

export const SMS_STATUSES = ['pending', 'sending', 'sent', 'failed', 'no-phone'] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

export const SMS_MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 30 * 60_000;
/** A claimed message is the claimant's for this long; after it, another sender may take it. */
const LEASE_MS = 2 * 60_000;

/** Wait before attempt `attempts + 1`: 30 s, 1, 2, 4, 8, 16 min, then 30 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** A mobile number that can take an SMS, or why not. */
export function smsPhone(raw: unknown): { ok: true; phone: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false, reason: 'The patient record has no phone number.' };
  }
  const checked = checkPhone(raw);
  if (!checked.ok || !checked.value.startsWith('1')) {
    return { ok: false, reason: 'The patient’s phone number is not a mobile number; no SMS can reach it.' };
  }
  return { ok: true, phone: checked.value };
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** The patient record to reach: a merged duplicate points at the record that survived. */
async function patientsOf(tx: Queryable, ids: string[]): Promise<Map<string, Content>> {
  const found = await loadDocs(tx, 'patients', ids);
  const survivors = [...found.values()]
    .map((doc) => str(doc.data.mergedInto))
    .filter((id): id is string => id !== undefined);
  const merged = await loadDocs(tx, 'patients', survivors);
  const result = new Map<string, Content>();
  for (const [id, doc] of found) {
    const into = str(doc.data.mergedInto);
    result.set(id, (into ? merged.get(into)?.data : undefined) ?? doc.data);
  }
  return result;
}

interface Lookup {
  facilityName: Map<string, string>;
  departmentName: Map<string, string>;
  staffName: Map<string, string>;
  slots: Map<string, Content>;
}

/**
 * Where and when the patient goes: the arrangement the receiving side made,
 * else the booked slot. Arrangement fields are free-form (the state machine
 * keeps the payload): department / departmentId, doctor / doctorName / doctorId,
 * scheduledAt / plannedAt / time.
 */
function visitOf(referral: ReferralDoc, kind: SmsKind, lookup: Lookup): VisitDetails {
  const accepted = referral.acceptedFacilityId;
  const showsAccepted = accepted && kind !== 'submitted' && kind !== 'rejected' && kind !== 'auto-rejected';
  const institutions = (showsAccepted ? [accepted] : referral.targetFacilityIds).map(
    (id) => lookup.facilityName.get(id) ?? id,
  );
  if (kind === 'submitted' || kind === 'rejected' || kind === 'auto-rejected') return { institutions };
  const arrangement = referral.arrangement ?? {};
  const slot = referral.slotId ? lookup.slots.get(referral.slotId) : undefined;
  const departmentId = str(arrangement.departmentId) ?? str(slot?.departmentId);
  const doctorId = str(arrangement.doctorId) ?? str(slot?.doctorId);
  const department =
    str(arrangement.department) ?? (departmentId ? lookup.departmentName.get(departmentId) : undefined);
  const doctor =
    str(arrangement.doctor) ??
    str(arrangement.doctorName) ??
    (doctorId ? lookup.staffName.get(doctorId) : undefined);
  const at = str(arrangement.scheduledAt) ?? str(arrangement.plannedAt) ?? str(arrangement.time);
  const slotDate = str(slot?.date);
  const time: VisitDetails['time'] = at
    ? { at }
    : slotDate
      ? {
          date: slotDate,
          ...(str(slot?.period) ? { period: String(slot?.period) } : {}),
          ...(str(slot?.startTime) ? { startTime: String(slot?.startTime) } : {}),
        }
      : undefined;
  return {
    institutions,
    ...(department ? { department } : {}),
    ...(doctor ? { doctor } : {}),
    ...(time ? { time } : {}),
  };
}

async function lookupFor(tx: Queryable, referrals: ReferralDoc[]): Promise<Lookup> {
  const facilityIds = new Set<string>();
  const slotIds: string[] = [];
  const staffIds = new Set<string>();
  for (const referral of referrals) {
    facilityIds.add(referral.facilityId);
    for (const id of referral.targetFacilityIds) facilityIds.add(id);
    if (referral.slotId) slotIds.push(referral.slotId);
    const doctorId = str(referral.arrangement?.doctorId);
    if (doctorId) staffIds.add(doctorId);
  }
  const slots = new Map(
    [...(await loadDocs(tx, 'slots', slotIds)).values()].map((doc) => [doc.id, doc.data] as const),
  );
  for (const slot of slots.values()) if (str(slot.doctorId)) staffIds.add(String(slot.doctorId));
  // One transaction is one connection: its queries run one after another anyway.
  const facilities = await listFacilities(tx, [...facilityIds]);
  const facilityDocs = await loadDocs(tx, 'facilities', [...facilityIds]);
  const staff = await loadDocs(tx, 'staff', [...staffIds]);
  const departmentName = new Map<string, string>();
  for (const doc of facilityDocs.values()) {
    const departments = Array.isArray(doc.data.departments) ? doc.data.departments : [];
    for (const d of departments as Array<{ id?: unknown; name?: unknown }>) {
      if (typeof d.id === 'string' && typeof d.name === 'string') departmentName.set(d.id, d.name);
    }
  }
  return {
    facilityName: new Map(facilities.map((f) => [f.id, f.name])),
    departmentName,
    staffName: new Map([...staff.values()].map((doc) => [doc.id, String(doc.data.name ?? '')])),
    slots,
  };
}

/**
 * Queues the patient messages of these judgements, in the caller's
 * transaction. Returns how many were new (a command already queued adds none).
 */
export async function enqueueSms(tx: Queryable, judgements: readonly CommandJudgement[]): Promise<number> {
  const due = judgements
    .map((j) => ({
      judgement: j,
      kind: smsKindOf(
        {
          command: String(j.command.command),
          payload: (j.command.payload as Record<string, unknown> | undefined) ?? {},
        },
        j.decision.ok,
        j.events,
      ),
    }))
    .filter((entry): entry is { judgement: CommandJudgement; kind: SmsKind } => entry.kind !== null);
  if (due.length === 0) return 0;
  const referrals = due.map(({ judgement }) => judgement.referral.data as unknown as ReferralDoc);
  const patients = await patientsOf(
    tx,
    referrals.map((r) => r.patientId),
  );
  const lookup = await lookupFor(tx, referrals);
  const rows = due.map(({ judgement, kind }, index) => {
    const referral = referrals[index] as ReferralDoc;
    const patient = patients.get(referral.patientId);
    const phone = smsPhone(patient?.phone);
    const body = smsText(kind, {
      patientName: str(patient?.name) ?? '',
      serialNo: referral.serialNo,
      referrer: lookup.facilityName.get(referral.facilityId) ?? '',
      visit: visitOf(referral, kind, lookup),
    });
    return {
      id: randomUUID(),
      command_id: String(judgement.command.id),
      referral_id: referral.id,
      facility_id: referral.facilityId,
      patient_id: referral.patientId,
      kind,
      phone: phone.ok ? phone.phone : null,
      body,
      status: phone.ok ? 'pending' : 'no-phone',
      last_error: phone.ok ? null : phone.reason,
      // The gateway clock of the judgement (the database's, or a test's): due at once on that clock.
      at: (judgement.command.outcome as { appliedAt?: string } | undefined)?.appliedAt ?? null,
    };
  });
  const { rows: inserted } = await tx.query(
    `INSERT INTO sms_outbox (id, command_id, referral_id, facility_id, patient_id, kind, phone, body, status,
                             last_error, created_at, next_attempt_at)
     SELECT r.id, r.command_id, r.referral_id, r.facility_id, r.patient_id, r.kind, r.phone, r.body, r.status,
            r.last_error, COALESCE(r.at, now()), COALESCE(r.at, now())
       FROM jsonb_to_recordset($1::text::jsonb) AS r(id text, command_id text, referral_id text, facility_id text,
            patient_id text, kind text, phone text, body text, status text, last_error text, at timestamptz)
     ON CONFLICT (command_id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(rows)],
  );
  return inserted.length;
}

export interface SmsRecord {
  id: string;
  commandId: string;
  referralId: string;
  facilityId: string;
  kind: SmsKind;
  phone: string | null;
  body: string;
  status: SmsStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  providerId: string | null;
  createdAt: string;
  sentAt: string | null;
}

const RECORD_COLUMNS = `id, command_id, referral_id, facility_id, kind, phone, body, status, attempts,
  next_attempt_at, last_error, provider_id, created_at, sent_at`;

function recordOf(row: Record<string, unknown>): SmsRecord {
  return {
    id: String(row.id),
    commandId: String(row.command_id),
    referralId: String(row.referral_id),
    facilityId: String(row.facility_id),
    kind: row.kind as SmsKind,
    phone: (row.phone as string | null) ?? null,
    body: String(row.body),
    status: row.status as SmsStatus,
    attempts: Number(row.attempts),
    nextAttemptAt: toIso(row.next_attempt_at),
    lastError: (row.last_error as string | null) ?? null,
    providerId: (row.provider_id as string | null) ?? null,
    createdAt: toIso(row.created_at),
    sentAt: row.sent_at ? toIso(row.sent_at) : null,
  };
}

export async function listSms(
  db: Queryable,
  filter: { status?: string; referralId?: string; limit?: number } = {},
): Promise<SmsRecord[]> {
  if (filter.status !== undefined && !(SMS_STATUSES as readonly string[]).includes(filter.status)) {
    throw new SmsOutboxError(`status must be one of ${SMS_STATUSES.join(', ')}`);
  }
  const { rows } = await db.query(
    `SELECT ${RECORD_COLUMNS} FROM sms_outbox
      WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR referral_id = $2)
      ORDER BY seq DESC LIMIT $3`,
    [filter.status ?? null, filter.referralId ?? null, filter.limit ?? 50],
  );
  return rows.map(recordOf);
}

/** A refusal the county CLI shows as a sentence. */
export class SmsOutboxError extends RegistryError {
  override name = 'SmsOutboxError';
}

/**
 * Sends a message again (a county admin, after the patient's number was
 * corrected or the provider was down for long): re-reads the patient's phone,
 * resets the attempts and makes it due now. The sender loop does the rest.
 */
export async function resendSms(db: Database, id: string): Promise<SmsRecord> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ patient_id: string; status: string }>(
      'SELECT patient_id, status FROM sms_outbox WHERE id = $1 FOR UPDATE',
      [id],
    );
    const row = rows[0];
    if (!row) throw new SmsOutboxError(`no SMS with id ${id}`);
    if (row.status === 'sending')
      throw new SmsOutboxError(`SMS ${id} is being sent right now; try again shortly`);
    const phone = smsPhone((await patientsOf(tx, [row.patient_id])).get(row.patient_id)?.phone);
    const { rows: updated } = await tx.query(
      `UPDATE sms_outbox SET phone = $2, status = $3, attempts = 0, next_attempt_at = now(),
              lease_until = NULL, last_error = $4
        WHERE id = $1 RETURNING ${RECORD_COLUMNS}`,
      [id, phone.ok ? phone.phone : null, phone.ok ? 'pending' : 'no-phone', phone.ok ? null : phone.reason],
    );
    return recordOf(updated[0] as Record<string, unknown>);
  });
}

export interface SmsOutboxOptions {
  /** How often the loop looks for due messages; 0 = never (tests call `deliverDue()`). Default 10 s. */
  intervalMs?: number;
  /** Messages per round. */
  batchSize?: number;
  maxAttempts?: number;
}

export const DEFAULT_SMS_INTERVAL_MS = 10_000;

/** The sender loop. `sender` null = sending is switched off: messages wait as `pending`. */
export class SmsOutbox {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<number> | null = null;
  private readonly batchSize: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly db: Database,
    readonly sender: SmsSender | null,
    /** The gateway clock (the referral service's), so tests move time for retries too. */
    private readonly now: (tx: Queryable) => Promise<string>,
    private readonly log: (error: unknown) => void,
    options: SmsOutboxOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 20;
    this.maxAttempts = options.maxAttempts ?? SMS_MAX_ATTEMPTS;
    const interval = options.intervalMs ?? DEFAULT_SMS_INTERVAL_MS;
    if (sender && interval > 0) {
      this.timer = setInterval(() => {
        this.deliverDue().catch((error: unknown) => this.log(error));
      }, interval);
      this.timer.unref?.();
    }
  }

  /** Sends what is due; returns how many were sent. One round at a time per process. */
  deliverDue(): Promise<number> {
    if (!this.sender) return Promise.resolve(0);
    if (this.running) return this.running;
    this.running = this.round(this.sender).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async round(sender: SmsSender): Promise<number> {
    const claimed = await this.db.transaction(async (tx) => {
      const now = await this.now(tx);
      const { rows } = await tx.query<{ id: string; phone: string; body: string; attempts: number }>(
        `UPDATE sms_outbox SET status = 'sending', attempts = attempts + 1,
                lease_until = $1::timestamptz + make_interval(secs => $3)
          WHERE id IN (
            SELECT id FROM sms_outbox
             WHERE (status = 'pending' AND next_attempt_at <= $1::timestamptz)
                OR (status = 'sending' AND lease_until <= $1::timestamptz)
             ORDER BY next_attempt_at, seq LIMIT $2
             FOR UPDATE SKIP LOCKED)
          RETURNING id, phone, body, attempts`,
        [now, this.batchSize, LEASE_MS / 1000],
      );
      return rows;
    });
    let sent = 0;
    for (const message of claimed) {
      try {
        const { providerId } = await sender.send({
          id: message.id,
          phone: message.phone,
          body: message.body,
        });
        await this.settle(message.id, 'sent', { providerId: providerId ?? null });
        sent += 1;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const attempts = Number(message.attempts);
        const giveUp = error instanceof PermanentSmsError || attempts >= this.maxAttempts;
        await this.settle(message.id, giveUp ? 'failed' : 'pending', {
          error: reason.slice(0, 500),
          retryInMs: retryDelayMs(attempts),
        });
      }
    }
    return sent;
  }

  private async settle(
    id: string,
    status: 'sent' | 'pending' | 'failed',
    detail: { providerId?: string | null; error?: string; retryInMs?: number },
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const now = await this.now(tx);
      await tx.query(
        `UPDATE sms_outbox SET status = $2, lease_until = NULL,
                provider_id = COALESCE($3, provider_id), last_error = $4,
                sent_at = CASE WHEN $2 = 'sent' THEN $5::timestamptz ELSE sent_at END,
                next_attempt_at = $5::timestamptz + make_interval(secs => $6)
          WHERE id = $1 AND status = 'sending'`,
        [id, status, detail.providerId ?? null, detail.error ?? null, now, (detail.retryInMs ?? 0) / 1000],
      );
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }
}
