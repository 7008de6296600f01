import { useEffect, useState } from 'react';
import type { AppointmentDoc } from '../../sync/protocol/schema';
import type { ClinicDatabase } from '../store/database';

/** This clinic's follow-up appointments, kept live (a clinic books a few a day: all of them fit). */
export function useFollowUps(db: ClinicDatabase, facilityId: string): AppointmentDoc[] {
  const [appointments, setAppointments] = useState<AppointmentDoc[]>([]);
  useEffect(() => {
    const subscription = db.appointments
      .find({ selector: { facilityId, purpose: 'follow-up' }, sort: [{ scheduledAt: 'asc' }] })
      .$.subscribe((docs) => setAppointments(docs.map((doc) => doc.toJSON() as AppointmentDoc)));
    return () => subscription.unsubscribe();
  }, [db, facilityId]);
  return appointments;
}
