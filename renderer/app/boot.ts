import type { FacilityDoc } from '../../sync/protocol/schema';
import { readClinicIdentity } from '../enrolment/enrol';
import { startPatientIndex } from '../patients/use-patient-index';
import { type ClinicDatabase, openClinicDatabase } from '../store/database';

/** Opens the store and finds which facility this workstation belongs to, if any yet. */
export async function boot(): Promise<{ db: ClinicDatabase; facility: FacilityDoc | undefined }> {
  const db = await openClinicDatabase();
  // The index loads while the sign-in screen shows, so search is ready when the user is.
  startPatientIndex(db);
  const identity = await readClinicIdentity(db);
  const facility = identity
    ? ((await db.facilities.findOne(identity.facilityId).exec())?.toMutableJSON() as FacilityDoc | undefined)
    : undefined;
  return { db, facility };
}
