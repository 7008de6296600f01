/**
 * The referral form's rules. A draft may be saved half-filled (a doctor is
 * interrupted, the patient is still deciding); a submit needs everything the
 * receiving side and the county need. The workflow rules of a submit
 * (targets, relations, 下线, direction, level skipping, consent) are the
 * state machine's own: the form asks it, so the clinic and the gateway can
 * never disagree about what may be sent.
 */
import {
  decide,
  type FacilityFacts,
  MAX_INPATIENT_TARGETS,
  type RefusalCode,
} from '../../../sync/protocol/referral/state-machine';
import {
  FACILITY_LEVELS,
  type FacilityDoc,
  type ReferralDirection,
  type ReferralDoc,
  type ReferralType,
} from '../../../sync/protocol/schema';
import type { Diagnosis } from '../../../sync/protocol/schema/care';
import type { OpenSlot } from '../../../sync/protocol/slots';

export interface ReferralInput {
  patientId: string;
  visitId?: string;
  type: ReferralType;
  direction: ReferralDirection;
  targetFacilityIds: string[];
  reason: string;
  careBeforeReferral: string;
  diagnoses: Diagnosis[];
  chiefComplaint: string;
  presentIllness: string;
  /** An up-referral that skips a level, allowed for a stated reason. */
  special: boolean;
  specialReason: string;
  /**
   * The hospital slot booked for the patient, by the county's slot id (its
   * appointment is made on submit): one of this clinic's quota slots, or an
   * online slot of the county's pool.
   */
  slotId?: string;
  /** When `slotId` is an online slot: the pool's slot, which the online booking is made from. Never stored. */
  onlineSlot?: OpenSlot;
  attachmentIds: string[];
  consentAttachmentId?: string;
}

export type ReferralField =
  | 'patient'
  | 'targets'
  | 'reason'
  | 'careBeforeReferral'
  | 'diagnoses'
  | 'chiefComplaint'
  | 'presentIllness'
  | 'specialReason'
  | 'consent'
  | 'form';

/** What is wrong with a field: a plain problem code, or the state machine's refusal code. */
export type FieldProblem = 'required' | 'too-long' | 'duplicate' | RefusalCode;

export type ReferralErrors = Partial<Record<ReferralField, FieldProblem>>;

/** The schema's limits (sync/protocol/schema/referrals.ts), checked before the store refuses. */
export const LIMITS = {
  reason: 2000,
  careBeforeReferral: 4000,
  chiefComplaint: 500,
  presentIllness: 4000,
  specialReason: 500,
} as const;

export function emptyReferralInput(patientId: string): ReferralInput {
  return {
    patientId,
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: [],
    reason: '',
    careBeforeReferral: '',
    diagnoses: [],
    chiefComplaint: '',
    presentIllness: '',
    special: false,
    specialReason: '',
    attachmentIds: [],
  };
}

export function factsOf(
  facility: Pick<FacilityDoc, 'level' | 'offline' | 'referralTargetIds'>,
): FacilityFacts {
  return { level: facility.level, offline: facility.offline, referralTargetIds: facility.referralTargetIds };
}

/** How many levels up the target is (county over village: 2). Negative for downward. */
export function levelGap(referrer: Pick<FacilityDoc, 'level'>, target: Pick<FacilityDoc, 'level'>): number {
  return FACILITY_LEVELS.indexOf(target.level) - FACILITY_LEVELS.indexOf(referrer.level);
}

/** Whether the referral type takes several targets at once (the first approval wins). */
export function takesSeveralTargets(type: ReferralType, direction: ReferralDirection): boolean {
  return type === 'inpatient' && direction !== 'down';
}

export function maxTargets(type: ReferralType, direction: ReferralDirection): number {
  return takesSeveralTargets(type, direction) ? MAX_INPATIENT_TARGETS : 1;
}

function lengthProblems(input: ReferralInput): ReferralErrors {
  const errors: ReferralErrors = {};
  for (const field of Object.keys(LIMITS) as Array<keyof typeof LIMITS>) {
    if (input[field].length > LIMITS[field]) errors[field] = 'too-long';
  }
  return errors;
}

/** Where the state machine's refusal belongs on the form. */
const REFUSAL_FIELD: Partial<Record<RefusalCode, ReferralField>> = {
  'consent-missing': 'consent',
  'level-skipped': 'specialReason',
  'referrer-offline': 'form',
};

/** The referral the input would make, as the state machine sees it (a draft of this facility). */
export function asDraftReferral(input: ReferralInput, facilityId: string): ReferralDoc {
  const at = new Date(0).toISOString();
  return {
    id: 'form',
    facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: 'form',
    updatedBy: 'form',
    serialNo: 'form',
    state: 'draft',
    appliedSeq: 0,
    ...formFields(input),
  };
}

/** The referral document's form fields (empty optional text left out). */
export function formFields(input: ReferralInput) {
  const text = (value: string) => (value.trim() ? value.trim() : undefined);
  const fields = {
    patientId: input.patientId,
    visitId: input.visitId,
    type: input.type,
    direction: input.direction,
    targetFacilityIds: [...input.targetFacilityIds],
    reason: input.reason.trim(),
    careBeforeReferral: text(input.careBeforeReferral),
    diagnoses: input.diagnoses.map(({ code, name }) => ({ code, name })),
    chiefComplaint: text(input.chiefComplaint),
    presentIllness: text(input.presentIllness),
    attachmentIds: [...input.attachmentIds],
    consentAttachmentId: input.consentAttachmentId,
    slotId: input.slotId,
    special: input.special || undefined,
    specialReason: input.special ? text(input.specialReason) : undefined,
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as unknown as Pick<
    ReferralDoc,
    'patientId' | 'type' | 'direction' | 'targetFacilityIds' | 'reason' | 'diagnoses' | 'attachmentIds'
  > &
    Partial<ReferralDoc>;
}

/**
 * How the chosen slot is booked on submit: online (held and confirmed at the
 * county) when the form picked it from the pool, else from this clinic's quota.
 */
export function slotBooking(
  input: Pick<ReferralInput, 'slotId' | 'onlineSlot'>,
): { mode: 'online'; slot: OpenSlot } | { mode: 'quota'; slotId: string } | undefined {
  if (!input.slotId) return undefined;
  return input.onlineSlot?.slotId === input.slotId
    ? { mode: 'online', slot: input.onlineSlot }
    : { mode: 'quota', slotId: input.slotId };
}

/** A draft: only what would break the record (no patient, text over the limits). */
export function validateDraft(input: ReferralInput): ReferralErrors {
  const errors = lengthProblems(input);
  if (!input.patientId) errors.patient = 'required';
  return errors;
}

export interface SubmitContext {
  referrer: FacilityDoc;
  /** Every facility the clinic knows (reference data), by id. */
  facilities: ReadonlyMap<string, FacilityDoc>;
}

/**
 * A submit: the form's own rules, then (when those pass) the state machine's
 * submit rules on the referral the form would send.
 */
export function validateSubmit(input: ReferralInput, context: SubmitContext): ReferralErrors {
  const errors = validateDraft(input);
  if (!input.reason.trim()) errors.reason = 'required';
  if (input.diagnoses.length === 0) errors.diagnoses = 'required';
  else if (new Set(input.diagnoses.map((d) => d.code)).size !== input.diagnoses.length)
    errors.diagnoses = 'duplicate';
  if (input.special && !input.specialReason.trim()) errors.specialReason = 'required';
  if (!input.consentAttachmentId) errors.consent = 'consent-missing';
  if (input.targetFacilityIds.length === 0) errors.targets = 'no-targets';
  if (Object.keys(errors).length > 0) return errors;

  const facilities: Record<string, FacilityFacts> = {};
  for (const [id, facility] of context.facilities) facilities[id] = factsOf(facility);
  facilities[context.referrer.id] = factsOf(context.referrer);
  const decision = decide(
    asDraftReferral(input, context.referrer.id),
    { command: 'submit' },
    { now: new Date(), actorFacilityId: context.referrer.id, actorRoles: ['doctor'], facilities },
  );
  if (!decision.ok) errors[REFUSAL_FIELD[decision.reason] ?? 'targets'] = decision.reason;
  return errors;
}
