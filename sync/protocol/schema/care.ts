import type { RxJsonSchema } from 'rxdb';
import { diagnosisList, ID_MAX, type OwnedDocument, ownedProperties, ownedRequired } from './common';

export interface Diagnosis {
  /** ICD-10 (GB/T 14396-2016) code. */
  code: string;
  name: string;
}

/** One encounter at the clinic; readings and referrals hang off it. */
export interface VisitDoc extends OwnedDocument {
  patientId: string;
  doctorId: string;
  startedAt: string;
  chiefComplaint?: string;
  presentIllness?: string;
  diagnoses: Diagnosis[];
  status: 'open' | 'closed';
}

export const visitSchema: RxJsonSchema<VisitDoc> = {
  title: 'visit',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    patientId: { type: 'string', maxLength: ID_MAX },
    doctorId: { type: 'string', maxLength: ID_MAX },
    startedAt: { type: 'string', maxLength: 32 },
    chiefComplaint: { type: 'string', maxLength: 500 },
    presentIllness: { type: 'string', maxLength: 4000 },
    diagnoses: diagnosisList,
    status: { type: 'string', enum: ['open', 'closed'] },
  },
  required: [...ownedRequired, 'patientId', 'doctorId', 'startedAt', 'diagnoses', 'status'],
  indexes: [['patientId', 'startedAt']],
};

export const READING_KINDS = [
  'bp',
  'spo2',
  'temperature',
  'glucose',
  'height',
  'weight',
  'waist',
  'ecg',
] as const;
export type ReadingKind = (typeof READING_KINDS)[number];

/**
 * A measurement bound to the patient (and visit) on screen when it started.
 * Values are named per kind (systolic, diastolic, mean, pulse, spo2, celsius, ...).
 */
export interface ReadingDoc extends OwnedDocument {
  patientId: string;
  visitId?: string;
  kind: ReadingKind;
  values: Record<string, number>;
  measuredAt: string;
  source: 'device' | 'manual';
  deviceId?: string;
  operatorId: string;
  /** The operator confirmed a value outside the plausible range. */
  outOfRangeConfirmed: boolean;
  /** ECG waveform or other payload, stored as an attachment document. */
  attachmentId?: string;
}

export const readingSchema: RxJsonSchema<ReadingDoc> = {
  title: 'reading',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    patientId: { type: 'string', maxLength: ID_MAX },
    visitId: { type: 'string', maxLength: ID_MAX },
    kind: { type: 'string', enum: [...READING_KINDS], maxLength: 12 },
    values: { type: 'object', additionalProperties: { type: 'number' } },
    measuredAt: { type: 'string', maxLength: 32 },
    source: { type: 'string', enum: ['device', 'manual'] },
    deviceId: { type: 'string', maxLength: 80 },
    operatorId: { type: 'string', maxLength: ID_MAX },
    outOfRangeConfirmed: { type: 'boolean' },
    attachmentId: { type: 'string', maxLength: ID_MAX },
  },
  required: [
    ...ownedRequired,
    'patientId',
    'kind',
    'values',
    'measuredAt',
    'source',
    'operatorId',
    'outOfRangeConfirmed',
  ],
  indexes: [['patientId', 'measuredAt']],
};
