/**
 * Tells the doctor who booked a slot that the booking needs rebooking (the
 * hospital suspended the session, or the county refused the booking), until
 * they say they have seen it. What each user has seen is a local document.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import type { ClinicDatabase } from '../store/database';
import { useDirectory, usePatientNames } from './use-directory';

const seenDoc = (userId: string) => `slots.notices-seen.${userId}`;

export function useRebookingNotices(db: ClinicDatabase, userId: string) {
  const [unseen, setUnseen] = useState<AppointmentDoc[]>([]);
  const [seen, setSeen] = useState<string[]>();
  useEffect(() => {
    void db
      .getLocal<{ ids: string[] }>(seenDoc(userId))
      .then((doc) => setSeen([...(doc?.toJSON().data.ids ?? [])]));
  }, [db, userId]);
  useEffect(() => {
    if (!seen) return;
    const subscription = db.appointments
      .find({ selector: { status: 'needs-rebooking', createdBy: userId } })
      .$.subscribe((docs) =>
        setUnseen(docs.map((d) => d.toJSON() as AppointmentDoc).filter((a) => !seen.includes(a.id))),
      );
    return () => subscription.unsubscribe();
  }, [db, userId, seen]);
  const dismiss = async () => {
    const ids = [...(seen ?? []), ...unseen.map((a) => a.id)];
    await db.upsertLocal(seenDoc(userId), { ids });
    setSeen(ids);
  };
  return { unseen, dismiss };
}

export function RebookingNotice() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const { unseen, dismiss } = useRebookingNotices(db, session.userId);
  const directory = useDirectory(db);
  const patients = usePatientNames(
    db,
    unseen.map((a) => a.patientId),
  );
  if (unseen.length === 0) return null;
  return (
    <section className="notice rebooking-notice" role="alert" data-testid="rebooking-notice">
      <strong>{t('slots.notice.title')}</strong>
      <ul>
        {unseen.map((a) => (
          <li key={a.id}>
            {t('slots.notice.item', {
              patient: patients.get(a.patientId) ?? '',
              when: a.scheduledAt.replace('T', ' '),
              hospital: directory.facility(a.hospitalId),
              department: directory.department(a.hospitalId, a.departmentId),
              reason: t(`slots.refusal.${a.slotRefusal?.code ?? 'slot-suspended'}`, {
                defaultValue: a.slotRefusal?.message ?? '',
              }),
            })}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void dismiss()}>
        {t('slots.notice.dismiss')}
      </button>
    </section>
  );
}
