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
  StaffDoc,
  StaffDocV0,
  UserDoc,
  UserDocV0,
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

/** v2 lets a slip key carry the county's retirement date, which only the county writes: nothing to derive. */
export function migrateFacilityV1toV2(old: FacilityDoc): FacilityDoc {
  return { ...old };
}

/**
 * Staff and users v1 widened the role enum (科室主任, 医务部, 分管院领导 review
 * at their own level): every v0 role is still a role, so nothing changes.
 */
export function migrateStaffV0toV1(old: StaffDocV0): StaffDoc {
  return { ...old };
}

export function migrateUserV0toV1(old: UserDocV0): UserDoc {
  return { ...old };
}

export const MIGRATIONS = {
  staff: { 1: migrateStaffV0toV1 },
  users: { 1: migrateUserV0toV1 },
  facilities: { 1: migrateFacilityV0toV1, 2: migrateFacilityV1toV2 },
  appointments: { 1: migrateAppointmentV0toV1 },
  slots: { 1: migrateSlotV0toV1 },
  patients: { 1: migratePatientV0toV1 },
} as const;
