/**
 * Accounts of the people who work at this clinic, and offline sign-in against
 * them. Every outcome, good or bad, is audited.
 */
import { assertCan } from '../../sync/protocol/roles';
import type { Role, UserDoc } from '../../sync/protocol/schema';
import { appendAudit } from '../audit/audit-log';
import type { ClinicDatabase } from '../store/database';
import { afterFailedAttempt, isLockedOut } from './lockout';
import { checkNewSecret, hashSecret, type SecretProblem, verifySecret } from './password';
import type { Session } from './session';

export interface NewUser {
  displayName: string;
  username: string;
  roles: Role[];
  password: string;
}

export type NewUserProblem =
  | { field: 'displayName'; problem: 'empty' }
  | { field: 'username'; problem: 'format' | 'taken' }
  | { field: 'roles'; problem: 'empty' }
  | { field: 'password'; problem: SecretProblem };

export class AccountError extends Error {
  constructor(readonly problems: NewUserProblem[]) {
    super(`account not created: ${problems.map((p) => `${p.field} ${p.problem}`).join(', ')}`);
    this.name = 'AccountError';
  }
}

export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{2,39}$/;

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

export async function checkNewUser(
  db: ClinicDatabase,
  facilityId: string,
  input: NewUser,
): Promise<NewUserProblem[]> {
  const problems: NewUserProblem[] = [];
  const username = normaliseUsername(input.username);
  if (!input.displayName.trim()) problems.push({ field: 'displayName', problem: 'empty' });
  if (!USERNAME_PATTERN.test(username)) problems.push({ field: 'username', problem: 'format' });
  else if (await db.users.findOne({ selector: { facilityId, username } }).exec()) {
    problems.push({ field: 'username', problem: 'taken' });
  }
  if (input.roles.length === 0) problems.push({ field: 'roles', problem: 'empty' });
  const secretProblem = checkNewSecret('password', input.password);
  if (secretProblem) problems.push({ field: 'password', problem: secretProblem });
  return problems;
}

/** Writes the account; callers have checked permission (or are enrolling the first admin). */
export async function insertUser(
  db: ClinicDatabase,
  facilityId: string,
  actorId: string,
  input: NewUser,
  id = crypto.randomUUID(),
): Promise<UserDoc> {
  const problems = await checkNewUser(db, facilityId, input);
  if (problems.length) throw new AccountError(problems);
  const now = new Date().toISOString();
  const doc: UserDoc = {
    id,
    facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: actorId,
    updatedBy: actorId,
    username: normaliseUsername(input.username),
    displayName: input.displayName.trim(),
    roles: [...new Set(input.roles)],
    password: await hashSecret(input.password),
    active: true,
    failedAttempts: 0,
  };
  await db.users.insert(doc);
  return doc;
}

export async function createUser(db: ClinicDatabase, session: Session, input: NewUser): Promise<UserDoc> {
  assertCan(session.roles, 'user.manage');
  const doc = await insertUser(db, session.facilityId, session.userId, input);
  await appendAudit(db, session, {
    action: 'user.create',
    recordType: 'user',
    recordId: doc.id,
    detail: doc.roles.join(','),
  });
  return doc;
}

export async function setActive(
  db: ClinicDatabase,
  session: Session,
  userId: string,
  active: boolean,
): Promise<void> {
  assertCan(session.roles, 'user.manage');
  if (userId === session.userId && !active) throw new Error('you cannot deactivate your own account');
  const user = await db.users.findOne(userId).exec();
  if (!user) throw new Error(`no user ${userId}`);
  await user.incrementalPatch({ active, updatedAt: new Date().toISOString(), updatedBy: session.userId });
  await appendAudit(db, session, {
    action: 'user.deactivate',
    recordType: 'user',
    recordId: userId,
    detail: active ? 'active' : 'inactive',
  });
}

export async function setPin(
  db: ClinicDatabase,
  session: Session,
  pin: string,
): Promise<SecretProblem | null> {
  const problem = checkNewSecret('pin', pin);
  if (problem) return problem;
  const user = await db.users.findOne(session.userId).exec();
  if (!user) throw new Error('signed-in user is missing');
  await user.incrementalPatch({
    pin: await hashSecret(pin),
    updatedAt: new Date().toISOString(),
    updatedBy: session.userId,
  });
  await appendAudit(db, session, { action: 'user.set-pin', recordType: 'user', recordId: session.userId });
  return null;
}

export type SignInResult =
  | { ok: true; session: Session }
  | { ok: false; reason: 'wrong-credentials' | 'locked-out' | 'inactive'; lockedUntil?: string };

/**
 * Checks a password or PIN offline. Unknown user and wrong secret give the same
 * answer so the screen does not reveal which usernames exist.
 */
export async function signIn(
  db: ClinicDatabase,
  facility: { id: string; name: string },
  username: string,
  secret: string,
  now = new Date(),
): Promise<SignInResult> {
  const user = await db.users
    .findOne({ selector: { facilityId: facility.id, username: normaliseUsername(username) } })
    .exec();
  if (!user) return { ok: false, reason: 'wrong-credentials' };
  const session: Session = {
    userId: user.id,
    userName: user.displayName,
    roles: [...user.roles],
    facilityId: facility.id,
    facilityName: facility.name,
  };
  const refuse = async (reason: 'inactive' | 'locked-out'): Promise<SignInResult> => {
    await appendAudit(db, session, {
      action: 'session.sign-in-failed',
      recordType: 'session',
      recordId: user.id,
      detail: reason,
    });
    return reason === 'locked-out'
      ? { ok: false, reason, lockedUntil: user.lockedUntil }
      : { ok: false, reason };
  };
  if (!user.active) return refuse('inactive');
  if (isLockedOut(user.lockedUntil, now)) return refuse('locked-out');

  const pin = user.pin;
  const matches =
    (await verifySecret(secret, user.password)) ||
    (pin !== undefined && /^\d+$/.test(secret) && (await verifySecret(secret, pin)));
  if (!matches) {
    const next = afterFailedAttempt(user.failedAttempts, now);
    await user.incrementalModify((doc) => {
      doc.failedAttempts = next.failedAttempts;
      if (next.lockedUntil) doc.lockedUntil = next.lockedUntil;
      return doc;
    });
    await appendAudit(db, session, {
      action: 'session.sign-in-failed',
      recordType: 'session',
      recordId: user.id,
    });
    return next.lockedUntil
      ? { ok: false, reason: 'locked-out', lockedUntil: next.lockedUntil }
      : { ok: false, reason: 'wrong-credentials' };
  }
  if (user.failedAttempts !== 0 || user.lockedUntil) {
    await user.incrementalModify((doc) => {
      doc.failedAttempts = 0;
      delete doc.lockedUntil;
      return doc;
    });
  }
  await appendAudit(db, session, { action: 'session.sign-in', recordType: 'session', recordId: user.id });
  return { ok: true, session };
}
