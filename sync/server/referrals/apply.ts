/**
 * The gateway as the authority of the referral workflow. Clinics append
 * `referral_commands`; inside the push transaction the gateway judges each new
 * command with the shared state machine (`sync/protocol/referral`) on ITS
 * clock, writes the command's `outcome` and the referral's workflow fields,
 * each with a new county seq, so both parties pull them.
 *
 * Clinics never set workflow fields themselves: `protectPushed` overlays the
 * county's values on every pushed referral (and a pushed command's outcome),
 * so a clinic cannot approve its own referral by editing the document.
 */
import { randomUUID } from 'node:crypto';
import {
  applyNext,
  type Decision,
  decide,
  expire,
  type FacilityFacts,
  FROZEN_AFTER_DRAFT,
  type ReferralEvent,
  WORKFLOW_FIELDS,
} from '../../protocol/referral/state-machine';
import type { ReplicatedCollection } from '../../protocol/replication';
import { ROLES, type Role } from '../../protocol/schema/people';
import type { ReferralCommandDoc, ReferralDoc } from '../../protocol/schema/referrals';
import type { Queryable } from '../db/driver';
import { listFacilities } from '../facilities/registry';
import { type Content, documentScope, partiesOf } from '../replication/scope';
import {
  type PendingWrite,
  type StoredDoc,
  storedFromRow,
  type WriteBatch,
  type Writer,
} from '../replication/store';
import type { ReferralService } from './service';

/** The gateway's own writes (outcomes, workflow fields, auto-rejections). */
export const WORKFLOW_WRITER: Writer = { facilityId: null, deviceId: null, userId: 'county-gateway' };

/** Initial workflow of a referral the county has not seen: a draft. */
const INITIAL_WORKFLOW: Partial<ReferralDoc> = { state: 'draft', appliedSeq: 0 };

/**
 * The pushed (and assumed) content with the fields only the county sets taken
 * from the county's current state: workflow fields of referrals (and, once a
 * referral has left draft, its type, direction and targets), and commands,
 * which are append-only (a pushed change to a stored command is ignored).
 */
export function protectPushed(
  collection: ReplicatedCollection,
  pushed: Content,
  current: Content | null,
): Content {
  if (collection === 'referral_commands') {
    if (current) return { ...current };
    const { outcome: _outcome, ...rest } = pushed;
    return rest;
  }
  if (collection !== 'referrals') return pushed;
  const protectedFields: readonly string[] =
    current && current.state !== 'draft' ? [...WORKFLOW_FIELDS, ...FROZEN_AFTER_DRAFT] : WORKFLOW_FIELDS;
  const source: Content = current ?? (INITIAL_WORKFLOW as Content);
  const result: Content = { ...pushed };
  for (const field of protectedFields) {
    if (source[field] === undefined) delete result[field];
    else result[field] = source[field];
  }
  return result;
}

export interface CommandJudgement {
  command: Content;
  referral: StoredDoc;
  events: ReferralEvent[];
  decision: Decision;
}

interface Facts {
  facilities: Record<string, FacilityFacts>;
}

async function factsOf(tx: Queryable, ids: readonly string[]): Promise<Facts> {
  const rows = await listFacilities(tx, [...new Set(ids)]);
  const facilities: Record<string, FacilityFacts> = {};
  for (const row of rows) {
    facilities[row.id] = { level: row.level, offline: row.offline, referralTargetIds: row.referralTargetIds };
  }
  return { facilities };
}

/** Roles of the command's author: an active user of the issuing facility, as its clinic pushed it. */
async function rolesOf(tx: Queryable, facilityId: string, userId: string): Promise<Role[]> {
  const { rows } = await tx.query<{ data: Content }>(
    `SELECT data FROM documents
      WHERE collection = 'users' AND id = $1 AND owner = $2 AND NOT deleted`,
    [userId, facilityId],
  );
  const user = rows[0]?.data;
  if (!user || user.active === false || !Array.isArray(user.roles)) return [];
  return user.roles.filter((role): role is Role => (ROLES as readonly string[]).includes(String(role)));
}

/**
 * Judges new commands in order against their referrals (in `referrals`, which
 * is updated in place as commands apply). Returns the commands with their
 * outcome and the referrals that changed. Commands whose referral the county
 * does not have yet stay without an outcome until it arrives.
 */
export async function judgeCommands(
  tx: Queryable,
  service: ReferralService,
  commands: Content[],
  referrals: Map<string, StoredDoc>,
): Promise<{ commands: Content[]; changed: Map<string, StoredDoc>; judgements: CommandJudgement[] }> {
  const changed = new Map<string, StoredDoc>();
  const judgements: CommandJudgement[] = [];
  const out: Content[] = [];
  const pending = commands.filter((c) => c.outcome === undefined && c._deleted !== true);
  if (pending.length === 0) return { commands, changed, judgements };

  const ids = new Set<string>();
  for (const command of pending) {
    const referral = referrals.get(String(command.referralId));
    if (!referral) continue;
    for (const id of partiesOf(referral.data)) ids.add(id);
    const payload = command.payload as { targetFacilityIds?: unknown } | undefined;
    if (Array.isArray(payload?.targetFacilityIds)) {
      for (const id of payload.targetFacilityIds) if (typeof id === 'string') ids.add(id);
    }
  }
  const facts = await factsOf(tx, [...ids]);
  const reviewConfig = await service.reviewConfig(tx, [...ids]);
  const now = await service.now(tx);

  for (const command of commands) {
    const stored = referrals.get(String(command.referralId));
    if (command.outcome !== undefined || command._deleted === true || !stored || stored.deleted) {
      out.push(command);
      continue;
    }
    if (issuedAgainstNewerDraft(command, stored)) {
      // The referrer edited its draft after this command's version reached us (e.g. consent
      // attached offline): judge when that edit arrives, not against what the county holds now.
      out.push(command);
      continue;
    }
    let referral = stored.data as unknown as ReferralDoc;
    const events: ReferralEvent[] = [];
    // An overdue review is auto-rejected first, so a late review is refused by the same rule the sweep applies.
    const overdue = expire(referral, now);
    if (overdue?.ok) {
      referral = applyNext(referral, overdue.next);
      events.push(...overdue.events);
    }
    const issuer = String(command.facilityId);
    const decision = decide(
      referral,
      {
        command: String(command.command),
        payload: (command.payload as Record<string, unknown> | undefined) ?? {},
      },
      {
        now,
        actorFacilityId: issuer,
        actorRoles: await rolesOf(tx, issuer, String(command.createdBy)),
        facilities: facts.facilities,
        reviewConfig,
      },
    );
    if (decision.ok) {
      referral = applyNext(referral, decision.next);
      events.push(...decision.events);
    }
    const outcome: ReferralCommandDoc['outcome'] = decision.ok
      ? { status: 'applied', appliedAt: now, seq: referral.appliedSeq }
      : {
          status: 'refused',
          reason: decision.reason,
          message: decision.message,
          appliedAt: now,
          seq: referral.appliedSeq,
        };
    const judged = { ...command, outcome };
    out.push(judged);
    if (overdue?.ok || decision.ok) {
      const updated: StoredDoc = { ...stored, data: referral as unknown as Content };
      referrals.set(stored.id, updated);
      changed.set(stored.id, updated);
    }
    judgements.push({ command: judged, referral: referrals.get(stored.id) as StoredDoc, events, decision });
  }
  return { commands: out, changed, judgements };
}

/**
 * A referrer's command names the draft it was issued against (`payload.draftUpdatedAt`).
 * Commands are pushed before referrals (they go first on a thin link), so the county may
 * still hold an older draft; such a command waits for judging until that draft arrives.
 */
export function issuedAgainstNewerDraft(command: Content, stored: StoredDoc): boolean {
  const payload = command.payload as { draftUpdatedAt?: unknown } | undefined;
  const basedOn = payload?.draftUpdatedAt;
  if (typeof basedOn !== 'string' || String(command.facilityId) !== stored.owner) return false;
  const held = stored.data.updatedAt;
  return typeof held === 'string' && held < basedOn;
}

/** Referrals rewritten by the gateway: new scope (a re-send may change targets), new seq. */
export function referralWrites(changed: Map<string, StoredDoc>): PendingWrite[] {
  return [...changed.values()].map((doc) => ({
    id: doc.id,
    owner: doc.owner,
    scope: documentScope('referrals', doc.data),
    deleted: doc.deleted,
    data: doc.data,
  }));
}

/**
 * After referrals were pushed: judge the commands that arrived before them
 * (an offline clinic may send its submit before the referral itself).
 * Runs inside the push's write batch, under the referrals' locks.
 */
export async function judgeWaitingCommands(
  batch: WriteBatch,
  service: ReferralService,
  referralIds: readonly string[],
): Promise<void> {
  if (referralIds.length === 0) return;
  const { rows } = await batch.tx.query(
    `SELECT id, owner, scope, county_seq, county_time, deleted, data FROM documents
      WHERE collection = 'referral_commands' AND data ->> 'referralId' = ANY($1::text[])
        AND NOT deleted AND NOT (data ? 'outcome')
      ORDER BY county_seq`,
    [[...referralIds]],
  );
  if (rows.length === 0) return;
  const waiting = rows.map(storedFromRow);
  const referrals = await batch.load('referrals', referralIds);
  const { commands, changed, judgements } = await judgeCommands(
    batch.tx,
    service,
    waiting.map((doc) => ({ ...doc.data, _deleted: doc.deleted })),
    referrals,
  );
  const byId = new Map(waiting.map((doc) => [doc.id, doc]));
  const commandWrites: PendingWrite[] = commands
    .filter((command) => command.outcome !== undefined)
    .map((command) => {
      const { _deleted, ...data } = command;
      const doc = byId.get(String(command.id)) as StoredDoc;
      return {
        id: doc.id,
        owner: doc.owner,
        scope: documentScope('referral_commands', data, {
          referral: referrals.get(String(data.referralId))?.data ?? null,
        }),
        deleted: false,
        data,
      };
    });
  await batch.write('referral_commands', commandWrites, WORKFLOW_WRITER, 'county');
  await writeChangedReferrals(batch, changed);
  await service.record(batch.tx, judgements);
}

/** Writes referrals the gateway changed, and re-scopes what depends on them. */
export async function writeChangedReferrals(
  batch: WriteBatch,
  changed: Map<string, StoredDoc>,
): Promise<void> {
  if (changed.size === 0) return;
  const writes = referralWrites(changed);
  await batch.write('referrals', writes, WORKFLOW_WRITER, 'county');
  await batch.refreshReferralDependents(
    writes.map((doc) => ({ ...doc.data, _deleted: doc.deleted })),
    WORKFLOW_WRITER,
  );
}

/**
 * The auto-reject sweep (自动驳回): every referral whose review deadline has
 * passed on the gateway clock becomes auto-rejected; a county-made `expire`
 * command records it in the history, and both parties are told (new seqs,
 * NOTIFY → their streams).
 */
export async function sweepOverdue(
  tx: Queryable,
  service: ReferralService,
  begin: (tx: Queryable) => Promise<WriteBatch>,
  lock: (tx: Queryable, keys: string[]) => Promise<void>,
): Promise<string[]> {
  const now = await service.now(tx);
  const { rows: candidates } = await tx.query<{ id: string }>(
    `SELECT id FROM documents
      WHERE collection = 'referrals' AND NOT deleted
        AND data ->> 'state' IN ('outgoing-review', 'incoming-review')
        AND data ->> 'reviewDeadline' <= $1`,
    [now],
  );
  const due = candidates.map((row) => row.id);
  if (due.length === 0) return [];
  await lock(
    tx,
    due.map((id) => `referrals:${id}`),
  );
  // Re-read under the locks: a review may have landed in the meantime.
  const { rows } = await tx.query(
    `SELECT id, owner, scope, county_seq, county_time, deleted, data FROM documents
      WHERE collection = 'referrals' AND id = ANY($1::text[])`,
    [due],
  );
  const changed = new Map<string, StoredDoc>();
  const commands: PendingWrite[] = [];
  const judgements: CommandJudgement[] = [];
  for (const stored of rows.map(storedFromRow)) {
    const referral = stored.data as unknown as ReferralDoc;
    const decision = expire(referral, now);
    if (!decision?.ok || stored.deleted) continue;
    const next = applyNext(referral, decision.next);
    const updated = { ...stored, data: next as unknown as Content };
    changed.set(stored.id, updated);
    const command: ReferralCommandDoc = {
      id: randomUUID(),
      facilityId: referral.facilityId,
      createdAt: now,
      updatedAt: now,
      createdBy: WORKFLOW_WRITER.userId ?? 'county-gateway',
      updatedBy: WORKFLOW_WRITER.userId ?? 'county-gateway',
      referralId: referral.id,
      command: 'expire',
      payload: { deadline: referral.reviewDeadline },
      outcome: { status: 'applied', appliedAt: now, seq: next.appliedSeq },
    };
    const data = command as unknown as Content;
    commands.push({
      id: command.id,
      owner: referral.facilityId,
      scope: documentScope('referral_commands', data, { referral: next as unknown as Content }),
      deleted: false,
      data,
    });
    judgements.push({ command: data, referral: updated, events: decision.events, decision });
  }
  if (changed.size === 0) return [];
  const batch = await begin(tx);
  await writeChangedReferrals(batch, changed);
  await batch.write('referral_commands', commands, WORKFLOW_WRITER, 'county');
  await service.record(tx, judgements);
  await batch.notify();
  return [...changed.keys()];
}
