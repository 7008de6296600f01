/**
 * The only way documents are written. Every write transaction first takes one
 * county-wide advisory lock, so seqs are handed out in commit order: a pull
 * that has seen seq N can never later miss a change with a seq below N
 * (without it, a slow transaction holding seq 10 could commit after a fast one
 * with seq 11 had been pulled). Writes are short, so serialising them costs
 * little at county scale; pulls never take the lock.
 */
import type { ReplicatedCollection, WireDocument } from '../../protocol/replication';
import { CHANGES_CHANNEL, type Queryable, toIso, toNumber } from '../db/driver';
import { type Content, documentScope, EVERYONE, patientScope, sameScope, scopingReferralId } from './scope';

const WRITE_LOCK = 0x78_79_77_72; // "xywr"

export interface StoredDoc {
  id: string;
  owner: string;
  scope: string[];
  seq: number;
  time: string;
  deleted: boolean;
  /** The document without `_deleted` and without the county stamp. */
  data: Content;
}

export interface Writer {
  facilityId: string | null;
  deviceId: string | null;
  userId: string | null;
}

export type WriteOrigin = 'push' | 'merge' | 'scope' | 'county';

export interface PendingWrite {
  id: string;
  owner: string;
  scope: string[];
  deleted: boolean;
  data: Content;
}

/** The document as served: content plus `_deleted` and the county stamp. */
export function wireOf(doc: StoredDoc): WireDocument {
  return { ...doc.data, id: doc.id, _deleted: doc.deleted, countySeq: doc.seq, countyTime: doc.time };
}

/** Content as decide.ts compares it. */
export function contentOfStored(doc: StoredDoc): Content {
  return { ...doc.data, _deleted: doc.deleted };
}

/** Content → what is kept in `data` (no `_deleted`, no stamp). */
export function dataOf(content: Content): Content {
  const { _deleted: _d, countySeq: _s, countyTime: _t, ...data } = content;
  return data;
}

interface Row {
  id: string;
  owner: string;
  scope: string[];
  county_seq: unknown;
  county_time: unknown;
  deleted: boolean;
  data: Content;
}

function fromRow(row: Row): StoredDoc {
  return {
    id: row.id,
    owner: row.owner,
    scope: row.scope,
    seq: toNumber(row.county_seq),
    time: toIso(row.county_time),
    deleted: row.deleted,
    data: row.data,
  };
}

export const DOC_COLUMNS = 'id, owner, scope, county_seq, county_time, deleted, data';

export function storedFromRow(row: unknown): StoredDoc {
  return fromRow(row as Row);
}

export async function loadDocs(
  tx: Queryable,
  collection: ReplicatedCollection,
  ids: readonly string[],
): Promise<Map<string, StoredDoc>> {
  const found = new Map<string, StoredDoc>();
  if (ids.length === 0) return found;
  const { rows } = await tx.query<Row>(
    `SELECT ${DOC_COLUMNS} FROM documents WHERE collection = $1 AND id = ANY($2::text[])`,
    [collection, [...new Set(ids)]],
  );
  for (const row of rows) found.set(row.id, fromRow(row));
  return found;
}

/** Referrals (as content) carrying each of these patients. */
export async function referralsOfPatients(
  tx: Queryable,
  patientIds: readonly string[],
): Promise<Map<string, Content[]>> {
  const byPatient = new Map<string, Content[]>();
  if (patientIds.length === 0) return byPatient;
  const { rows } = await tx.query<{ data: Content; deleted: boolean }>(
    `SELECT data, deleted FROM documents
      WHERE collection = 'referrals' AND data ->> 'patientId' = ANY($1::text[])`,
    [[...new Set(patientIds)]],
  );
  for (const row of rows) {
    const patientId = String(row.data.patientId);
    const list = byPatient.get(patientId) ?? [];
    list.push({ ...row.data, _deleted: row.deleted });
    byPatient.set(patientId, list);
  }
  return byPatient;
}

/**
 * Per-document locks for a push's read-decide phase, taken in one sorted
 * statement so two pushes can never wait on each other in a cycle. Every
 * writer of a document holds its key: `collection:id`, and `patients:<id>` /
 * `referrals:<id>` for the patient or referral whose scope a write depends on.
 */
export async function lockKeys(tx: Queryable, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `SELECT count(pg_advisory_xact_lock(k)) FROM (
       SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest($1::text[]) AS key ORDER BY 1
     ) AS sorted`,
    [[...new Set(keys)]],
  );
}

/**
 * One write transaction: holds the county write lock and the county time of
 * this transaction. Take it after all reads and decisions: it is held until
 * commit, and every writer in the county waits for it.
 */
export class WriteBatch {
  private readonly notices = new Map<ReplicatedCollection, { seq: number; facilities: Set<string> }>();
  written = 0;

  private constructor(
    readonly tx: Queryable,
    /** Gateway (database) clock for every write in this transaction, millisecond precision. */
    readonly time: string,
  ) {}

  static async begin(tx: Queryable): Promise<WriteBatch> {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
    // A new statement: its clock reading comes after the lock was granted.
    const { rows } = await tx.query<{ t: unknown }>(
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS t`,
    );
    return new WriteBatch(tx, toIso(rows[0]?.t));
  }

  load(collection: ReplicatedCollection, ids: readonly string[]): Promise<Map<string, StoredDoc>> {
    return loadDocs(this.tx, collection, ids);
  }

  referralsOfPatients(patientIds: readonly string[]): Promise<Map<string, Content[]>> {
    return referralsOfPatients(this.tx, patientIds);
  }

  /** Stamps each document with the next seq and this transaction's time; logs every write. */
  async write(
    collection: ReplicatedCollection,
    docs: readonly PendingWrite[],
    writer: Writer,
    origin: WriteOrigin,
  ): Promise<Map<string, number>> {
    const seqs = new Map<string, number>();
    if (docs.length === 0) return seqs;
    const { rows } = await this.tx.query<{ doc_id: string; seq: unknown }>(
      `WITH w AS (
         INSERT INTO documents AS d (collection, id, owner, scope, county_seq, county_time, deleted, data)
         SELECT $1, r.id, r.owner, ARRAY(SELECT jsonb_array_elements_text(r.scope)), nextval('county_seq'),
                $3::timestamptz, r.deleted, r.data
           FROM jsonb_to_recordset($2::text::jsonb) AS r(id text, owner text, scope jsonb, deleted boolean, data jsonb)
         ON CONFLICT (collection, id) DO UPDATE SET
           owner = EXCLUDED.owner, scope = EXCLUDED.scope, county_seq = EXCLUDED.county_seq,
           county_time = EXCLUDED.county_time, deleted = EXCLUDED.deleted, data = EXCLUDED.data
         RETURNING id, county_seq
       )
       INSERT INTO write_log (facility_id, device_id, user_id, collection, doc_id, seq, county_time, origin)
       SELECT $4, $5, $6, $1, w.id, w.county_seq, $3::timestamptz, $7 FROM w
       RETURNING doc_id, seq`,
      [
        collection,
        JSON.stringify(docs),
        this.time,
        writer.facilityId,
        writer.deviceId,
        writer.userId,
        origin,
      ],
    );
    const notice = this.notices.get(collection) ?? { seq: 0, facilities: new Set<string>() };
    for (const row of rows) {
      const seq = toNumber(row.seq);
      seqs.set(row.doc_id, seq);
      notice.seq = Math.max(notice.seq, seq);
    }
    for (const doc of docs) for (const facility of doc.scope) notice.facilities.add(facility);
    this.notices.set(collection, notice);
    this.written += rows.length;
    return seqs;
  }

  /**
   * After referrals were written: recompute the scope of the patients they carry,
   * of their commands and of their attachments, and re-stamp those whose scope
   * changed, so a new target pulls them.
   */
  async refreshReferralDependents(referrals: readonly Content[], writer: Writer): Promise<void> {
    if (referrals.length === 0) return;
    const patientIds = [...new Set(referrals.map((r) => String(r.patientId)))];
    const patients = await this.load('patients', patientIds);
    const byPatient = await this.referralsOfPatients(patientIds);
    const patientWrites: PendingWrite[] = [];
    for (const patient of patients.values()) {
      const scope = patientScope(patient.owner, byPatient.get(patient.id) ?? []);
      if (!sameScope(scope, patient.scope)) patientWrites.push({ ...pendingOf(patient), scope });
    }
    await this.write('patients', patientWrites, writer, 'scope');

    const referralIds = referrals.map((r) => String(r.id));
    const byId = new Map(referrals.map((r) => [String(r.id), r]));
    const dependents: Array<{ collection: ReplicatedCollection; where: string }> = [
      { collection: 'referral_commands', where: `data ->> 'referralId' = ANY($1::text[])` },
      {
        collection: 'attachments',
        where: `data ->> 'ownerType' = 'referral' AND data ->> 'ownerId' = ANY($1::text[])`,
      },
    ];
    for (const { collection, where } of dependents) {
      const { rows } = await this.tx.query<Row>(
        `SELECT ${DOC_COLUMNS} FROM documents WHERE collection = '${collection}' AND ${where}`,
        [referralIds],
      );
      const rescoped: PendingWrite[] = [];
      for (const doc of rows.map(fromRow)) {
        const referral = byId.get(scopingReferralId(collection, doc.data) ?? '');
        const scope = documentScope(collection, doc.data, { referral: referral ?? null });
        if (!sameScope(scope, doc.scope)) rescoped.push({ ...pendingOf(doc), scope });
      }
      await this.write(collection, rescoped, writer, 'scope');
    }
  }

  /** NOTIFY inside the transaction: PostgreSQL delivers it only if and when it commits. */
  async notify(): Promise<void> {
    for (const [collection, notice] of this.notices) {
      await this.tx.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, changePayload(collection, notice)]);
    }
    this.notices.clear();
  }
}

function pendingOf(doc: StoredDoc): PendingWrite {
  return { id: doc.id, owner: doc.owner, scope: doc.scope, deleted: doc.deleted, data: doc.data };
}

/** NOTIFY payloads are limited to 8000 bytes: past a few hundred facilities, tell everyone. */
export function changePayload(
  collection: ReplicatedCollection,
  notice: { seq: number; facilities: Set<string> },
): string {
  const facilities = notice.facilities.has(EVERYONE) ? EVERYONE : [...notice.facilities];
  const payload = JSON.stringify({ c: collection, s: notice.seq, f: facilities });
  return payload.length < 7500 ? payload : JSON.stringify({ c: collection, s: notice.seq, f: EVERYONE });
}
