/**
 * Fields every replicated document carries. The owning facility decides who may
 * change a document and which clinics pull it; ids are made on the client so a
 * record exists the moment it is typed, with or without a network.
 * Deletion is a tombstone (RxDB's `_deleted`), never a physical delete.
 */
export interface OwnedDocument {
  id: string;
  facilityId: string;
  /** Client clock, for display only: the county gateway's clock orders changes. */
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
  /** Stamped by the county gateway when it stores the document; absent = not yet at the county. */
  countySeq?: number;
  countyTime?: string;
}

export const ID_MAX = 40;
export const TIME_MAX = 32;

export const ownedProperties = {
  id: { type: 'string', maxLength: ID_MAX },
  facilityId: { type: 'string', maxLength: ID_MAX },
  createdAt: { type: 'string', format: 'date-time', maxLength: TIME_MAX },
  updatedAt: { type: 'string', format: 'date-time', maxLength: TIME_MAX },
  createdBy: { type: 'string', maxLength: ID_MAX },
  updatedBy: { type: 'string', maxLength: ID_MAX },
  countySeq: { type: 'integer', minimum: 1 },
  countyTime: { type: 'string', maxLength: TIME_MAX },
} as const;

export const ownedRequired = [
  'id',
  'facilityId',
  'createdAt',
  'updatedAt',
  'createdBy',
  'updatedBy',
] as const;

export const stringList = { type: 'array', items: { type: 'string' } } as const;

/** ICD-10 (GB/T 14396-2016) diagnoses, as visits and referrals carry them. */
export const diagnosisList = {
  type: 'array',
  items: {
    type: 'object',
    properties: { code: { type: 'string' }, name: { type: 'string' } },
    required: ['code', 'name'],
  },
} as const;

export function newDocumentId(): string {
  return crypto.randomUUID();
}
