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
  /** 号序 / bed number / capacity unit: part of the natural key the publisher uses. */
  number?: number;
  feeCents?: number;
  green: boolean;
  /**
   * 'released' is not used by the gateway (a released slot is 'open' again);
   * it stays in the enum so version-0 documents remain valid.
   */
  state: 'open' | 'held' | 'booked' | 'released' | 'suspended';
  /** Online slots: the facility holding or having booked it (it pulls the slot while so). */
  heldBy?: string;
  /** Online holds: gateway time when the hold lapses unless confirmed. */
  holdUntil?: string;
}

export const slotSchema: RxJsonSchema<SlotDoc> = {
  title: 'slot',
  version: 1,
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
    number: { type: 'integer', minimum: 1 },
    feeCents: { type: 'integer' },
    green: { type: 'boolean' },
    state: { type: 'string', enum: ['open', 'held', 'booked', 'released', 'suspended'], maxLength: 10 },
    heldBy: { type: 'string', maxLength: ID_MAX },
    holdUntil: { type: 'string', maxLength: 32 },
  },
  required: [...ownedRequired, 'kind', 'mode', 'date', 'period', 'departmentId', 'green', 'state'],
  indexes: [['date', 'departmentId']],
};

export const APPOINTMENT_STATUSES = [
  'waiting',
  'confirmed',
  'needs-rebooking',
  'attended',
  'missed',
  'cancelled',
] as const;

/**
 * A booking of a slot for a referral, or an in-clinic follow-up (诊间复诊预约).
 * `scheduledAt` is the clinic-local wall time "YYYY-MM-DDTHH:MM" (a slot
 * without a start time takes its period's usual start).
 */
export interface AppointmentDoc extends OwnedDocument {
  patientId: string;
  purpose: 'referral' | 'follow-up' | 'rehabilitation';
  slotId?: string;
  referralId?: string;
  scheduledAt: string;
  doctorId?: string;
  status: (typeof APPOINTMENT_STATUSES)[number];
  note?: string;
  /** v1: where a slot booking is: the slot's hospital, department and period, and how it was booked. */
  hospitalId?: string;
  departmentId?: string;
  period?: 'am' | 'pm' | 'night' | 'day';
  mode?: 'quota' | 'online';
  /** v1, online bookings: the gateway's hold while the booking waits for confirmation. */
  lockId?: string;
  holdUntil?: string;
  /** v1: why the booking needs rebooking (the county refused it, or the slot was suspended). */
  slotRefusal?: { code: string; message: string };
}

export const appointmentSchema: RxJsonSchema<AppointmentDoc> = {
  title: 'appointment',
  version: 1,
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
    status: { type: 'string', enum: [...APPOINTMENT_STATUSES], maxLength: 16 },
    note: { type: 'string', maxLength: 500 },
    hospitalId: { type: 'string', maxLength: ID_MAX },
    departmentId: { type: 'string', maxLength: ID_MAX },
    period: { type: 'string', enum: ['am', 'pm', 'night', 'day'] },
    mode: { type: 'string', enum: ['quota', 'online'] },
    lockId: { type: 'string', maxLength: 64 },
    holdUntil: { type: 'string', maxLength: 32 },
    slotRefusal: {
      type: 'object',
      properties: { code: { type: 'string', maxLength: 32 }, message: { type: 'string', maxLength: 300 } },
      required: ['code', 'message'],
    },
  },
  required: [...ownedRequired, 'patientId', 'purpose', 'scheduledAt', 'status'],
  indexes: [['patientId', 'scheduledAt'], 'scheduledAt'],
};
