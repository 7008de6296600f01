import type { RxJsonSchema } from 'rxdb';
import { ID_MAX, type OwnedDocument, ownedProperties, ownedRequired } from './common';

export const SLOT_KINDS = ['outpatient', 'bed', 'emergency', 'virtual'] as const;
export const SLOT_MODES = ['quota', 'online'] as const;

/**
 * One bookable unit published by a hospital (号源). A quota slot is allocated to
 * exactly one primary facility, which may book it offline without conflict.
 */
export interface SlotDoc extends OwnedDocument {
  kind: (typeof SLOT_KINDS)[number];
  mode: (typeof SLOT_MODES)[number];
  allocatedTo?: string;
  date: string;
  period: 'am' | 'pm' | 'night' | 'day';
  startTime?: string;
  departmentId: string;
  doctorId?: string;
  feeCents?: number;
  green: boolean;
  state: 'open' | 'held' | 'booked' | 'released' | 'suspended';
}

export const slotSchema: RxJsonSchema<SlotDoc> = {
  title: 'slot',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    kind: { type: 'string', enum: [...SLOT_KINDS] },
    mode: { type: 'string', enum: [...SLOT_MODES] },
    allocatedTo: { type: 'string', maxLength: ID_MAX },
    date: { type: 'string', maxLength: 10 },
    period: { type: 'string', enum: ['am', 'pm', 'night', 'day'] },
    startTime: { type: 'string', maxLength: 5 },
    departmentId: { type: 'string', maxLength: ID_MAX },
    doctorId: { type: 'string', maxLength: ID_MAX },
    feeCents: { type: 'integer' },
    green: { type: 'boolean' },
    state: { type: 'string', enum: ['open', 'held', 'booked', 'released', 'suspended'], maxLength: 10 },
  },
  required: [...ownedRequired, 'kind', 'mode', 'date', 'period', 'departmentId', 'green', 'state'],
  indexes: [['date', 'departmentId']],
};

/** A booking of a slot for a referral, or an in-clinic follow-up (诊间复诊预约). */
export interface AppointmentDoc extends OwnedDocument {
  patientId: string;
  purpose: 'referral' | 'follow-up' | 'rehabilitation';
  slotId?: string;
  referralId?: string;
  scheduledAt: string;
  doctorId?: string;
  status: 'waiting' | 'confirmed' | 'needs-rebooking' | 'attended' | 'missed' | 'cancelled';
  note?: string;
}

export const appointmentSchema: RxJsonSchema<AppointmentDoc> = {
  title: 'appointment',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    patientId: { type: 'string', maxLength: ID_MAX },
    purpose: { type: 'string', enum: ['referral', 'follow-up', 'rehabilitation'] },
    slotId: { type: 'string', maxLength: ID_MAX },
    referralId: { type: 'string', maxLength: ID_MAX },
    scheduledAt: { type: 'string', maxLength: 32 },
    doctorId: { type: 'string', maxLength: ID_MAX },
    status: {
      type: 'string',
      enum: ['waiting', 'confirmed', 'needs-rebooking', 'attended', 'missed', 'cancelled'],
      maxLength: 16,
    },
    note: { type: 'string', maxLength: 500 },
  },
  required: [...ownedRequired, 'patientId', 'purpose', 'scheduledAt', 'status'],
  indexes: [['patientId', 'scheduledAt'], 'scheduledAt'],
};
