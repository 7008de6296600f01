/**
 * Every change to a referral's workflow is an append-only command document
 * (`referral_commands`) that the county gateway judges with the shared state
 * machine and answers with an outcome. This module writes those commands for
 * every referral screen (referring side, inbox, slip printing).
 *
 * The clinic checks the command against the state machine first, so a doctor
 * hears "not possible now" at once rather than minutes later from the county.
 * That check is skipped while earlier commands still wait for the county: the
 * local state is then behind (a submit queued offline leaves the referral a
 * draft until the gateway applies it), and the gateway stays the judge.
 */
import {
  allowedCommands,
  canonicalCommand,
  REFERRAL_COMMANDS,
  type ReferralCommandName,
} from '../../sync/protocol/referral/state-machine';
import type { ReferralCommandDoc, ReferralDoc } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import type { Session } from '../auth/session';
import type { ClinicDatabase } from '../store/database';

export type CommandProblem = 'referral-not-found' | 'not-allowed-now';

export class ReferralCommandError extends Error {
  constructor(
    readonly problem: CommandProblem,
    message: string,
    /** The commands the state machine would allow instead (for the screen). */
    readonly allowed: readonly ReferralCommandName[] = [],
  ) {
    super(message);
    this.name = 'ReferralCommandError';
  }
}

/** Commands the county has not judged yet. */
export function pendingCommands(commands: readonly ReferralCommandDoc[]): ReferralCommandDoc[] {
  return commands.filter((command) => command.outcome === undefined);
}

/**
 * Why this command may not be issued now, or null. Null as well when earlier
 * commands are still waiting (the local state is behind; the gateway decides),
 * and for commands this client's state machine does not know (a newer one may).
 */
export function localRefusal(
  referral: ReferralDoc,
  commands: readonly ReferralCommandDoc[],
  command: string,
  session: Pick<Session, 'facilityId' | 'roles'>,
  now: Date = new Date(),
): ReferralCommandName[] | null {
  if (pendingCommands(commands).length > 0) return null;
  const canonical = canonicalCommand({ command }).command;
  if (!(REFERRAL_COMMANDS as readonly string[]).includes(canonical)) return null;
  const allowed = allowedCommands(referral, { facilityId: session.facilityId, roles: session.roles }, now);
  return allowed.includes(canonical as ReferralCommandName) ? null : allowed;
}

export function newCommandDoc(
  session: Session,
  referralId: string,
  command: string,
  payload: Record<string, unknown>,
  now: Date = new Date(),
): ReferralCommandDoc {
  const at = now.toISOString();
  return {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    referralId,
    command,
    payload,
  };
}

/** The referral's commands, oldest first (with the gateway's outcomes, once pulled). */
export async function referralCommands(
  db: ClinicDatabase,
  referralId: string,
): Promise<ReferralCommandDoc[]> {
  const docs = await db.referral_commands
    .find({ selector: { referralId }, sort: [{ createdAt: 'asc' }] })
    .exec();
  return docs.map((doc) => doc.toJSON() as ReferralCommandDoc);
}

/**
 * Appends one command to the referral (it syncs first in the queue) and
 * audits it. Refuses at once what the state machine says is not possible now.
 * The role rules are the state machine's (e.g. submit needs a doctor, review
 * a reviewer); the gateway checks them again with the roles it knows.
 */
export async function appendReferralCommand(
  db: ClinicDatabase,
  session: Session,
  referralId: string,
  command: string,
  payload: Record<string, unknown> = {},
  now: Date = new Date(),
): Promise<ReferralCommandDoc> {
  const found = await db.referrals.findOne(referralId).exec();
  if (!found) throw new ReferralCommandError('referral-not-found', `no referral ${referralId}`);
  const referral = found.toJSON() as ReferralDoc;
  const refusal = localRefusal(referral, await referralCommands(db, referralId), command, session, now);
  if (refusal) {
    throw new ReferralCommandError(
      'not-allowed-now',
      `"${command}" is not possible while the referral is ${referral.state}`,
      refusal,
    );
  }
  // The referrer names the draft it acted on, so the county judges against that draft even
  // when this command overtakes the draft's last offline edit on the way up.
  const basedOn = session.facilityId === referral.facilityId ? { draftUpdatedAt: referral.updatedAt } : {};
  const doc = newCommandDoc(session, referralId, command, { ...payload, ...basedOn }, now);
  await db.referral_commands.insert(doc);
  await appendAudit(db, session, {
    action: 'referral.command',
    recordType: 'referral',
    recordId: referralId,
    detail: command,
  });
  return doc;
}
