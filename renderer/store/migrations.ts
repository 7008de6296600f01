/**
 * Migration strategies, keyed by collection then by the version they produce.
 * Each is a pure function of the old document, so it is tested on plain data
 * as well as through a real upgrade.
 */
import type { PatientDoc, PatientDocV0 } from '../../sync/protocol/schema';
import { pinyinKeys } from '../patients/search';

export function migratePatientV0toV1(old: PatientDocV0): PatientDoc {
  const { address, deceased, ...rest } = old;
  const keys = pinyinKeys(old.name);
  return {
    ...rest,
    namePinyin: keys.full,
    nameInitials: keys.initials,
    address: address ? { detail: address } : {},
    // v0 had only a flag: the date of death was never recorded, so the last edit stands in.
    status: deceased ? 'deceased' : 'active',
    ...(deceased
      ? {
          death: {
            date: old.updatedAt.slice(0, 10),
            registeredBy: old.updatedBy,
            registeredAt: old.updatedAt,
          },
        }
      : {}),
    mergedFrom: [],
  };
}

export const MIGRATIONS = {
  patients: { 1: migratePatientV0toV1 },
} as const;
