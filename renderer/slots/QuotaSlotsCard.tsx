/** This clinic's open quota slots, bookable offline. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SlotDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { openQuotaSlots } from './booking';
import { ListTable } from './ListTable';
import type { Directory } from './use-directory';

const SHOWN = 100;

export function QuotaSlotsCard(props: {
  directory: Directory;
  mayBook: boolean;
  onBook(slot: SlotDoc): void;
}) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [slots, setSlots] = useState<SlotDoc[]>([]);
  const [hospital, setHospital] = useState('');

  useEffect(() => {
    const load = () => void openQuotaSlots(db, session.facilityId).then(setSlots);
    load();
    const subscriptions = [db.slots.$.subscribe(load), db.appointments.$.subscribe(load)];
    return () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
    };
  }, [db, session.facilityId]);

  const hospitals = [...new Set(slots.map((s) => s.facilityId))];
  const shown = slots.filter((s) => !hospital || s.facilityId === hospital);
  return (
    <section className="card slots-card" data-testid="quota-slots">
      <div className="card-head">
        <h2>{t('slots.quota.title')}</h2>
        {hospitals.length > 1 ? (
          <select
            aria-label={t('slots.report.col.hospital')}
            value={hospital}
            onChange={(e) => setHospital(e.target.value)}
          >
            <option value="">—</option>
            {hospitals.map((id) => (
              <option key={id} value={id}>
                {props.directory.facility(id)}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      <p className="note">
        {t('slots.quota.intro')} {slots.length > 0 ? t('slots.quota.count', { count: shown.length }) : null}
      </p>
      {slots.length === 0 ? (
        <p className="note">{t('slots.quota.empty')}</p>
      ) : (
        <ListTable
          columns={[
            t('slots.report.col.date'),
            t('slots.report.col.time'),
            t('slots.report.col.hospital'),
            t('slots.report.col.department'),
            t('slots.report.field.doctorId'),
            t('slots.report.col.kind'),
          ]}
          rows={shown.slice(0, SHOWN)}
          rowTestId="quota-slot"
        >
          {(slot) => (
            <>
              <td>{slot.date}</td>
              <td>{slot.startTime ?? t(`slots.period.${slot.period}`)}</td>
              <td>{props.directory.facility(slot.facilityId)}</td>
              <td>{props.directory.department(slot.facilityId, slot.departmentId)}</td>
              <td>{props.directory.person(slot.doctorId)}</td>
              <td>{t(`slots.kind.${slot.kind}`)}</td>
              <td>
                {props.mayBook ? (
                  <button type="button" onClick={() => props.onBook(slot)}>
                    {t('slots.quota.book')}
                  </button>
                ) : null}
              </td>
            </>
          )}
        </ListTable>
      )}
    </section>
  );
}
