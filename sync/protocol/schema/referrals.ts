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
  outcome?: { status: 'applied' | 'refused'; reason?: string; appliedAt: string; seq: number };
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
        appliedAt: { type: 'string' },
        seq: { type: 'integer' },
      },
      required: ['status', 'appliedAt', 'seq'],
    },
  },
  required: [...ownedRequired, 'referralId', 'command', 'payload'],
  indexes: [['referralId', 'createdAt']],
};
