/** The county's online pool: the cached summary (shown offline too), and a hospital's open slots when online. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OpenSlot } from '../../sync/protocol/slots';
import { useSignedIn } from '../app/app-store';
import { useSync } from '../sync/sync-store';
import { describeSlot } from './BookSlotDialog';
import { localDate } from './booking';
import { localDateTime } from './format';
import { reachCounty, useOvernight } from './overnight-scheduler';
import {
  type CachedPoolSummary,
  onlineOpenByHospital,
  readPoolSummary,
  refreshPoolSummary,
} from './pool-summary';
import type { Directory } from './use-directory';

export function PoolCard(props: { directory: Directory; mayBook: boolean; onBook(slot: OpenSlot): void }) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const online = useSync((state) => state.linked && state.online);
  const finishedRuns = useOvernight((state) => state.finishedRuns);
  const [summary, setSummary] = useState<CachedPoolSummary>();
  const [open, setOpen] = useState<{ hospitalId: string; slots: OpenSlot[] }>();
  const [error, setError] = useState<string>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a finished download (finishedRuns) refreshes the cache
  useEffect(() => {
    void readPoolSummary(db).then(setSummary);
  }, [db, finishedRuns]);

  async function refresh() {
    setError(undefined);
    try {
      const county = await reachCounty(session.userId);
      if (county) setSummary(await refreshPoolSummary(db, county));
    } catch (caught) {
      setError(t('slots.pool.failed', { reason: (caught as Error).message }));
    }
  }

  async function show(hospitalId: string) {
    setError(undefined);
    try {
      const county = await reachCounty(session.userId);
      if (!county) return;
      const { slots } = await county.poolOpen({ hospitalId });
      setOpen({ hospitalId, slots });
    } catch (caught) {
      setError(t('slots.pool.failed', { reason: (caught as Error).message }));
    }
  }

  const byHospital = [...onlineOpenByHospital(summary, localDate(new Date()))].sort((a, b) => b[1] - a[1]);
  return (
    <section className="card slots-card" data-testid="pool">
      <div className="card-head">
        <h2>{t('slots.pool.title')}</h2>
        <button type="button" disabled={!online} onClick={() => void refresh()}>
          {t('slots.pool.refresh')}
        </button>
      </div>
      <p className="note">
        {t('slots.pool.intro')}{' '}
        {summary
          ? t('slots.pool.fetchedAt', { at: localDateTime(summary.fetchedAt) })
          : t('slots.pool.never')}
      </p>
      {!online && summary ? (
        <p className="notice" data-testid="pool-offline">
          {t('slots.pool.offline')}
        </p>
      ) : null}
      {error ? (
        <p className="warn" role="alert">
          {error}
        </p>
      ) : null}
      {byHospital.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('slots.report.col.hospital')}</th>
              <th>{t('slots.pool.open')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {byHospital.map(([hospitalId, count]) => (
              <tr key={hospitalId} data-testid="pool-hospital">
                <td>{props.directory.facility(hospitalId)}</td>
                <td>{count}</td>
                <td>
                  <button type="button" disabled={!online} onClick={() => void show(hospitalId)}>
                    {t('slots.pool.show')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {open ? (
        <div data-testid="pool-open">
          <h3>{t('slots.pool.openSlots', { hospital: props.directory.facility(open.hospitalId) })}</h3>
          {open.slots.length === 0 ? <p className="note">{t('slots.pool.noOpen')}</p> : null}
          <ul className="pool-slots">
            {open.slots.slice(0, 60).map((slot) => (
              <li key={slot.slotId} data-testid="pool-slot">
                <span>
                  {describeSlot(t, props.directory, slot)} · {t(`slots.kind.${slot.kind}`)}
                </span>
                {props.mayBook ? (
                  <button type="button" onClick={() => props.onBook(slot)}>
                    {t('slots.pool.book')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
