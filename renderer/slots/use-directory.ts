/** Names for ids on screen: hospitals and their departments, doctors (staff) and this clinic's users. */
import { useEffect, useState } from 'react';
import type { FacilityDoc, PatientDoc, StaffDoc, UserDoc } from '../../sync/protocol/schema';
import type { ClinicDatabase } from '../store/database';

export interface Directory {
  facilities: FacilityDoc[];
  facility(id: string | undefined): string;
  department(facilityId: string | undefined, departmentId: string | undefined): string;
  /** A hospital doctor (staff) or one of this clinic's users. */
  person(id: string | undefined): string;
}

export function directoryOf(facilities: FacilityDoc[], staff: StaffDoc[], users: UserDoc[]): Directory {
  const byId = new Map(facilities.map((f) => [f.id, f]));
  const people = new Map<string, string>([
    ...staff.map((s) => [s.id, s.name] as const),
    ...users.map((u) => [u.id, u.displayName] as const),
  ]);
  return {
    facilities,
    facility: (id) => (id ? (byId.get(id)?.name ?? id) : ''),
    department: (facilityId, departmentId) =>
      departmentId
        ? (byId.get(facilityId ?? '')?.departments.find((d) => d.id === departmentId)?.name ?? departmentId)
        : '',
    person: (id) => (id ? (people.get(id) ?? '') : ''),
  };
}

export function useDirectory(db: ClinicDatabase): Directory {
  const [directory, setDirectory] = useState(() => directoryOf([], [], []));
  useEffect(() => {
    let live = true;
    const load = async () => {
      const [facilities, staff, users] = await Promise.all([
        db.facilities.find().exec(),
        db.staff.find().exec(),
        db.users.find().exec(),
      ]);
      if (live)
        setDirectory(
          directoryOf(
            facilities.map((d) => d.toJSON() as FacilityDoc),
            staff.map((d) => d.toJSON() as StaffDoc),
            users.map((d) => d.toJSON() as UserDoc),
          ),
        );
    };
    void load();
    const subscriptions = [
      db.facilities.$.subscribe(() => void load()),
      db.staff.$.subscribe(() => void load()),
    ];
    return () => {
      live = false;
      for (const subscription of subscriptions) subscription.unsubscribe();
    };
  }, [db]);
  return directory;
}

/** The patients of a list of ids, kept in step with the list. */
export function usePatients(db: ClinicDatabase, ids: string[]): Map<string, PatientDoc> {
  const [patients, setPatients] = useState(new Map<string, PatientDoc>());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    void db.patients
      .findByIds(key ? key.split(',') : [])
      .exec()
      .then((found) => {
        if (live) setPatients(new Map([...found].map(([id, doc]) => [id, doc.toJSON() as PatientDoc])));
      });
    return () => {
      live = false;
    };
  }, [db, key]);
  return patients;
}

export function usePatientNames(db: ClinicDatabase, ids: string[]): Map<string, string> {
  const patients = usePatients(db, ids);
  return new Map([...patients].map(([id, patient]) => [id, patient.name]));
}
