/**
 * What the referring clinic must still do (its reminders, 闭环提醒): close the
 * loop on a referral the receiving side has completed, choose another
 * institution for a rejected or auto-rejected one, and look at a command the
 * county refused. A reminder goes away by itself once the matching command is
 * appended (it then waits for the county) or the state moves on.
 */
import type { ReferralCommandDoc, ReferralDoc } from '../../sync/protocol/schema';
import { pendingCommands } from './referral-commands';

export type ReminderKind = 'close-loop' | 'choose-another' | 'refused';

export interface Reminder {
  referralId: string;
  kind: ReminderKind;
}

const ORDER: Record<ReminderKind, number> = { 'choose-another': 0, refused: 1, 'close-loop': 2 };

export function reminderOf(
  referral: ReferralDoc,
  commands: readonly ReferralCommandDoc[],
  facilityId: string,
): ReminderKind | undefined {
  if (referral.facilityId !== facilityId) return undefined;
  if (pendingCommands(commands).some((command) => command.facilityId === facilityId)) return undefined;
  if (referral.state === 'rejected' || referral.state === 'auto-rejected') return 'choose-another';
  const ours = commands.filter((command) => command.facilityId === facilityId);
  if (ours.at(-1)?.outcome?.status === 'refused') return 'refused';
  if (referral.state === 'completed' && referral.direction !== 'down') return 'close-loop';
  return undefined;
}

/** The facility's reminders, most urgent first. */
export function remindersOf(
  referrals: readonly ReferralDoc[],
  commandsByReferral: ReadonlyMap<string, readonly ReferralCommandDoc[]>,
  facilityId: string,
): Reminder[] {
  const reminders: Reminder[] = [];
  for (const referral of referrals) {
    const kind = reminderOf(referral, commandsByReferral.get(referral.id) ?? [], facilityId);
    if (kind) reminders.push({ referralId: referral.id, kind });
  }
  return reminders.sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
}
