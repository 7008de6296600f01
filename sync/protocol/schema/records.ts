import type { RxJsonSchema } from 'rxdb';
import { ID_MAX, type OwnedDocument, ownedProperties, ownedRequired } from './common';

/**
 * A file that travels with a record (consent scan, lab report, ECG, slip PDF).
 * The bytes are an RxDB attachment on this document so a slow link can send the
 * small metadata first and the bytes later.
 */
export interface AttachmentDoc extends OwnedDocument {
  ownerType: 'referral' | 'reading' | 'patient' | 'visit';
  ownerId: string;
  kind: 'consent' | 'record' | 'prescription' | 'lab-report' | 'exam-report' | 'ecg' | 'slip' | 'other';
  fileName: string;
  mime: string;
  size: number;
  /** Hex digest checked on arrival (SM3 where domestic crypto is required). */
  digest: string;
  digestAlgorithm: 'sha256' | 'sm3';
}

export const attachmentSchema: RxJsonSchema<AttachmentDoc> = {
  title: 'attachment',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    ownerType: { type: 'string', enum: ['referral', 'reading', 'patient', 'visit'] },
    ownerId: { type: 'string', maxLength: ID_MAX },
    kind: {
      type: 'string',
      enum: ['consent', 'record', 'prescription', 'lab-report', 'exam-report', 'ecg', 'slip', 'other'],
    },
    fileName: { type: 'string', maxLength: 200 },
    mime: { type: 'string', maxLength: 100 },
    size: { type: 'integer' },
    digest: { type: 'string', maxLength: 128 },
    digestAlgorithm: { type: 'string', enum: ['sha256', 'sm3'] },
  },
  required: [
    ...ownedRequired,
    'ownerType',
    'ownerId',
    'kind',
    'fileName',
    'mime',
    'size',
    'digest',
    'digestAlgorithm',
  ],
  indexes: ['ownerId'],
  attachments: {},
};

/**
 * Who did what to which record (等保 audit trail). Append-only: the data layer
 * refuses updates and deletes, and the gateway keeps its own copy.
 */
export interface AuditDoc {
  id: string;
  facilityId: string;
  userId: string;
  userName: string;
  role: string;
  at: string;
  action: string;
  recordType: string;
  recordId: string;
  /** Short, PII-free description (field names changed, not their values). */
  detail?: string;
  countySeq?: number;
  countyTime?: string;
}

export const auditSchema: RxJsonSchema<AuditDoc> = {
  title: 'audit entry',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: ID_MAX },
    facilityId: { type: 'string', maxLength: ID_MAX },
    userId: { type: 'string', maxLength: ID_MAX },
    userName: { type: 'string', maxLength: 60 },
    role: { type: 'string', maxLength: 20 },
    at: { type: 'string', maxLength: 32 },
    action: { type: 'string', maxLength: 40 },
    recordType: { type: 'string', maxLength: 20 },
    recordId: { type: 'string', maxLength: ID_MAX },
    detail: { type: 'string', maxLength: 500 },
    countySeq: { type: 'integer', minimum: 1 },
    countyTime: { type: 'string', maxLength: 32 },
  },
  required: ['id', 'facilityId', 'userId', 'userName', 'role', 'at', 'action', 'recordType', 'recordId'],
  indexes: ['at', ['recordId', 'at']],
};
