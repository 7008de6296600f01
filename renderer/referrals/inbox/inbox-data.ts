/**
 * The inbox's I/O: live referrals, names of patients and facilities, a ticking
 * clock for the deadlines, and the one write that is more than a command (the
 * downward feedback books its rehabilitation visits).
 */
import { useEffect, useMemo, useState } from 'react';
import type { FacilityDoc, PatientDoc, ReferralDoc, StaffDoc } from '../../../sync/protocol/schema';
import { appendAudit } from '../../audit/audit-log';
import type { Session } from '../../auth/session';
import type { ClinicDatabase } from '../../store/database';
import { appendReferralCommand } from '../referral-commands';
import { useCommandsByReferral } from '../use-referrals';
import { type DownwardFeedback, rehabilitationAppointments } from './forms';
import { type InboxItem, inboxItems } from './inbox';

/** This PC's clock, re-read every `everyMs` (deadlines count down on screen). */
export function useNow(everyMs = 1000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Every referral this clinic holds (its own and those it is a party to: few), kept live. */
function useAllReferrals(db: ClinicDatabase): ReferralDoc[] {
  const [docs, setDocs] = useState<ReferralDoc[]>([]);
  useEffect(() => {
    const subscription = db.referrals
      .find()
      .$.subscribe((found) => setDocs(found.map((doc) => doc.toJSON() as ReferralDoc)));
    return () => subscription.unsubscribe();
  }, [db]);
  return docs;
}

/** The inbox items of the signed-in user, kept live. */
export function useInbox(db: ClinicDatabase, session: Session, now: Date): InboxItem[] {
  const referrals = useAllReferrals(db);
  const commands = useCommandsByReferral(db);
  const { facilityId, roles } = session;
  return useMemo(
    () => inboxItems(referrals, commands, { facilityId, roles }, now),
    [referrals, commands, facilityId, roles, now],
  );
}

/** Facility names by id (reference data, pulled from the county). */
export function useFacilityNames(db: ClinicDatabase): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    const subscription = db.facilities
      .find()
      .$.subscribe((found) =>
        setNames(new Map(found.map((doc) => [doc.id, (doc.toJSON() as FacilityDoc).name]))),
      );
    return () => subscription.unsubscribe();
  }, [db]);
  return names;
}

/** The patients the inbox shows (a referral carries its patient to the target). */
export function usePatients(db: ClinicDatabase, ids: readonly string[]): Map<string, PatientDoc> {
  const [patients, setPatients] = useState<Map<string, PatientDoc>>(new Map());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    const subscription = db.patients
      .findByIds(key ? key.split(',') : [])
      .$.subscribe((found) =>
        setPatients(new Map([...found.values()].map((doc) => [doc.id, doc.toJSON() as PatientDoc]))),
      );
    return () => subscription.unsubscribe();
  }, [db, key]);
  return patients;
}

/** Clinicians of this facility (the arrangement names the receiving doctor). */
export function useOwnStaff(db: ClinicDatabase, facilityId: string): StaffDoc[] {
  const [staff, setStaff] = useState<StaffDoc[]>([]);
  useEffect(() => {
    const subscription = db.staff
      .find({ selector: { facilityId, suspended: false } })
      .$.subscribe((found) => setStaff(found.map((doc) => doc.toJSON() as StaffDoc)));
    return () => subscription.unsubscribe();
  }, [db, facilityId]);
  return staff;
}

/**
 * The downward referral's last step at the receiving clinic: the feedback
 * command (closes the referral at the county, which tells the referring
 * hospital) and the rehabilitation visits, booked here.
 */
export async function recordDownwardFeedback(
  db: ClinicDatabase,
  session: Session,
  referral: ReferralDoc,
  feedback: DownwardFeedback,
  now: Date = new Date(),
): Promise<void> {
  await appendReferralCommand(db, session, referral.id, 'feedback', feedback.payload, now);
  const visits = rehabilitationAppointments(session, referral, feedback, now);
  await db.appointments.bulkInsert(visits);
  for (const visit of visits) {
    await appendAudit(db, session, {
      action: 'appointment.book',
      recordType: 'appointment',
      recordId: visit.id,
      detail: 'rehabilitation',
    });
  }
}
