/** The clinic's slot bookings and where each stands: confirmed, waiting (and why), needs rebooking. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { useSync } from '../sync/sync-store';
import { cancelBooking, confirmOnline } from './booking';
import { ListTable } from './ListTable';
import { reachCounty } from './overnight-scheduler';
import { type Directory, usePatientNames } from './use-directory';

export function BookingsCard({ directory, mayBook }: { directory: Directory; mayBook: boolean }) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const online = useSync((state) => state.linked && state.online);
  const [bookings, setBookings] = useState<AppointmentDoc[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const subscription = db.appointments
      .find({
        selector: { slotId: { $exists: true }, status: { $ne: 'cancelled' } },
        sort: [{ scheduledAt: 'asc' }],
      })
      .$.subscribe((docs) => setBookings(docs.map((d) => d.toJSON() as AppointmentDoc)));
    return () => subscription.unsubscribe();
  }, [db]);
  const patients = usePatientNames(
    db,
    bookings.map((b) => b.patientId),
  );

  async function act(work: () => Promise<unknown>) {
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <section className="card slots-card" data-testid="slot-bookings">
      <h2>{t('slots.bookings.title')}</h2>
      {error ? (
        <p className="warn" role="alert">
          {error}
        </p>
      ) : null}
      <ListTable
        columns={[
          t('slots.bookings.col.patient'),
          t('slots.bookings.col.when'),
          t('slots.bookings.col.where'),
          t('slots.bookings.col.mode'),
          t('slots.bookings.col.status'),
        ]}
        rows={bookings}
        rowTestId="slot-booking"
        empty={t('slots.bookings.empty')}
      >
        {(b) => (
          <>
            <td>{patients.get(b.patientId) ?? ''}</td>
            <td>{b.scheduledAt.replace('T', ' ')}</td>
            <td>
              {directory.facility(b.hospitalId)} {directory.department(b.hospitalId, b.departmentId)}
            </td>
            <td>{b.mode ? t(`slots.mode.${b.mode}`) : ''}</td>
            <td>
              <span className={`badge booking-${b.status}`} data-testid="slot-booking-status">
                {t(`slots.bookings.status.${b.status}`)}
              </span>
              {b.status === 'waiting' ? (
                <div className="note">
                  {online ? t('slots.bookings.waitingCounty') : t('slots.bookings.waitingOffline')}
                </div>
              ) : null}
              {b.status === 'needs-rebooking' && b.slotRefusal ? (
                <div className="note">
                  {t(`slots.refusal.${b.slotRefusal.code}`, { defaultValue: b.slotRefusal.message })}
                </div>
              ) : null}
            </td>
            <td className="row-inline">
              {mayBook && b.status === 'waiting' && online ? (
                <button
                  type="button"
                  onClick={() =>
                    void act(async () => confirmOnline(db, session, await reachCounty(session.userId), b.id))
                  }
                >
                  {t('slots.bookings.retry')}
                </button>
              ) : null}
              {mayBook && (b.status === 'waiting' || b.status === 'confirmed') ? (
                <button
                  type="button"
                  className="danger"
                  onClick={() =>
                    void act(async () =>
                      cancelBooking(db, session, online ? await reachCounty(session.userId) : null, b.id),
                    )
                  }
                >
                  {t('slots.bookings.cancel')}
                </button>
              ) : null}
            </td>
          </>
        )}
      </ListTable>
    </section>
  );
}
