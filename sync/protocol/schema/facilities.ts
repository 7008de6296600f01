import type { RxJsonSchema } from 'rxdb';
import { ID_MAX, type OwnedDocument, ownedProperties, ownedRequired, stringList } from './common';

export const FACILITY_LEVELS = ['village', 'township', 'county', 'city'] as const;
export type FacilityLevel = (typeof FACILITY_LEVELS)[number];

export interface Department {
  id: string;
  name: string;
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
}

export const facilitySchema: RxJsonSchema<FacilityDoc> = {
  title: 'facility',
  version: 0,
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
  },
  required: [...ownedRequired, 'code', 'name', 'level', 'departments', 'referralTargetIds', 'offline'],
  indexes: ['code'],
};
