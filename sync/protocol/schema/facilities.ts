import type { RxJsonSchema } from 'rxdb';
import { ID_MAX, type OwnedDocument, ownedProperties, ownedRequired, stringList } from './common';

export const FACILITY_LEVELS = ['village', 'township', 'county', 'city'] as const;
export type FacilityLevel = (typeof FACILITY_LEVELS)[number];

export interface Department {
  id: string;
  name: string;
}

/**
 * A public key the facility signs referral slips with (one per printing
 * workstation), registered at the county so every clinic can verify its slips
 * offline. Written only by the gateway.
 */
export interface SlipKeyRecord {
  keyId: string;
  /** SM2, uncompressed: 04 + 128 hex digits. */
  publicKey: string;
  registeredAt: string;
  /**
   * v2: when the county retired the key (ISO). It stays published so slips
   * issued before still verify; later ones are refused.
   */
  retiredAt?: string;
}

/** A clinic or hospital. Its own id is its owner: a facility edits only itself. */
export interface FacilityDoc extends OwnedDocument {
  code: string;
  name: string;
  level: FacilityLevel;
  parentId?: string;
  divisionCode?: string;
  departments: Department[];
  /** Facilities this one may refer to (医联体对口关系), configured at the county. */
  referralTargetIds: string[];
  /** 下线: taken offline by the authority; blocks sync and new referrals. */
  offline: boolean;
  /** v1: registered slip-signing public keys (see sync/protocol/referral/slip). */
  slipKeys?: SlipKeyRecord[];
}

/** Version 0 had no slip keys; the document is otherwise the same. */
export type FacilityDocV0 = Omit<FacilityDoc, 'slipKeys'>;

export const facilitySchema: RxJsonSchema<FacilityDoc> = {
  title: 'facility',
  version: 2,
  primaryKey: 'id',
  type: 'object',
  properties: {
    ...ownedProperties,
    code: { type: 'string', maxLength: 32 },
    name: { type: 'string', maxLength: 100 },
    level: { type: 'string', enum: [...FACILITY_LEVELS] },
    parentId: { type: 'string', maxLength: ID_MAX },
    divisionCode: { type: 'string', maxLength: 12 },
    departments: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, name: { type: 'string' } },
        required: ['id', 'name'],
      },
    },
    referralTargetIds: stringList,
    offline: { type: 'boolean' },
    slipKeys: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          keyId: { type: 'string', pattern: '^[0-9a-f]{12}$' },
          publicKey: { type: 'string', pattern: '^04[0-9a-f]{128}$' },
          registeredAt: { type: 'string', maxLength: 32 },
          retiredAt: { type: 'string', maxLength: 32 },
        },
        required: ['keyId', 'publicKey', 'registeredAt'],
      },
    },
  },
  required: [...ownedRequired, 'code', 'name', 'level', 'departments', 'referralTargetIds', 'offline'],
  indexes: ['code'],
};
