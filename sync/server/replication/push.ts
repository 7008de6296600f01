/**
 * POST /v1/push in one transaction: idempotency, ownership and scope, county
 * stamps, conflict rule, field merge for patients, scope updates, NOTIFY.
 * Any refusal throws a SyncError and the transaction rolls back: nothing of
 * the batch is written.
 */
import type { PushResponse, WireDocument } from '../../protocol/replication';
import type { Database, Queryable } from '../db/driver';
import { toIso, toNumber } from '../db/driver';
import { SyncError } from '../errors';
import {
  judgeCommands,
  judgeWaitingCommands,
  protectPushed,
  writeChangedReferrals,
} from '../referrals/apply';
import { checkDraftTargets } from '../referrals/draft-targets';
import type { ReferralService } from '../referrals/service';
import { judgeBookings, refusedAppointment, writeBookedSlots } from '../slots/bookings';
import { contentOf, decideRow } from './decide';
import {
  type Content,
  documentScope,
  partiesOf,
  patientScope,
  REFERENCE_COLLECTIONS,
  scopingReferralId,
} from './scope';
import {
  contentOfStored,
  dataOf,
  loadDocs,
  lockKeys,
  type PendingWrite,
  referralsOfPatients,
  type StoredDoc,
  WriteBatch,
  type Writer,
  wireOf,
} from './store';
import type { ParsedPush } from './validate';

export interface PushAuth {
  facilityId: string;
  deviceId: string;
  userId: string;
}

export interface PushOutcome {
  response: PushResponse;
  /** Documents given a new seq (0 for a replayed pushId). */
  written: number;
  replayed: boolean;
}

export async function applyPush(
  db: Database,
  auth: PushAuth,
  push: ParsedPush,
  /** Judges referral commands (the workflow authority); without it commands wait unjudged. */
  referralService?: ReferralService,
): Promise<PushOutcome> {
  return db.transaction(async (tx) => {
    await lockKeys(tx, lockKeysOf(auth, push));
    // After the lock: a concurrent push with this id has committed (or rolled back) by now.
    const prior = await tx.query<{ response: PushResponse }>(
      'SELECT response FROM pushes WHERE facility_id = $1 AND push_id = $2',
      [auth.facilityId, push.pushId],
    );
    if (prior.rows[0]) return { response: prior.rows[0].response, written: 0, replayed: true };

    const { response, batch } = await applyRows(tx, auth, push, referralService);
    await tx.query(
      `INSERT INTO pushes (facility_id, push_id, device_id, user_id, collection, response)
       VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)`,
      [auth.facilityId, push.pushId, auth.deviceId, auth.userId, push.collection, JSON.stringify(response)],
    );
    await batch?.notify();
    return { response, written: batch?.written ?? 0, replayed: false };
  });
}

/** Keys of every document this push reads to decide, or whose scope its writes change. */
function lockKeysOf(auth: PushAuth, push: ParsedPush): string[] {
  const keys = [`push:${auth.facilityId}:${push.pushId}`];
  for (const { newDocumentState: doc } of push.rows) {
    keys.push(`${push.collection}:${doc.id}`);
    if (push.collection === 'referrals') keys.push(`patients:${String(doc.patientId)}`);
    if (push.collection === 'referral_commands') keys.push(`referrals:${String(doc.referralId)}`);
  }
  return keys;
}

/** Reads and decides under the per-document locks, then takes the county write lock to write. */
async function applyRows(
  tx: Queryable,
  auth: PushAuth,
  push: ParsedPush,
  referralService: ReferralService | undefined,
): Promise<{ response: PushResponse; batch: WriteBatch | null }> {
  const { collection, rows } = push;
  const writer: Writer = { facilityId: auth.facilityId, deviceId: auth.deviceId, userId: auth.userId };
  if (rows.length === 0) return { response: { conflicts: [] }, batch: null };
  if (REFERENCE_COLLECTIONS.has(collection)) {
    throw new SyncError('not-owner', `Only the county changes ${collection}; this clinic cannot push them.`, {
      row: 0,
    });
  }
  if (collection === 'slots') {
    throw new SyncError(
      'not-owner',
      'Slots change only at the county: publish them through /v1/slots/publish, book them as appointments.',
      { row: 0 },
    );
  }

  const stored = await loadDocs(
    tx,
    collection,
    rows.map((row) => row.newDocumentState.id),
  );
  await checkCountyStamps(tx, collection, rows);
  if (collection === 'referrals') {
    await checkDraftTargets(
      tx,
      auth.facilityId,
      rows.map((row) => row.newDocumentState),
      stored,
    );
  }

  // Related documents the rules need.
  const patients =
    collection === 'referrals'
      ? await loadDocs(
          tx,
          'patients',
          rows.map((row) => String(row.newDocumentState.patientId)),
        )
      : new Map<string, StoredDoc>();
  const scopingReferralIds = rows
    .map((row) => scopingReferralId(collection, row.newDocumentState))
    .filter((id): id is string => id !== null);
  const referrals =
    scopingReferralIds.length > 0
      ? await loadDocs(tx, 'referrals', scopingReferralIds)
      : new Map<string, StoredDoc>();

  /** Current content and owner per id, updated as rows of this batch apply. */
  const current = new Map<string, { owner: string; scope: string[]; content: Content }>();
  for (const doc of stored.values()) {
    current.set(doc.id, { owner: doc.owner, scope: doc.scope, content: contentOfStored(doc) });
  }
  const writes = new Map<string, { content: Content; merged: boolean }>();
  const conflictIds: string[] = [];

  rows.forEach((row, index) => {
    const id = row.newDocumentState.id;
    const now = current.get(id) ?? null;
    // Workflow fields and command outcomes are the county's: never taken from a clinic.
    const pushed = protectPushed(collection, contentOf(row.newDocumentState), now?.content ?? null);
    authorise(auth.facilityId, collection, index, pushed, now, { patients, referrals });

    const decision = decideRow(
      collection,
      row.assumedMasterState
        ? protectPushed(collection, contentOf(row.assumedMasterState), now?.content ?? null)
        : null,
      pushed,
      now?.content ?? null,
    );
    if (decision.kind === 'conflict') {
      conflictIds.push(id);
      return;
    }
    if (decision.kind === 'unchanged') {
      // The county already holds this content, but the clinic's copy is not its stamped version
      // (a second local write of the same content overtook the pull of the first): without the
      // county's state back, nothing new would ever be pulled and the record would wait forever.
      if (!writes.has(id) && row.newDocumentState.countySeq !== stored.get(id)?.seq) conflictIds.push(id);
      return;
    }
    const owner = now?.owner ?? String(pushed.facilityId);
    current.set(id, { owner, scope: now?.scope ?? [], content: decision.content });
    const previous = writes.get(id);
    writes.set(id, { content: decision.content, merged: decision.merged || previous?.merged === true });
  });

  // New referral commands are judged here, on the gateway clock; their referrals change with them.
  const judged =
    collection === 'referral_commands' && referralService && writes.size > 0
      ? await judgeCommands(
          tx,
          referralService,
          [...writes.values()].map((w) => w.content),
          referrals,
        )
      : null;
  if (judged) {
    for (const command of judged.commands) {
      const entry = writes.get(String(command.id));
      if (entry) entry.content = command;
    }
  }

  // Quota bookings: slots claimed or given back by appointments, decided before the county write lock.
  const bookings =
    collection === 'appointments' && writes.size > 0
      ? await judgeBookings(
          tx,
          auth.facilityId,
          [...writes].map(([id, { content }]) => {
            const before = stored.get(id);
            return { id, before: before ? contentOfStored(before) : null, after: content };
          }),
        )
      : null;
  for (const [id, refusal] of bookings?.refusals ?? []) {
    const entry = writes.get(id);
    if (entry) entry.content = refusedAppointment(entry.content, refusal);
    conflictIds.push(id);
  }

  // Scopes of what is written.
  const referralsByPatient =
    collection === 'patients' ? await referralsOfPatients(tx, [...writes.keys()]) : new Map();
  const pending: PendingWrite[] = [];
  const mergedIds = new Set<string>();
  for (const [id, { content, merged }] of writes) {
    const owner = current.get(id)?.owner ?? String(content.facilityId);
    const data = dataOf(content);
    const scope =
      collection === 'patients'
        ? patientScope(owner, referralsByPatient.get(id) ?? [])
        : documentScope(collection, data, {
            referral: referrals.get(scopingReferralId(collection, data) ?? '')?.data ?? null,
          });
    pending.push({ id, owner, scope, deleted: content._deleted === true, data });
    if (merged) mergedIds.add(id);
  }
  // Only a push that writes waits for the county write lock.
  const batch = pending.length > 0 ? await WriteBatch.begin(tx) : null;
  if (batch) {
    await batch.write(
      collection,
      pending.filter((doc) => !mergedIds.has(doc.id)),
      writer,
      'push',
    );
    await batch.write(
      collection,
      pending.filter((doc) => mergedIds.has(doc.id)),
      writer,
      'merge',
    );
    if (collection === 'referrals') {
      await batch.refreshReferralDependents(
        pending.map((doc) => ({ ...doc.data, _deleted: doc.deleted })),
        writer,
      );
      if (referralService) {
        await judgeWaitingCommands(
          batch,
          referralService,
          pending.map((doc) => doc.id),
        );
      }
    }
    if (bookings) await writeBookedSlots(batch, bookings, writer);
    if (judged && referralService) {
      await writeChangedReferrals(batch, judged.changed);
      await referralService.record(tx, judged.judgements);
    }
  }

  // Conflicts: the county's current state of each refused row (after this batch).
  const conflicts: WireDocument[] = [];
  if (conflictIds.length > 0) {
    const latest = await loadDocs(tx, collection, conflictIds);
    const seen = new Set<string>();
    for (const id of conflictIds) {
      const doc = latest.get(id);
      if (doc && !seen.has(id)) {
        seen.add(id);
        conflicts.push(wireOf(doc));
      }
    }
  }
  return { response: { conflicts }, batch };
}

/** Ownership and scope of one row; throws not-owner / out-of-scope. */
function authorise(
  facilityId: string,
  collection: ParsedPush['collection'],
  row: number,
  pushed: Content,
  current: { owner: string; scope: string[] } | null,
  related: { patients: Map<string, StoredDoc>; referrals: Map<string, StoredDoc> },
): void {
  const claimed = pushed.facilityId;
  const id = String(pushed.id);
  if (collection === 'patients') {
    if (current) {
      if (!current.scope.includes(facilityId)) {
        throw new SyncError(
          'out-of-scope',
          `Row ${row}: patient ${id} is not shared with this facility; its changes were not accepted.`,
          { row },
        );
      }
      if (claimed !== current.owner) {
        throw new SyncError('not-owner', `Row ${row}: a patient's owning facility cannot be changed.`, {
          row,
          field: 'facilityId',
        });
      }
      return;
    }
    if (claimed !== facilityId) {
      throw new SyncError(
        'not-owner',
        `Row ${row}: a new patient must belong to the facility that registers it.`,
        {
          row,
          field: 'facilityId',
        },
      );
    }
    return;
  }
  if (claimed !== facilityId || (current && current.owner !== facilityId)) {
    throw new SyncError(
      'not-owner',
      `Row ${row}: ${collection} ${id} belongs to another facility; only its owner may change it.`,
      { row, field: 'facilityId' },
    );
  }
  if (collection === 'referrals') {
    const patient = related.patients.get(String(pushed.patientId));
    if (patient && !patient.scope.includes(facilityId)) {
      throw new SyncError(
        'out-of-scope',
        `Row ${row}: the referral's patient is not shared with this facility.`,
        { row, field: 'patientId' },
      );
    }
  }
  if (collection === 'referral_commands') {
    const referral = related.referrals.get(String(pushed.referralId));
    if (referral && !partiesOf(referral.data).includes(facilityId)) {
      throw new SyncError('out-of-scope', `Row ${row}: this facility is not a party of that referral.`, {
        row,
        field: 'referralId',
      });
    }
  }
}

/**
 * A clinic may echo back a stamp the county gave this document (it keeps the
 * last pulled stamp on its copy) but never invent one. The write log holds
 * every stamp ever given.
 */
async function checkCountyStamps(
  tx: Queryable,
  collection: ParsedPush['collection'],
  rows: ParsedPush['rows'],
): Promise<void> {
  const claims = rows
    .map((row, index) => ({ index, doc: row.newDocumentState }))
    .filter(({ doc }) => doc.countySeq !== undefined || doc.countyTime !== undefined);
  if (claims.length === 0) return;
  const { rows: given } = await tx.query<{ doc_id: string; seq: unknown; county_time: unknown }>(
    `SELECT doc_id, seq, county_time FROM write_log
      WHERE collection = $1 AND doc_id = ANY($2::text[]) AND seq = ANY($3::bigint[])`,
    [
      collection,
      claims.map(({ doc }) => doc.id),
      claims.map(({ doc }) => (typeof doc.countySeq === 'number' ? doc.countySeq : 0)),
    ],
  );
  const stamps = new Map(given.map((g) => [`${g.doc_id}\u0000${toNumber(g.seq)}`, toIso(g.county_time)]));
  for (const { index, doc } of claims) {
    const time = stamps.get(`${doc.id}\u0000${String(doc.countySeq)}`);
    const timeOk =
      doc.countyTime === undefined ||
      (time !== undefined &&
        typeof doc.countyTime === 'string' &&
        Date.parse(doc.countyTime) === Date.parse(time));
    if (time === undefined || !timeOk) {
      throw new SyncError(
        'county-fields-set',
        `Row ${index}: countySeq/countyTime are stamped by the county; this row carries values the county never gave.`,
        { row: index, field: time === undefined ? 'countySeq' : 'countyTime' },
      );
    }
  }
}
