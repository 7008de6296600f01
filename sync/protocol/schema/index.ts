/**
 * The clinic's whole local data model. RxDB's open-source build allows 13 open
 * collections; these are 12, leaving one spare. Per-workstation settings (clinic
 * enrolment, device bindings, sync checkpoints) live in local documents, which
 * neither count as a collection nor replicate.
 */

import { readingSchema, visitSchema } from './care';
import { facilitySchema } from './facilities';
import { patientSchema } from './patients';
import { staffSchema, userSchema } from './people';
import { attachmentSchema, auditSchema } from './records';
import { referralCommandSchema, referralSchema } from './referrals';
import { appointmentSchema, slotSchema } from './scheduling';

export const CLINIC_SCHEMAS = {
  facilities: facilitySchema,
  staff: staffSchema,
  users: userSchema,
  patients: patientSchema,
  visits: visitSchema,
  readings: readingSchema,
  referrals: referralSchema,
  referral_commands: referralCommandSchema,
  slots: slotSchema,
  appointments: appointmentSchema,
  attachments: attachmentSchema,
  audit: auditSchema,
} as const;

export type CollectionName = keyof typeof CLINIC_SCHEMAS;

export * from './care';
export * from './common';
export * from './facilities';
export * from './patients';
export * from './people';
export * from './records';
export * from './referrals';
export * from './scheduling';
