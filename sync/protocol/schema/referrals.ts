import type { RxJsonSchema } from 'rxdb';
import {
  diagnosisList,
  ID_MAX,
  type OwnedDocument,
  ownedProperties,
  ownedRequired,
  stringList,
} from './common';

export const REFERRAL_TYPES = ['outpatient', 'inpatient', 'emergency'] as const;
export type ReferralType = (typeof REFERRAL_TYPES)[number];
export const REFERRAL_DIRECTIONS = ['up', 'lateral', 'down'] as const;
export type ReferralDirection = (typeof REFERRAL_DIRECTIONS)[number];

/**
 * The referral as the county gateway last applied it. Clinics never edit the
 * workflow fields directly: they append ReferralCommandDocs and read this back.
 * The draft part (form fields) is owned by the referring facility.
 */
export interface ReferralDoc extends OwnedDocument {
  serialNo: string;
  patientId: string;
  visitId?: string;
  type: ReferralType;
  direction: ReferralDirection;
  targetFacilityIds: string[];
  /** Set by the gateway: draft, submitted, in-review, approved, rejected, auto-rejected, arrived, completed, ... */
  state: string;
  reason: string;
  careBeforeReferral?: string;
  diagnoses: Array<{ code: string; name: string }>;
  chiefComplaint?: string;
  presentIllness?: string;
  attachmentIds: string[];
  consentAttachmentId?: string;
  slotId?: string;
  /** Gateway clock: when the current review must finish (30 minutes). */
  reviewDeadline?: string;
  /** Sequence of the last command the gateway applied. */
  appliedSeq: number;
  /** Up-referral that skips a level: allowed only when marked special with a reason. */
  special?: boolean;
  specialReason?: string;
  /** Set by the gateway: each target's part in the review (first approval wins, others withdrawn). */
  targets?: ReferralTargetState[];
  /** Set by the gateway: the target that accepted the patient. */
  acceptedFacilityId?: string;
  /** Set by the gateway: the current outgoing review level (1 department head, 2 medical affairs). */
  reviewLevel?: number;
  /** Set by the gateway: why the referral is in its state (rejection note, auto-reject). */
  stateReason?: string;
  /** Set by the gateway from commands: arrangement, treatment summary, feedback. */
  arrangement?: Record<string, unknown>;
  treatmentSummary?: string;
  feedback?: Record<string, unknown>;
}

export const REFERRAL_TARGET_STATUSES = [
  'pending',
  'reviewing',
  'approved',
  'rejected',
  'withdrawn',
  'expired',
] as const;
export type ReferralTargetStatus = (typeof REFERRAL_TARGET_STATUSES)[number];

export interface ReferralTargetState {
  facilityId: string;
  status: ReferralTargetStatus;
  /** Incoming review level at this target (1..3) while reviewing. */
  level?: number;
}

export const referralSchema: RxJsonSchema<ReferralDoc> = {
  title: 'referral',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    serialNo: { type: 'string', maxLength: 40 },
    patientId: { type: 'string', maxLength: ID_MAX },
    visitId: { type: 'string', maxLength: ID_MAX },
    type: { type: 'string', enum: [...REFERRAL_TYPES] },
    direction: { type: 'string', enum: [...REFERRAL_DIRECTIONS] },
    targetFacilityIds: stringList,
    state: { type: 'string', maxLength: 24 },
    reason: { type: 'string', maxLength: 2000 },
    careBeforeReferral: { type: 'string', maxLength: 4000 },
    diagnoses: diagnosisList,
    chiefComplaint: { type: 'string', maxLength: 500 },
    presentIllness: { type: 'string', maxLength: 4000 },
    attachmentIds: stringList,
    consentAttachmentId: { type: 'string', maxLength: ID_MAX },
    slotId: { type: 'string', maxLength: ID_MAX },
    reviewDeadline: { type: 'string', maxLength: 32 },
    appliedSeq: { type: 'integer' },
    special: { type: 'boolean' },
    specialReason: { type: 'string', maxLength: 500 },
    targets: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          facilityId: { type: 'string', maxLength: ID_MAX },
          status: { type: 'string', enum: [...REFERRAL_TARGET_STATUSES] },
          level: { type: 'integer' },
        },
        required: ['facilityId', 'status'],
      },
    },
    acceptedFacilityId: { type: 'string', maxLength: ID_MAX },
    reviewLevel: { type: 'integer' },
    stateReason: { type: 'string', maxLength: 500 },
    arrangement: { type: 'object' },
    treatmentSummary: { type: 'string', maxLength: 4000 },
    feedback: { type: 'object' },
  },
  required: [
    ...ownedRequired,
    'serialNo',
    'patientId',
    'type',
    'direction',
    'targetFacilityIds',
    'state',
    'reason',
    'diagnoses',
    'attachmentIds',
    'appliedSeq',
  ],
  indexes: [['patientId', 'updatedAt'], 'state'],
};

/**
 * An append-only command on a referral (submit, review, approve, reject, cancel,
 * arrange, attend, complete, feedback, return). Written once by a clinic,
 * validated and applied by the gateway, which records the outcome.
 */
export interface ReferralCommandDoc extends OwnedDocument {
  referralId: string;
  command: string;
  payload: Record<string, unknown>;
  /** Set by the gateway. */
  outcome?: {
    status: 'applied' | 'refused';
    /** Refusal code (e.g. review-deadline-passed). */
    reason?: string;
    /** A sentence for the user, in plain language. */
    message?: string;
    appliedAt: string;
    seq: number;
  };
}

export const referralCommandSchema: RxJsonSchema<ReferralCommandDoc> = {
  title: 'referral command',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    referralId: { type: 'string', maxLength: ID_MAX },
    command: { type: 'string', maxLength: 24 },
    payload: { type: 'object' },
    outcome: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['applied', 'refused'] },
        reason: { type: 'string' },
        message: { type: 'string' },
        appliedAt: { type: 'string' },
        seq: { type: 'integer' },
      },
      required: ['status', 'appliedAt', 'seq'],
    },
  },
  required: [...ownedRequired, 'referralId', 'command', 'payload'],
  indexes: [['referralId', 'createdAt']],
};
