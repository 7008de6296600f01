import type { RxJsonSchema } from 'rxdb';
import { ID_MAX, type OwnedDocument, ownedProperties, ownedRequired, stringList } from './common';

/** GB/T 2261.1: 0 unknown, 1 male, 2 female, 9 unspecified (we fold 9 into unknown). */
export const SEXES = ['male', 'female', 'unknown'] as const;
export type Sex = (typeof SEXES)[number];

export const PATIENT_STATUSES = ['active', 'deceased', 'merged'] as const;
export type PatientStatus = (typeof PATIENT_STATUSES)[number];

export interface Address {
  /** GB/T 2260 division code (county or township level) where known. */
  divisionCode?: string;
  detail?: string;
}

export interface DeathRecord {
  date: string;
  cause?: string;
  registeredBy: string;
  registeredAt: string;
}

export interface PatientDoc extends OwnedDocument {
  name: string;
  /** Derived from the name at write time so search never converts 50,000 names at start-up. */
  namePinyin: string;
  nameInitials: string;
  sex: Sex;
  birthDate: string;
  idNumber?: string;
  phone?: string;
  address: Address;
  /** GB 3304 two-digit code. */
  ethnicity?: string;
  /** 电子健康卡 token as scanned: opaque, resolved by the platform when online. */
  healthCardToken?: string;
  socialSecurityNo?: string;
  allergies: string[];
  chronicConditions: string[];
  status: PatientStatus;
  death?: DeathRecord;
  /** Set on the record that was merged away; it stays, read-only, pointing at the survivor. */
  mergedInto?: string;
  /** On the survivor: every record merged into it, so their histories show here too. */
  mergedFrom: string[];
}

export const patientSchema: RxJsonSchema<PatientDoc> = {
  title: 'patient',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    name: { type: 'string', maxLength: 60 },
    namePinyin: { type: 'string', maxLength: 240 },
    nameInitials: { type: 'string', maxLength: 60 },
    sex: { type: 'string', enum: [...SEXES] },
    birthDate: { type: 'string', maxLength: 10 },
    idNumber: { type: 'string', maxLength: 18 },
    phone: { type: 'string', maxLength: 20 },
    address: {
      type: 'object',
      properties: {
        divisionCode: { type: 'string', maxLength: 12 },
        detail: { type: 'string', maxLength: 200 },
      },
    },
    ethnicity: { type: 'string', maxLength: 2 },
    healthCardToken: { type: 'string', maxLength: 200 },
    socialSecurityNo: { type: 'string', maxLength: 40 },
    allergies: stringList,
    chronicConditions: stringList,
    status: { type: 'string', enum: [...PATIENT_STATUSES], maxLength: 10 },
    death: {
      type: 'object',
      properties: {
        date: { type: 'string' },
        cause: { type: 'string' },
        registeredBy: { type: 'string' },
        registeredAt: { type: 'string' },
      },
      required: ['date', 'registeredBy', 'registeredAt'],
    },
    mergedInto: { type: 'string', maxLength: ID_MAX },
    mergedFrom: stringList,
  },
  required: [
    ...ownedRequired,
    'name',
    'namePinyin',
    'nameInitials',
    'sex',
    'birthDate',
    'address',
    'allergies',
    'chronicConditions',
    'status',
    'mergedFrom',
  ],
  indexes: ['updatedAt'],
};

/**
 * The first released shape, kept so the migration from it stays testable:
 * the address was free text and search keys were computed at read time.
 */
export interface PatientDocV0 extends OwnedDocument {
  name: string;
  sex: Sex;
  birthDate: string;
  idNumber?: string;
  phone?: string;
  address?: string;
  ethnicity?: string;
  healthCardToken?: string;
  allergies: string[];
  chronicConditions: string[];
  deceased: boolean;
}

export const patientSchemaV0: RxJsonSchema<PatientDocV0> = {
  title: 'patient',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    name: { type: 'string', maxLength: 60 },
    sex: { type: 'string', enum: [...SEXES] },
    birthDate: { type: 'string', maxLength: 10 },
    idNumber: { type: 'string', maxLength: 18 },
    phone: { type: 'string', maxLength: 20 },
    address: { type: 'string', maxLength: 200 },
    ethnicity: { type: 'string', maxLength: 2 },
    healthCardToken: { type: 'string', maxLength: 200 },
    allergies: stringList,
    chronicConditions: stringList,
    deceased: { type: 'boolean' },
  },
  required: [...ownedRequired, 'name', 'sex', 'birthDate', 'allergies', 'chronicConditions', 'deceased'],
};
