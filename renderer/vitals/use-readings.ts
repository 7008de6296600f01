import { useEffect, useState } from 'react';
import type { PatientDoc, ReadingDoc } from '../../sync/protocol/schema';
import type { ClinicDatabase } from '../store/database';

/** The patient's readings (and those of records merged into it), oldest first, kept live. */
export function useReadings(db: ClinicDatabase, patient: PatientDoc): ReadingDoc[] {
  const [readings, setReadings] = useState<ReadingDoc[]>([]);
  const ids = [patient.id, ...patient.mergedFrom].join(',');
  useEffect(() => {
    const subscription = db.readings
      .find({ selector: { patientId: { $in: ids.split(',') } }, sort: [{ measuredAt: 'asc' }] })
      .$.subscribe((docs) => setReadings(docs.map((doc) => doc.toJSON() as ReadingDoc)));
    return () => subscription.unsubscribe();
  }, [db, ids]);
  return readings;
}
