/** The morning report: what the last slot download brought, what changed, what failed and why. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../app/app-store';
import { formatBytes, localDateTime } from './format';
import { type MorningReport, totalArrived } from './morning-report';
import { readReports } from './overnight-pull';
import { useOvernight } from './overnight-scheduler';
import type { Directory } from './use-directory';

export function MorningReportCard({ directory }: { directory: Directory }) {
  const { t } = useTranslation();
  const { db } = useSignedIn();
  const finishedRuns = useOvernight((state) => state.finishedRuns);
  const running = useOvernight((state) => Boolean(state.running));
  const [reports, setReports] = useState<MorningReport[]>([]);
  const [chosen, setChosen] = useState<string>();

  // biome-ignore lint/correctness/useExhaustiveDependencies: a finished run (finishedRuns) means new reports
  useEffect(() => {
    void readReports(db).then((found) => {
      setReports(found);
      setChosen(found[0]?.id);
    });
  }, [db, finishedRuns, running]);

  const report = reports.find((r) => r.id === chosen) ?? reports[0];
  const outcome = report?.outcome === 'running' && !running ? 'interrupted' : report?.outcome;
  return (
    <section className="card slots-card" data-testid="morning-report">
      <div className="card-head">
        <h2>{t('slots.report.title')}</h2>
        {reports.length > 1 ? (
          <select
            aria-label={t('slots.report.earlier')}
            value={report?.id}
            onChange={(e) => setChosen(e.target.value)}
          >
            {reports.map((r) => (
              <option key={r.id} value={r.id}>
                {localDateTime(r.startedAt)} · {t(`slots.report.trigger.${r.trigger}`)}
              </option>
            ))}
          </select>
        ) : null}
      </div>
      {!report ? (
        <p className="note">{t('slots.report.none')}</p>
      ) : (
        <>
          <p>
            <span className={`badge outcome-${outcome}`} data-testid="report-outcome">
              {t(`slots.report.outcome.${outcome}`)}
            </span>{' '}
            <span className="note">{t(`slots.report.trigger.${report.trigger}`)}</span>
          </p>
          <dl className="facts">
            <div>
              <dt>{t('slots.report.started')}</dt>
              <dd>{localDateTime(report.startedAt)}</dd>
            </div>
            <div>
              <dt>{t('slots.report.finished')}</dt>
              <dd>{report.finishedAt ? localDateTime(report.finishedAt) : '—'}</dd>
            </div>
            <div>
              <dt>{t('slots.report.received')}</dt>
              <dd data-testid="report-received">
                {t('slots.report.receivedValue', { count: report.received })}
              </dd>
            </div>
            <div>
              <dt>{t('slots.report.traffic')}</dt>
              <dd>
                {t('slots.report.trafficValue', {
                  bytes: formatBytes(report.bytes),
                  requests: report.requests,
                  cap: report.capKbps,
                })}
              </dd>
            </div>
            <div>
              <dt>{t('slots.report.pool')}</dt>
              <dd>
                {report.poolSummary === 'refreshed'
                  ? t('slots.report.poolRefreshed')
                  : report.poolSummary === 'failed'
                    ? t('slots.report.poolFailed')
                    : t('slots.report.poolSkipped')}
              </dd>
            </div>
          </dl>
          {report.needsRebooking.length > 0 ? (
            <p className="notice" data-testid="report-rebooking">
              {t('slots.report.rebooking', { count: report.needsRebooking.length })}
            </p>
          ) : null}

          <h3>
            {t('slots.report.arrived')} ({totalArrived(report)})
          </h3>
          {report.arrived.length === 0 ? (
            <p className="note">{t('slots.report.arrivedNone')}</p>
          ) : (
            <table className="table" data-testid="report-arrived">
              <thead>
                <tr>
                  <th>{t('slots.report.col.date')}</th>
                  <th>{t('slots.report.col.hospital')}</th>
                  <th>{t('slots.report.col.kind')}</th>
                  <th>{t('slots.report.col.count')}</th>
                </tr>
              </thead>
              <tbody>
                {report.arrived.map((group) => (
                  <tr key={`${group.date}-${group.hospitalId}-${group.kind}`}>
                    <td>{group.date}</td>
                    <td>{directory.facility(group.hospitalId)}</td>
                    <td>{t(`slots.kind.${group.kind}`)}</td>
                    <td>{group.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          <h3>
            {t('slots.report.changed')} ({report.changed.length + report.changedNotListed})
          </h3>
          {report.changed.length === 0 ? (
            <p className="note">{t('slots.report.changedNone')}</p>
          ) : (
            <table className="table" data-testid="report-changed">
              <thead>
                <tr>
                  <th>{t('slots.report.col.slot')}</th>
                  <th>{t('slots.report.col.what')}</th>
                </tr>
              </thead>
              <tbody>
                {report.changed.map((change) => (
                  <tr key={change.slotId}>
                    <td>
                      {change.date} {t(`slots.period.${change.period}`)}{' '}
                      {directory.facility(change.hospitalId)}{' '}
                      {directory.department(change.hospitalId, change.departmentId)} ·{' '}
                      {t(`slots.kind.${change.kind}`)}
                    </td>
                    <td>
                      {change.fields
                        .map((field) => t(`slots.report.field.${field}`, { defaultValue: field }))
                        .join('、')}
                      {change.fromState && change.toState
                        ? ` (${t(`slots.report.state.${change.fromState}`)} → ${t(`slots.report.state.${change.toState}`)})`
                        : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.changedNotListed > 0 ? (
            <p className="note">{t('slots.report.moreChanges', { count: report.changedNotListed })}</p>
          ) : null}

          <h3>{t('slots.report.failures')}</h3>
          {report.failures.length === 0 ? (
            <p className="note">{t('slots.report.failuresNone')}</p>
          ) : (
            <table className="table" data-testid="report-failures">
              <thead>
                <tr>
                  <th>{t('slots.report.col.time')}</th>
                  <th>{t('slots.report.col.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.failures.map((failure, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: failures have no id and never reorder
                  <tr key={i}>
                    <td>{localDateTime(failure.at)}</td>
                    <td>
                      {t(`slots.report.failure.${failure.code}`, { defaultValue: failure.code })}
                      <div className="note mono">{failure.message}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
