import type { RxJsonSchema } from 'rxdb';
import { ID_MAX, type OwnedDocument, ownedProperties, ownedRequired } from './common';

export const ROLES = ['doctor', 'nurse', 'admin', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

/** A clinician of any facility, as reference data (targets of referrals, slot doctors). */
export interface StaffDoc extends OwnedDocument {
  name: string;
  roles: Role[];
  departmentId?: string;
  title?: string;
  suspended: boolean;
}

export const staffSchema: RxJsonSchema<StaffDoc> = {
  title: 'staff',
  version: 0,
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

export const userSchema: RxJsonSchema<UserDoc> = {
  title: 'user',
  version: 0,
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
