import type { RxJsonSchema } from 'rxdb';
import { ID_MAX, type OwnedDocument, ownedProperties, ownedRequired } from './common';

/**
 * `reviewer` reviews at every level (a village station or small centre where
 * one person does all reviews); the three after it each review at their own
 * level only: 科室主任 department head, 医务部 medical affairs, 分管院领导
 * vice-president (see `reviewRoleFor` in referral/state-machine).
 */
export const ROLES = [
  'doctor',
  'nurse',
  'admin',
  'reviewer',
  'department-head',
  'medical-affairs',
  'vice-president',
] as const;
export type Role = (typeof ROLES)[number];

/** The roles schema v0 of `staff` and `users` allowed. */
export type RoleV0 = 'doctor' | 'nurse' | 'admin' | 'reviewer';

/** A clinician of any facility, as reference data (targets of referrals, slot doctors). */
export interface StaffDoc extends OwnedDocument {
  name: string;
  roles: Role[];
  departmentId?: string;
  title?: string;
  suspended: boolean;
}

export type StaffDocV0 = Omit<StaffDoc, 'roles'> & { roles: RoleV0[] };

/** v1 widened the role enum (department head, medical affairs, vice-president): nothing to derive. */
export const staffSchema: RxJsonSchema<StaffDoc> = {
  title: 'staff',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    name: { type: 'string', maxLength: 60 },
    roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
    departmentId: { type: 'string', maxLength: ID_MAX },
    title: { type: 'string', maxLength: 60 },
    suspended: { type: 'boolean' },
  },
  required: [...ownedRequired, 'name', 'roles', 'suspended'],
};

/** Parameters and output of the memory-hard KDF, stored so they can be raised later. */
export interface Credential {
  kdf: 'argon2id';
  salt: string;
  hash: string;
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

/** A person who signs in at this facility. One account per person: no shared accounts. */
export interface UserDoc extends OwnedDocument {
  username: string;
  displayName: string;
  roles: Role[];
  password: Credential;
  pin?: Credential;
  active: boolean;
  failedAttempts: number;
  lockedUntil?: string;
}

const credentialSchema = {
  type: 'object',
  properties: {
    kdf: { type: 'string', enum: ['argon2id'] },
    salt: { type: 'string' },
    hash: { type: 'string' },
    memoryKiB: { type: 'integer' },
    iterations: { type: 'integer' },
    parallelism: { type: 'integer' },
  },
  required: ['kdf', 'salt', 'hash', 'memoryKiB', 'iterations', 'parallelism'],
} as const;

export type UserDocV0 = Omit<UserDoc, 'roles'> & { roles: RoleV0[] };

/** v1 widened the role enum, as for staff. */
export const userSchema: RxJsonSchema<UserDoc> = {
  title: 'user',
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    username: { type: 'string', maxLength: 40 },
    displayName: { type: 'string', maxLength: 60 },
    roles: { type: 'array', items: { type: 'string', enum: [...ROLES] } },
    password: credentialSchema,
    pin: credentialSchema,
    active: { type: 'boolean' },
    failedAttempts: { type: 'integer' },
    lockedUntil: { type: 'string', maxLength: 32 },
  },
  required: [...ownedRequired, 'username', 'displayName', 'roles', 'password', 'active', 'failedAttempts'],
  indexes: ['username'],
};
