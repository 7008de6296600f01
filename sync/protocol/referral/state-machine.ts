/**
 * The two-way referral (双向转诊) workflow: ONE pure state machine, used by the
 * clinic (to show what may happen next) and by the county gateway (the
 * authority, with its own clock). No I/O, no clock of its own: every function
 * takes `now`.
 *
 *   draft ─submit─▶ outgoing-review ─review×2─▶ incoming-review ─review─▶ approved
 *     │               (dept head, then           (per target, up to 3     │ arrange
 *     │                medical affairs)           levels; reject escalates) ▼
 *     │  emergency: straight to approved; review-free sides are skipped   arranged
 *     │                                                                    │ attend
 *     ▼                                                                    ▼
 *  rejected / auto-rejected ─submit (re-send, other targets)─▶ …      arrived ─(no) no-show
 *                                                                          │ complete (up/lateral)   │ feedback (down)
 *                                                                          ▼                         ▼
 *                                                                      completed ─return─▶ returned  closed
 *                                                                          └─feedback (referrer)─▶ closed
 *
 * `print` (打印转诊单) records that the referring clinic printed the slip: no
 * state change, from submission until arrangement; an inpatient slip only
 * after approval.
 *
 * Reviews (outgoing and incoming) must finish within 30 minutes of the
 * gateway clock, or `expire` auto-rejects (自动驳回). Downward referrals have
 * no time limit. Downward inpatient referrals skip incoming review.
 */
import { PERMISSIONS } from '../roles';
import type { FacilityLevel } from '../schema/facilities';
import type { Role } from '../schema/people';
import type { ReferralDoc, ReferralTargetState } from '../schema/referrals';

export const REFERRAL_STATES = [
  'draft',
  'outgoing-review',
  'incoming-review',
  'approved',
  'arranged',
  'arrived',
  'completed',
  'rejected',
  'auto-rejected',
  'cancelled',
  'no-show',
  'returned',
  'closed',
] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

/** Nothing ever changes a referral in these states. */
export const TERMINAL_STATES: ReadonlySet<string> = new Set(['cancelled', 'no-show', 'returned', 'closed']);
/** States with a review under way (the only states that may carry a deadline). */
export const REVIEW_STATES: ReadonlySet<string> = new Set(['outgoing-review', 'incoming-review']);
/** States in which a target has accepted the patient. */
export const ACCEPTED_STATES: ReadonlySet<string> = new Set([
  'approved',
  'arranged',
  'arrived',
  'completed',
  'no-show',
  'returned',
  'closed',
]);

/** Canonical commands. `approve` / `reject` are accepted as `review` with that decision. */
export const REFERRAL_COMMANDS = [
  'submit',
  'review',
  'cancel',
  'arrange',
  'attend',
  'complete',
  'feedback',
  'return',
  'print',
] as const;
export type ReferralCommandName = (typeof REFERRAL_COMMANDS)[number];

export const REVIEW_WINDOW_MS = 30 * 60 * 1000;
export const MAX_INCOMING_LEVELS = 3;
export const MAX_INPATIENT_TARGETS = 5;

/** Per facility; either side may be 免审 (review-free). */
export interface ReviewConfig {
  outgoingReviewFree: boolean;
  /** 1 = department head only; 2 = department head, then medical affairs. */
  outgoingLevels: 1 | 2;
  incomingReviewFree: boolean;
  /** Clinical department → administrative department → vice-president. */
  incomingLevels: 1 | 2 | 3;
}

export const DEFAULT_REVIEW_CONFIG: ReviewConfig = {
  outgoingReviewFree: false,
  outgoingLevels: 2,
  incomingReviewFree: false,
  incomingLevels: 3,
};

export type ReviewStage = 'outgoing' | 'incoming';
/** Roles that review at one level only. */
export type LevelReviewerRole = 'department-head' | 'medical-affairs' | 'vice-president';

/**
 * Who reviews at each level: outgoing 科室主任 then 医务部; incoming the
 * clinical department's 科室主任, then the administrative department (医务部),
 * then 分管院领导. The role `reviewer` reviews at every level.
 */
const LEVEL_ROLES: Record<ReviewStage, readonly LevelReviewerRole[]> = {
  outgoing: ['department-head', 'medical-affairs'],
  incoming: ['department-head', 'medical-affairs', 'vice-president'],
};

const LEVEL_ROLE_NAMES: Record<LevelReviewerRole, string> = {
  'department-head': 'the department head (科室主任)',
  'medical-affairs': 'medical affairs (医务部)',
  'vice-president': 'the vice-president (分管院领导)',
};

/** The role bound to this review level (undefined past the last level). */
export function reviewRoleFor(stage: ReviewStage, level: number): LevelReviewerRole | undefined {
  return LEVEL_ROLES[stage][level - 1];
}

/** Whether someone with these roles may review at this level: `reviewer`, or the level's own role. */
export function mayReviewAt(roles: readonly Role[], stage: ReviewStage, level: number): boolean {
  const bound = reviewRoleFor(stage, level);
  return roles.includes('reviewer') || (bound !== undefined && roles.includes(bound));
}

export interface FacilityFacts {
  level: FacilityLevel;
  /** 下线: taken offline by the authority. */
  offline: boolean;
  /** Facilities it may refer to (医联体对口关系). */
  referralTargetIds: readonly string[];
}

export interface Actor {
  facilityId: string;
  roles: readonly Role[];
}

export interface DecideContext {
  /** The gateway's clock (ISO string or Date). */
  now: string | Date;
  actorFacilityId: string;
  actorRoles: readonly Role[];
  /** Facts of the referrer and the targets (levels, relations, 下线). Needed by submit. */
  facilities: Readonly<Record<string, FacilityFacts>>;
  /** Per facility; missing entries take DEFAULT_REVIEW_CONFIG. */
  reviewConfig?: Readonly<Record<string, Partial<ReviewConfig>>>;
}

export interface ReferralCommandInput {
  command: string;
  payload?: Record<string, unknown>;
}

export const REFUSAL_CODES = [
  'unknown-command',
  'not-party',
  'terminal-state',
  'wrong-state',
  'already-decided',
  'not-for-direction',
  'not-for-type',
  'wrong-side',
  'role-missing',
  'review-deadline-passed',
  'stale-review',
  'bad-payload',
  'no-targets',
  'too-many-targets',
  'single-target-only',
  'duplicate-target',
  'self-target',
  'target-unknown',
  'target-not-related',
  'target-offline',
  'referrer-offline',
  'direction-mismatch',
  'level-skipped',
  'consent-missing',
  'not-yet-approved',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export type ReferralEvent =
  | { kind: 'submitted'; targets: string[] }
  | { kind: 'review-started'; stage: 'outgoing' | 'incoming'; deadline?: string }
  | { kind: 'review-advanced'; stage: 'outgoing'; level: number }
  | { kind: 'escalated'; facilityId: string; level: number }
  | { kind: 'approved'; facilityId: string }
  | { kind: 'target-rejected'; facilityId: string }
  | { kind: 'rejected'; stage: 'outgoing' | 'incoming' | 'arrangement' }
  | { kind: 'targets-withdrawn'; facilityIds: string[] }
  | { kind: 'auto-rejected'; stage: 'outgoing' | 'incoming' }
  | { kind: 'printed' }
  | { kind: 'state'; from: string; to: string };

export type Decision =
  | { ok: true; next: Partial<ReferralDoc>; events: ReferralEvent[] }
  | { ok: false; reason: RefusalCode; message: string };

/** The fields the gateway owns (clinics never set them directly). */
export const WORKFLOW_FIELDS = [
  'state',
  'reviewDeadline',
  'appliedSeq',
  'targets',
  'acceptedFacilityId',
  'reviewLevel',
  'stateReason',
  'arrangement',
  'treatmentSummary',
  'feedback',
] as const satisfies ReadonlyArray<keyof ReferralDoc>;

/** Fields frozen once a referral has left draft (targets change only through a re-send). */
export const FROZEN_AFTER_DRAFT = [
  'type',
  'direction',
  'targetFacilityIds',
  'special',
  'specialReason',
  'patientId',
] as const satisfies ReadonlyArray<keyof ReferralDoc>;

type Side = 'referrer' | 'reviewing-target' | 'accepted-target';

interface Rule {
  from: readonly ReferralState[];
  roles: readonly Role[];
  /** Who acts; `review` depends on the stage, `feedback` on the direction. */
  side: (referral: ReferralDoc) => Side;
  directions?: readonly ReferralDoc['direction'][];
}

const RULES: Record<ReferralCommandName, Rule> = {
  submit: { from: ['draft', 'rejected', 'auto-rejected'], roles: ['doctor'], side: () => 'referrer' },
  // Narrowed to the level's own role by `reviewLevelRefusal`.
  review: {
    from: ['outgoing-review', 'incoming-review'],
    roles: PERMISSIONS['referral.review'],
    side: (r) => (r.state === 'outgoing-review' ? 'referrer' : 'reviewing-target'),
  },
  cancel: {
    from: [
      'draft',
      'outgoing-review',
      'incoming-review',
      'approved',
      'arranged',
      'rejected',
      'auto-rejected',
    ],
    roles: ['doctor', 'admin'],
    side: () => 'referrer',
  },
  // 医务部 arranges the visit or bed at most hospitals; a doctor or the clinic admin does at a small centre.
  arrange: {
    from: ['approved'],
    roles: ['doctor', 'reviewer', 'medical-affairs', 'admin'],
    side: () => 'accepted-target',
  },
  attend: { from: ['approved', 'arranged'], roles: ['doctor', 'nurse'], side: () => 'accepted-target' },
  complete: {
    from: ['arrived'],
    roles: ['doctor'],
    side: () => 'accepted-target',
    directions: ['up', 'lateral'],
  },
  feedback: {
    from: ['completed', 'arrived'],
    roles: ['doctor'],
    side: (r) => (r.direction === 'down' ? 'accepted-target' : 'referrer'),
  },
  return: {
    from: ['completed'],
    roles: ['doctor'],
    side: () => 'accepted-target',
    directions: ['up', 'lateral'],
  },
  // 打印转诊单: recorded (the SMS to the patient follows a successful print); the state stays.
  print: {
    from: ['outgoing-review', 'incoming-review', 'approved', 'arranged'],
    roles: ['doctor', 'nurse'],
    side: () => 'referrer',
  },
};

/** An inpatient slip is printed only once a target has approved (it names the accepting institution). */
const INPATIENT_PRINTABLE: ReadonlySet<string> = new Set(['approved', 'arranged']);

const LEVEL_RANK: Record<FacilityLevel, number> = { village: 0, township: 1, county: 2, city: 3 };

const LEVEL_NAMES: Record<FacilityLevel, string> = {
  village: 'village station',
  township: 'township centre',
  county: 'county hospital',
  city: 'city hospital',
};

function refuse(reason: RefusalCode, message: string): Decision {
  return { ok: false, reason, message };
}

function ms(now: string | Date): number {
  return typeof now === 'string' ? Date.parse(now) : now.getTime();
}

function iso(msValue: number): string {
  return new Date(msValue).toISOString();
}

/** `approve` / `reject` → review with that decision; anything else unchanged. */
export function canonicalCommand(input: ReferralCommandInput): {
  command: string;
  payload: Record<string, unknown>;
} {
  const payload = input.payload ?? {};
  if (input.command === 'approve' || input.command === 'reject') {
    return { command: 'review', payload: { ...payload, decision: input.command } };
  }
  return { command: input.command, payload };
}

function isCommand(command: string): command is ReferralCommandName {
  return (REFERRAL_COMMANDS as readonly string[]).includes(command);
}

export function reviewConfigOf(
  config: DecideContext['reviewConfig'] | undefined,
  facilityId: string,
): ReviewConfig {
  return { ...DEFAULT_REVIEW_CONFIG, ...(config?.[facilityId] ?? {}) };
}

/** Targets of the referral with their review status (a draft's targets are all pending). */
export function targetStates(referral: ReferralDoc): ReferralTargetState[] {
  return (
    referral.targets ?? referral.targetFacilityIds.map((facilityId) => ({ facilityId, status: 'pending' }))
  );
}

function isParty(referral: ReferralDoc, facilityId: string): boolean {
  return referral.facilityId === facilityId || referral.targetFacilityIds.includes(facilityId);
}

function deadlinePassed(referral: ReferralDoc, now: string | Date): boolean {
  return (
    REVIEW_STATES.has(referral.state) &&
    referral.reviewDeadline !== undefined &&
    ms(now) >= Date.parse(referral.reviewDeadline)
  );
}

/** The review step this facility decides now, if any (its own outgoing review, or its part as a target). */
function reviewStepOf(
  referral: ReferralDoc,
  facilityId: string,
): { stage: ReviewStage; level: number } | undefined {
  if (referral.state === 'outgoing-review' && referral.facilityId === facilityId) {
    return { stage: 'outgoing', level: referral.reviewLevel ?? 1 };
  }
  const mine = targetStates(referral).find((t) => t.facilityId === facilityId);
  if (referral.state === 'incoming-review' && mine?.status === 'reviewing') {
    return { stage: 'incoming', level: mine.level ?? 1 };
  }
  return undefined;
}

/**
 * A review by someone without the role of the level. `claimedLevel` is the
 * level the command says it decides: a department head's approval of level 1
 * that arrives after level 1 was decided is then a stale review, not a
 * missing role.
 */
function reviewLevelRefusal(
  referral: ReferralDoc,
  actor: Actor,
  claimedLevel: number | undefined,
): Decision | null {
  const step = reviewStepOf(referral, actor.facilityId);
  if (!step) return null;
  const level = claimedLevel ?? step.level;
  if (mayReviewAt(actor.roles, step.stage, level)) return null;
  const bound = reviewRoleFor(step.stage, level);
  return refuse(
    'role-missing',
    `Level ${level} of the ${step.stage} review is for ${bound ? LEVEL_ROLE_NAMES[bound] : 'a reviewer'}: it needs the role ${bound ? `${bound} or ` : ''}reviewer; this user has ${actor.roles.join(', ') || 'no role'}.`,
  );
}

/**
 * Who may issue which command, without the payload: command known, party,
 * state, direction, side, role (for a review, the role of its level), and
 * (when `now` is given) the review deadline.
 */
function guard(
  referral: ReferralDoc,
  command: string,
  actor: Actor,
  now: string | Date | undefined,
  claimedLevel?: number,
): Decision | null {
  if (!isCommand(command)) {
    return refuse(
      'unknown-command',
      `"${command}" is not a referral command (${REFERRAL_COMMANDS.join(', ')}).`,
    );
  }
  if (!isParty(referral, actor.facilityId)) {
    return refuse(
      'not-party',
      'This facility is neither the referring facility nor a target of the referral.',
    );
  }
  const rule = RULES[command];
  if (TERMINAL_STATES.has(referral.state)) {
    return refuse('terminal-state', `The referral is ${referral.state}; it cannot change any more.`);
  }
  if (!(rule.from as readonly string[]).includes(referral.state)) {
    if (command === 'review' && referral.state === 'auto-rejected') {
      return refuse(
        'review-deadline-passed',
        'The 30-minute review window has closed: the referral was auto-rejected and the referring doctor will choose another institution.',
      );
    }
    if (command === 'print') return refuse('wrong-state', printStateMessage(referral.state));
    if (command === 'review' && referral.state !== 'draft') {
      return refuse(
        'already-decided',
        `The review is over: the referral is already ${referral.state}${
          referral.acceptedFacilityId && referral.acceptedFacilityId !== actor.facilityId
            ? ' by another institution'
            : ''
        }.`,
      );
    }
    return refuse('wrong-state', `"${command}" is not possible while the referral is ${referral.state}.`);
  }
  if (
    command === 'feedback' &&
    referral.state !== (referral.direction === 'down' ? 'arrived' : 'completed')
  ) {
    return refuse(
      'wrong-state',
      referral.direction === 'down'
        ? 'Feedback on a downward referral is given once the patient has arrived.'
        : 'Feedback closes an up or lateral referral once treatment is completed.',
    );
  }
  if (rule.directions && !rule.directions.includes(referral.direction)) {
    return refuse(
      'not-for-direction',
      `"${command}" does not apply to ${referral.direction === 'down' ? 'downward' : referral.direction} referrals.`,
    );
  }
  const side = rule.side(referral);
  if (side === 'referrer' && actor.facilityId !== referral.facilityId) {
    return refuse('wrong-side', `Only the referring facility may ${sideVerb(command, referral)}.`);
  }
  if (side === 'accepted-target' && actor.facilityId !== referral.acceptedFacilityId) {
    return refuse('wrong-side', `Only the receiving institution that accepted the patient may ${command}.`);
  }
  if (side === 'reviewing-target') {
    const mine = targetStates(referral).find((t) => t.facilityId === actor.facilityId);
    if (mine?.status !== 'reviewing') {
      return refuse(
        'wrong-side',
        mine
          ? `This institution's part in the review is over (${mine.status}).`
          : 'Only a receiving institution under review may review it now.',
      );
    }
  }
  if (command === 'review') {
    const refused = reviewLevelRefusal(referral, actor, claimedLevel);
    if (refused) return refused;
  } else if (!actor.roles.some((role) => rule.roles.includes(role))) {
    return refuse(
      'role-missing',
      `"${command}" needs the role ${rule.roles.join(' or ')}; this user has ${actor.roles.join(', ') || 'no role'}.`,
    );
  }
  if (command === 'print' && referral.type === 'inpatient' && !INPATIENT_PRINTABLE.has(referral.state)) {
    return refuse(
      'not-yet-approved',
      `An inpatient referral's slip is printed only after a receiving institution has approved it; the referral is still in ${referral.state === 'outgoing-review' ? 'outgoing' : 'incoming'} review.`,
    );
  }
  if (command === 'review' && now !== undefined && deadlinePassed(referral, now)) {
    return refuse(
      'review-deadline-passed',
      `The review had to finish by ${referral.reviewDeadline} (30 minutes); it is too late to review: the referral is auto-rejected and the referring doctor will choose another institution.`,
    );
  }
  return null;
}

function printStateMessage(state: string): string {
  if (state === 'draft') return 'Submit the referral before printing its slip.';
  if (state === 'rejected' || state === 'auto-rejected') {
    return `The referral is ${state}: there is no slip to print until it is sent to another institution.`;
  }
  return `The slip is printed before the patient goes; the referral is already ${state}.`;
}

function sideVerb(command: string, referral: ReferralDoc): string {
  if (command === 'review') return 'carry out the outgoing review';
  if (command === 'print') return 'print the referral slip';
  if (command === 'feedback' && referral.direction !== 'down') return 'close the loop with feedback';
  return command;
}

/**
 * The referral as its own clinic may take it while a submit it appended has
 * not been judged yet (offline): under outgoing review. Lets the referring
 * clinic print an outpatient or emergency slip offline; the county judges the
 * queued print after the submit, and refuses it if the submit was refused.
 */
export function assumingSubmitted(referral: ReferralDoc): ReferralDoc {
  return RULES.submit.from.includes(referral.state as ReferralState)
    ? { ...referral, state: 'outgoing-review' }
    : referral;
}

/** Commands this actor may issue now (for the UI). Payload rules are checked by `decide`. */
export function allowedCommands(
  referral: ReferralDoc,
  actor: Actor,
  now?: string | Date,
): ReferralCommandName[] {
  return REFERRAL_COMMANDS.filter((command) => guard(referral, command, actor, now) === null);
}

/** Validates one command against the referral and, if allowed, returns the next workflow fields. */
export function decide(referral: ReferralDoc, input: ReferralCommandInput, context: DecideContext): Decision {
  const { command, payload } = canonicalCommand(input);
  const refused = guard(
    referral,
    command,
    { facilityId: context.actorFacilityId, roles: context.actorRoles },
    context.now,
    Number.isInteger(payload.level) ? (payload.level as number) : undefined,
  );
  if (refused) return refused;
  switch (command as ReferralCommandName) {
    case 'submit':
      return submit(referral, payload, context);
    case 'review':
      return review(referral, payload, context);
    case 'cancel':
      return cancel(referral, payload);
    case 'arrange':
      return arrange(referral, payload);
    case 'attend':
      return attend(referral, payload);
    case 'complete':
      return complete(referral, payload);
    case 'feedback':
      return step(referral, 'closed', { feedback: payload });
    case 'return':
      return step(referral, 'returned', {});
    case 'print':
      return { ok: true, next: { appliedSeq: referral.appliedSeq + 1 }, events: [{ kind: 'printed' }] };
  }
}

/** The auto-reject sweep: an overdue review becomes auto-rejected; anything else gives null. */
export function expire(referral: ReferralDoc, now: string | Date): Decision | null {
  if (!deadlinePassed(referral, now) || referral.direction === 'down') return null;
  const stage = referral.state === 'outgoing-review' ? 'outgoing' : 'incoming';
  const expired: string[] = [];
  const targets = targetStates(referral).map((t) => {
    if (t.status !== 'pending' && t.status !== 'reviewing') return t;
    expired.push(t.facilityId);
    return { facilityId: t.facilityId, status: 'expired' as const };
  });
  return {
    ok: true,
    next: {
      state: 'auto-rejected',
      reviewDeadline: undefined,
      reviewLevel: undefined,
      targets,
      stateReason: `No ${stage} review within 30 minutes (by ${referral.reviewDeadline}): auto-rejected; choose another institution.`,
      appliedSeq: referral.appliedSeq + 1,
    },
    events: [
      { kind: 'auto-rejected', stage },
      { kind: 'targets-withdrawn', facilityIds: expired },
      { kind: 'state', from: referral.state, to: 'auto-rejected' },
    ],
  };
}

/** The referral with a decision's fields applied (cleared fields removed). */
export function applyNext(referral: ReferralDoc, next: Partial<ReferralDoc>): ReferralDoc {
  const merged: Record<string, unknown> = { ...referral, ...next };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged as unknown as ReferralDoc;
}

// ── commands ────────────────────────────────────────────────────────────────

function step(referral: ReferralDoc, to: ReferralState, fields: Partial<ReferralDoc>): Decision {
  return {
    ok: true,
    next: { ...fields, state: to, appliedSeq: referral.appliedSeq + 1 },
    events: [{ kind: 'state', from: referral.state, to }],
  };
}

function submit(referral: ReferralDoc, payload: Record<string, unknown>, context: DecideContext): Decision {
  const given = payload.targetFacilityIds;
  if (given !== undefined && (!Array.isArray(given) || !given.every((id) => typeof id === 'string'))) {
    return refuse('bad-payload', 'targetFacilityIds must be a list of facility ids.');
  }
  const targets = (given as string[] | undefined) ?? referral.targetFacilityIds;
  const referrerId = referral.facilityId;
  const multiple = referral.type === 'inpatient' && referral.direction !== 'down';
  if (targets.length === 0) return refuse('no-targets', 'Choose the institution to refer the patient to.');
  if (new Set(targets).size !== targets.length) {
    return refuse('duplicate-target', 'The same institution is chosen twice.');
  }
  if (targets.includes(referrerId)) {
    return refuse('self-target', 'A facility cannot refer a patient to itself.');
  }
  if (!multiple && targets.length > 1) {
    return refuse(
      'single-target-only',
      referral.type === 'emergency'
        ? 'An emergency referral goes to a single institution.'
        : 'Only an inpatient up or lateral referral may go to several institutions at once.',
    );
  }
  if (targets.length > MAX_INPATIENT_TARGETS) {
    return refuse('too-many-targets', `At most ${MAX_INPATIENT_TARGETS} institutions at once.`);
  }
  if (!referral.consentAttachmentId) {
    return refuse(
      'consent-missing',
      'The patient’s informed consent (知情同意) must be captured before submitting.',
    );
  }
  const referrer = context.facilities[referrerId];
  if (!referrer) return refuse('target-unknown', 'The referring facility is not known to the county.');
  if (referrer.offline) {
    return refuse(
      'referrer-offline',
      'This facility has been taken offline (下线) and cannot make referrals.',
    );
  }
  for (const targetId of targets) {
    const target = context.facilities[targetId];
    if (!target) return refuse('target-unknown', `Institution ${targetId} is not known to the county.`);
    if (target.offline) {
      return refuse(
        'target-offline',
        'The chosen institution has been taken offline (下线) and accepts no referrals; choose another.',
      );
    }
    if (!referrer.referralTargetIds.includes(targetId)) {
      return refuse(
        'target-not-related',
        'The chosen institution is not among this facility’s configured referral relations (医联体对口关系).',
      );
    }
    const from = LEVEL_RANK[referrer.level];
    const to = LEVEL_RANK[target.level];
    const fits =
      referral.direction === 'up' ? to > from : referral.direction === 'down' ? to < from : to === from;
    if (!fits) {
      return refuse(
        'direction-mismatch',
        `A ${LEVEL_NAMES[referrer.level]} referring to a ${LEVEL_NAMES[target.level]} is not a ${referral.direction} referral.`,
      );
    }
    if (
      referral.direction === 'up' &&
      to - from > 1 &&
      !(referral.special && referral.specialReason?.trim())
    ) {
      return refuse(
        'level-skipped',
        `Up-referral may not skip a level (${LEVEL_NAMES[referrer.level]} → ${LEVEL_NAMES[target.level]}) unless marked special with a reason.`,
      );
    }
  }

  const now = ms(context.now);
  const base: Partial<ReferralDoc> = {
    targetFacilityIds: [...targets],
    acceptedFacilityId: undefined,
    stateReason: undefined,
    arrangement: undefined,
    treatmentSummary: undefined,
    feedback: undefined,
    reviewLevel: undefined,
    reviewDeadline: undefined,
    appliedSeq: referral.appliedSeq + 1,
  };
  const events: ReferralEvent[] = [{ kind: 'submitted', targets: [...targets] }];
  const [first] = targets as [string, ...string[]];

  if (referral.type === 'emergency') {
    return approvedBy(referral, first, targets, base, events);
  }
  if (!reviewConfigOf(context.reviewConfig, referrerId).outgoingReviewFree) {
    return startReview(referral, 'outgoing', now, base, events, {
      reviewLevel: 1,
      targets: targets.map((facilityId) => ({ facilityId, status: 'pending' })),
    });
  }
  return enterIncoming(referral, targets, base, events, context);
}

function enterIncoming(
  referral: ReferralDoc,
  targets: readonly string[],
  base: Partial<ReferralDoc>,
  events: ReferralEvent[],
  context: DecideContext,
): Decision {
  const [first] = targets as [string, ...string[]];
  if (referral.direction === 'down' && referral.type === 'inpatient') {
    return approvedBy(referral, first, targets, base, events);
  }
  const free = targets.find((id) => reviewConfigOf(context.reviewConfig, id).incomingReviewFree);
  if (free) return approvedBy(referral, free, targets, base, events);
  return startReview(referral, 'incoming', ms(context.now), base, events, {
    reviewLevel: undefined,
    targets: targets.map((facilityId) => ({ facilityId, status: 'reviewing', level: 1 })),
  });
}

/** Opens a review stage: its deadline (none for downward referrals), its events and its state. */
function startReview(
  referral: ReferralDoc,
  stage: 'outgoing' | 'incoming',
  now: number,
  base: Partial<ReferralDoc>,
  events: ReferralEvent[],
  fields: Partial<ReferralDoc>,
): Decision {
  const deadline = referral.direction === 'down' ? undefined : iso(now + REVIEW_WINDOW_MS);
  const state = stage === 'outgoing' ? 'outgoing-review' : 'incoming-review';
  events.push({ kind: 'review-started', stage, ...(deadline ? { deadline } : {}) });
  events.push({ kind: 'state', from: referral.state, to: state });
  return { ok: true, next: { ...base, ...fields, state, reviewDeadline: deadline }, events };
}

function approvedBy(
  referral: ReferralDoc,
  winner: string,
  targets: readonly string[],
  base: Partial<ReferralDoc>,
  events: ReferralEvent[],
  previous?: readonly ReferralTargetState[],
): Decision {
  const withdrawn: string[] = [];
  const states: ReferralTargetState[] = targets.map((facilityId) => {
    if (facilityId === winner) return { facilityId, status: 'approved' };
    const before = previous?.find((t) => t.facilityId === facilityId);
    if (before && before.status !== 'pending' && before.status !== 'reviewing') return before;
    withdrawn.push(facilityId);
    return { facilityId, status: 'withdrawn' };
  });
  events.push({ kind: 'approved', facilityId: winner });
  if (withdrawn.length > 0) events.push({ kind: 'targets-withdrawn', facilityIds: withdrawn });
  events.push({ kind: 'state', from: referral.state, to: 'approved' });
  return {
    ok: true,
    next: {
      ...base,
      state: 'approved',
      acceptedFacilityId: winner,
      reviewLevel: undefined,
      reviewDeadline: undefined,
      targets: states,
    },
    events,
  };
}

function review(referral: ReferralDoc, payload: Record<string, unknown>, context: DecideContext): Decision {
  const decision = payload.decision;
  if (decision !== 'approve' && decision !== 'reject') {
    return refuse('bad-payload', 'A review needs a decision: approve or reject.');
  }
  const note = typeof payload.note === 'string' ? payload.note.slice(0, 400) : undefined;
  const base: Partial<ReferralDoc> = { appliedSeq: referral.appliedSeq + 1 };
  const events: ReferralEvent[] = [];
  const targets = targetStates(referral);

  if (referral.state === 'outgoing-review') {
    const level = referral.reviewLevel ?? 1;
    if (payload.level !== undefined && payload.level !== level) {
      return refuse(
        'stale-review',
        `The outgoing review is at level ${level}, not ${String(payload.level)}.`,
      );
    }
    if (decision === 'reject') {
      events.push({ kind: 'rejected', stage: 'outgoing' });
      events.push({ kind: 'targets-withdrawn', facilityIds: targets.map((t) => t.facilityId) });
      events.push({ kind: 'state', from: referral.state, to: 'rejected' });
      return {
        ok: true,
        next: {
          ...base,
          state: 'rejected',
          reviewLevel: undefined,
          reviewDeadline: undefined,
          stateReason: note ?? 'Rejected at the outgoing review.',
          targets: targets.map((t) => ({ facilityId: t.facilityId, status: 'withdrawn' })),
        },
        events,
      };
    }
    if (level < reviewConfigOf(context.reviewConfig, referral.facilityId).outgoingLevels) {
      events.push({ kind: 'review-advanced', stage: 'outgoing', level: level + 1 });
      return { ok: true, next: { ...base, reviewLevel: level + 1 }, events };
    }
    return enterIncoming(referral, referral.targetFacilityIds, base, events, context);
  }

  // incoming-review: the guard made sure the actor is a target under review.
  const mine = targets.find((t) => t.facilityId === context.actorFacilityId) as ReferralTargetState;
  const level = mine.level ?? 1;
  if (payload.level !== undefined && payload.level !== level) {
    return refuse('stale-review', `The incoming review is at level ${level}, not ${String(payload.level)}.`);
  }
  if (decision === 'approve') {
    return approvedBy(referral, mine.facilityId, referral.targetFacilityIds, base, events, targets);
  }
  const levels = Math.min(
    MAX_INCOMING_LEVELS,
    reviewConfigOf(context.reviewConfig, mine.facilityId).incomingLevels,
  );
  if (level < levels) {
    events.push({ kind: 'escalated', facilityId: mine.facilityId, level: level + 1 });
    return {
      ok: true,
      next: {
        ...base,
        targets: targets.map((t) =>
          t.facilityId === mine.facilityId ? { ...t, status: 'reviewing', level: level + 1 } : t,
        ),
      },
      events,
    };
  }
  const after: ReferralTargetState[] = targets.map((t) =>
    t.facilityId === mine.facilityId ? { facilityId: t.facilityId, status: 'rejected' } : t,
  );
  events.push({ kind: 'target-rejected', facilityId: mine.facilityId });
  if (after.some((t) => t.status === 'reviewing'))
    return { ok: true, next: { ...base, targets: after }, events };
  events.push({ kind: 'rejected', stage: 'incoming' });
  events.push({ kind: 'state', from: referral.state, to: 'rejected' });
  return {
    ok: true,
    next: {
      ...base,
      state: 'rejected',
      reviewDeadline: undefined,
      stateReason: note ?? 'Rejected by every receiving institution; choose another.',
      targets: after,
    },
    events,
  };
}

function cancel(referral: ReferralDoc, payload: Record<string, unknown>): Decision {
  const withdrawn: string[] = [];
  const targets = targetStates(referral).map((t) => {
    if (t.status === 'rejected' || t.status === 'withdrawn' || t.status === 'expired') return t;
    withdrawn.push(t.facilityId);
    return { facilityId: t.facilityId, status: 'withdrawn' as const };
  });
  const decision = step(referral, 'cancelled', {
    targets,
    acceptedFacilityId: undefined,
    reviewDeadline: undefined,
    reviewLevel: undefined,
    stateReason: typeof payload.reason === 'string' ? payload.reason.slice(0, 400) : 'Cancelled',
  });
  if (decision.ok && withdrawn.length > 0) {
    decision.events.unshift({ kind: 'targets-withdrawn', facilityIds: withdrawn });
  }
  return decision;
}

function arrange(referral: ReferralDoc, payload: Record<string, unknown>): Decision {
  const { accept, ...arrangement } = payload;
  if (accept === false) {
    const decision = step(referral, 'rejected', {
      acceptedFacilityId: undefined,
      stateReason:
        typeof payload.reason === 'string' ? payload.reason.slice(0, 400) : 'Declined at arrangement.',
      targets: targetStates(referral).map((t) =>
        t.status === 'approved' ? { facilityId: t.facilityId, status: 'rejected' } : t,
      ),
    });
    if (decision.ok) decision.events.unshift({ kind: 'rejected', stage: 'arrangement' });
    return decision;
  }
  return step(referral, 'arranged', { arrangement });
}

function attend(referral: ReferralDoc, payload: Record<string, unknown>): Decision {
  if (typeof payload.attended !== 'boolean') {
    return refuse('bad-payload', 'Say whether the patient attended (attended: true or false).');
  }
  return step(referral, payload.attended ? 'arrived' : 'no-show', {});
}

function complete(referral: ReferralDoc, payload: Record<string, unknown>): Decision {
  if (typeof payload.summary !== 'string' || payload.summary.trim() === '') {
    return refuse('bad-payload', 'Completing treatment needs a treatment summary.');
  }
  return step(referral, 'completed', { treatmentSummary: payload.summary.slice(0, 4000) });
}
