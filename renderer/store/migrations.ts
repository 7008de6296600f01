/**
 * Migration strategies, keyed by collection then by the version they produce.
 * Each is a pure function of the old document, so it is tested on plain data
 * as well as through a real upgrade.
 */
import type {
  AppointmentDoc,
  FacilityDoc,
  FacilityDocV0,
  PatientDoc,
  PatientDocV0,
  SlotDoc,
} from '../../sync/protocol/schema';
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

/**
 * Slots v1 added optional fields only (number, heldBy, holdUntil): a v0 slot is
 * a valid v1 slot. The county re-stamps slots it changes, so nothing is derived.
 */
export function migrateSlotV0toV1(old: SlotDoc): SlotDoc {
  return { ...old };
}

/**
 * Appointments v1 added optional fields only (hospital, department, period,
 * mode, online hold, refusal): a v0 appointment is a valid v1 appointment.
 */
export function migrateAppointmentV0toV1(old: AppointmentDoc): AppointmentDoc {
  return { ...old };
}

/** v1 adds the optional slip keys, which only the county writes: nothing to derive. */
export function migrateFacilityV0toV1(old: FacilityDocV0): FacilityDoc {
  return { ...old };
}

export const MIGRATIONS = {
  facilities: { 1: migrateFacilityV0toV1 },
  appointments: { 1: migrateAppointmentV0toV1 },
  slots: { 1: migrateSlotV0toV1 },
  patients: { 1: migratePatientV0toV1 },
} as const;
