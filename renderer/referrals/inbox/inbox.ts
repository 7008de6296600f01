/**
 * The receiving side's inbox as pure rules: which referrals this facility has
 * to act on, at which review step, how long is left, and what this user may
 * do next (the shared state machine decides; this file only sorts and words).
 */
import {
  allowedCommands,
  REVIEW_STATES,
  type ReferralCommandName,
  TERMINAL_STATES,
  targetStates,
} from '../../../sync/protocol/referral/state-machine';
import type { Role } from '../../../sync/protocol/schema/people';
import type { ReferralCommandDoc, ReferralDoc } from '../../../sync/protocol/schema/referrals';

/** To review now; received and under way; over (for this facility). */
export type InboxSection = 'review' | 'receiving' | 'finished';

/**
 * The review step a reviewer of this facility is asked for: outgoing level 1
 * department head (科室主任), 2 medical affairs (医务部); incoming level 1
 * clinical department (临床科室), 2 administrative department (行政部门),
 * 3 vice-president (分管院领导).
 */
export interface ReviewStep {
  stage: 'outgoing' | 'incoming';
  level: number;
}

export interface InboxItem {
  referral: ReferralDoc;
  section: InboxSection;
  /** Set when a reviewer of this facility is the one to decide now. */
  step?: ReviewStep;
  /** What this user may do now; empty while an earlier command waits for the county. */
  allowed: ReferralCommandName[];
  /** Commands appended here or at the other party that the county has not judged. */
  waiting: ReferralCommandDoc[];
  /** The latest refusal by the county of a command from this facility, newest first. */
  refused?: ReferralCommandDoc;
}

export interface InboxActor {
  facilityId: string;
  roles: readonly Role[];
}

/** This facility's part in the referral's review, if it is one of the targets. */
function myTarget(referral: ReferralDoc, facilityId: string) {
  return targetStates(referral).find((t) => t.facilityId === facilityId);
}

/** The review step this facility decides now, if any. */
export function reviewStepFor(referral: ReferralDoc, facilityId: string): ReviewStep | undefined {
  if (referral.state === 'outgoing-review' && referral.facilityId === facilityId) {
    return { stage: 'outgoing', level: referral.reviewLevel ?? 1 };
  }
  if (referral.state === 'incoming-review') {
    const mine = myTarget(referral, facilityId);
    if (mine?.status === 'reviewing') return { stage: 'incoming', level: mine.level ?? 1 };
  }
  return undefined;
}

/** Whether the referral belongs in this facility's inbox at all, and where. */
export function sectionOf(referral: ReferralDoc, facilityId: string): InboxSection | null {
  const referrer = referral.facilityId === facilityId;
  const target = referral.targetFacilityIds.includes(facilityId);
  if (reviewStepFor(referral, facilityId)) return 'review';
  // The referring side's list belongs to the referral page; drafts are not sent yet.
  if (referrer || !target || referral.state === 'draft') return null;
  if (TERMINAL_STATES.has(referral.state)) return 'finished';
  const mine = myTarget(referral, facilityId);
  if (referral.acceptedFacilityId && referral.acceptedFacilityId !== facilityId) return 'finished';
  if (mine && ['rejected', 'withdrawn', 'expired'].includes(mine.status)) return 'finished';
  if (referral.state === 'rejected' || referral.state === 'auto-rejected') return 'finished';
  return 'receiving';
}

/**
 * The inbox: every referral this facility reviews or receives, the most
 * urgent first (a running review deadline, soonest first; then the latest change).
 */
export function inboxItems(
  referrals: readonly ReferralDoc[],
  commandsByReferral: ReadonlyMap<string, readonly ReferralCommandDoc[]>,
  actor: InboxActor,
  now: Date,
): InboxItem[] {
  const items: InboxItem[] = [];
  for (const referral of referrals) {
    const section = sectionOf(referral, actor.facilityId);
    if (!section) continue;
    const commands = commandsByReferral.get(referral.id) ?? [];
    const waiting = commands.filter((command) => command.outcome === undefined);
    const refused = commands
      .filter((c) => c.facilityId === actor.facilityId && c.outcome?.status === 'refused')
      .at(-1);
    const step = section === 'review' ? reviewStepFor(referral, actor.facilityId) : undefined;
    items.push({
      referral,
      section,
      ...(step ? { step } : {}),
      allowed: waiting.length > 0 ? [] : allowedCommands(referral, actor, now),
      waiting,
      ...(refused && refused.createdAt >= (lastApplied(commands)?.createdAt ?? '') ? { refused } : {}),
    });
  }
  return items.sort(byUrgency);
}

function lastApplied(commands: readonly ReferralCommandDoc[]): ReferralCommandDoc | undefined {
  return commands.filter((c) => c.outcome?.status === 'applied').at(-1);
}

const SECTION_ORDER: Record<InboxSection, number> = { review: 0, receiving: 1, finished: 2 };

function byUrgency(a: InboxItem, b: InboxItem): number {
  if (a.section !== b.section) return SECTION_ORDER[a.section] - SECTION_ORDER[b.section];
  const da = a.referral.reviewDeadline ?? '';
  const db = b.referral.reviewDeadline ?? '';
  if (da && db && da !== db) return da < db ? -1 : 1;
  if (da !== db) return da ? -1 : 1;
  return a.referral.updatedAt < b.referral.updatedAt ? 1 : -1;
}

export interface Countdown {
  /** Milliseconds left (0 once passed). */
  left: number;
  overdue: boolean;
  /** Under five minutes: shown as urgent. */
  urgent: boolean;
  /** "29:59", or "1:02:03" beyond an hour. */
  text: string;
}

const URGENT_MS = 5 * 60_000;

/** Time left of a review (reviewDeadline is the county clock; the screen counts with this PC's). */
export function countdown(deadline: string | undefined, now: Date): Countdown | null {
  if (!deadline) return null;
  const left = Math.max(0, Date.parse(deadline) - now.getTime());
  const seconds = Math.ceil(left / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    left,
    overdue: left === 0,
    urgent: left < URGENT_MS,
    text: h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`,
  };
}

/** Whether the referral is in a review that has a time limit (downward reviews have none). */
export function hasTimeLimit(referral: ReferralDoc): boolean {
  return REVIEW_STATES.has(referral.state) && referral.reviewDeadline !== undefined;
}
