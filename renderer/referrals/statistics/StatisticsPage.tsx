/**
 * 转诊统计 for a clinic head: counts by direction, type, institution, doctor
 * and month, rejection and auto-rejection rates, time from referral to
 * arrival, as charts and tables. Everything is computed from the clinic's own
 * copy (works offline) by the pure functions of `referral-statistics.ts`.
 */
import type { TFunction } from 'i18next';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useSignedIn } from '../../app/app-store';
import { useFacilities } from '../use-referrals';
import {
  PERIODS,
  type Period,
  periodStart,
  referralFacts,
  SIDES,
  type Side,
  type SideCounts,
  summarise,
  withinPeriod,
} from './referral-statistics';
import { useStatisticsData } from './use-statistics-data';
import './statistics.css';

const COLOURS = { outgoing: '#0d7a5f', incoming: '#3b6fb6' } as const;

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** Grid, tooltip, legend and one stacked bar per side (a plain function: recharts reads its children). */
function sideBars(t: TFunction, height: number) {
  return (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#d5dde3" />
      <Tooltip />
      <Legend itemSorter={(item) => SIDES.indexOf(item.dataKey as Side)} />
      {SIDES.map((side) => (
        <Bar
          key={side}
          dataKey={side}
          name={t(`statistics.side.${side}`)}
          stackId="sides"
          fill={COLOURS[side]}
          isAnimationActive={false}
          maxBarSize={height / 4}
        />
      ))}
    </>
  );
}

/** Rows of a "by something" table: label, outgoing, incoming, total. */
function CountTable({
  testId,
  heading,
  rows,
}: {
  testId: string;
  heading: string;
  rows: Array<{ key: string; label: string } & SideCounts>;
}) {
  const { t } = useTranslation();
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th>{heading}</th>
          <th className="num">{t('statistics.side.outgoing')}</th>
          <th className="num">{t('statistics.side.incoming')}</th>
          <th className="num">{t('statistics.total')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td>{row.label}</td>
            <td className="num">{row.outgoing}</td>
            <td className="num">{row.incoming}</td>
            <td className="num">{row.outgoing + row.incoming}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function StatisticsPage() {
  const { t } = useTranslation();
  const { db, facility } = useSignedIn();
  const facilities = useFacilities(db);
  const { referrals, commands, userNames } = useStatisticsData(db);
  const [period, setPeriod] = useState<Period>('last-12-months');

  const facts = useMemo(
    () => referralFacts(facility.id, referrals, commands),
    [facility.id, referrals, commands],
  );
  const stats = useMemo(() => {
    const from = periodStart(period, new Date());
    return summarise(withinPeriod(facts, from ? { from } : {}));
  }, [facts, period]);

  const facilityName = (id: string) => facilities.get(id)?.name ?? t('statistics.institution.unknown');
  const duration = (hours: number | undefined) =>
    hours === undefined
      ? t('statistics.arrival.none')
      : hours < 48
        ? t('statistics.hours', { value: hours.toFixed(1) })
        : t('statistics.days', { value: (hours / 24).toFixed(1) });
  const empty = stats.total.outgoing + stats.total.incoming === 0;
  const institutions = stats.byInstitution.map((row) => ({ ...row, name: facilityName(row.facilityId) }));

  return (
    <div className="statistics">
      <div className="statistics-head">
        <div>
          <h1>{t('statistics.title')}</h1>
          <p className="intro">{t('statistics.intro')}</p>
        </div>
        <label className="field statistics-period">
          <span>{t('statistics.period.label')}</span>
          <select value={period} onChange={(event) => setPeriod(event.target.value as Period)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`statistics.period.${p}`)}
              </option>
            ))}
          </select>
        </label>
      </div>

      <dl className="statistics-cards" data-testid="statistics-cards">
        <div className="card">
          <dt>{t('statistics.cards.outgoing')}</dt>
          <dd>{stats.total.outgoing}</dd>
        </div>
        <div className="card">
          <dt>{t('statistics.cards.incoming')}</dt>
          <dd>{stats.total.incoming}</dd>
        </div>
        <div className="card">
          <dt>{t('statistics.cards.outgoingRejection')}</dt>
          <dd>{percent(stats.rates.outgoing.rejectionRate)}</dd>
        </div>
        <div className="card">
          <dt>{t('statistics.cards.outgoingAutoRejection')}</dt>
          <dd>{percent(stats.rates.outgoing.autoRejectionRate)}</dd>
        </div>
        <div className="card">
          <dt>{t('statistics.cards.arrival')}</dt>
          <dd>{duration(stats.arrival.outgoing.medianHours)}</dd>
        </div>
      </dl>

      {empty ? (
        <p className="notice" data-testid="statistics-empty">
          {t('statistics.empty')}
        </p>
      ) : (
        <>
          <section className="card statistics-wide" data-testid="chart-by-month">
            <h2>{t('statistics.month.title')}</h2>
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={stats.byMonth}>
                <XAxis dataKey="month" />
                <YAxis allowDecimals={false} />
                {sideBars(t, 260)}
              </BarChart>
            </ResponsiveContainer>
          </section>

          <div className="statistics-grid">
            <section className="card">
              <h2>{t('statistics.direction.title')}</h2>
              <CountTable
                testId="table-by-direction"
                heading={t('statistics.direction.label')}
                rows={stats.byDirection.map((row) => ({
                  key: row.direction,
                  label: t(`statistics.direction.${row.direction}`),
                  ...row,
                }))}
              />
            </section>
            <section className="card">
              <h2>{t('statistics.type.title')}</h2>
              <CountTable
                testId="table-by-type"
                heading={t('statistics.type.label')}
                rows={stats.byType.map((row) => ({
                  key: row.type,
                  label: t(`statistics.type.${row.type}`),
                  ...row,
                }))}
              />
            </section>
          </div>

          <section className="card statistics-wide">
            <h2>{t('statistics.institution.title')}</h2>
            <ResponsiveContainer width="100%" height={Math.max(120, 44 * institutions.length + 60)}>
              <BarChart data={institutions} layout="vertical" margin={{ left: 24 }}>
                <XAxis type="number" allowDecimals={false} />
                <YAxis type="category" dataKey="name" width={170} />
                {sideBars(t, 260)}
              </BarChart>
            </ResponsiveContainer>
            <table className="table" data-testid="table-by-institution">
              <thead>
                <tr>
                  <th className="num">{t('statistics.institution.rank')}</th>
                  <th>{t('statistics.institution.label')}</th>
                  <th className="num">{t('statistics.side.outgoing')}</th>
                  <th className="num">{t('statistics.side.incoming')}</th>
                  <th className="num">{t('statistics.total')}</th>
                  <th className="num">{t('statistics.institution.rejected')}</th>
                  <th className="num">{t('statistics.institution.autoRejected')}</th>
                </tr>
              </thead>
              <tbody>
                {institutions.map((row, index) => (
                  <tr key={row.facilityId}>
                    <td className="num">{index + 1}</td>
                    <td>{row.name}</td>
                    <td className="num">{row.outgoing}</td>
                    <td className="num">{row.incoming}</td>
                    <td className="num">{row.outgoing + row.incoming}</td>
                    <td className="num">{row.rejected}</td>
                    <td className="num">{row.autoRejected}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>

          <div className="statistics-grid">
            <section className="card">
              <h2>{t('statistics.rates.title')}</h2>
              <table className="table" data-testid="table-rates">
                <thead>
                  <tr>
                    <th />
                    <th className="num">{t('statistics.rates.submitted')}</th>
                    <th className="num">{t('statistics.rates.rejected')}</th>
                    <th className="num">{t('statistics.rates.rejectionRate')}</th>
                    <th className="num">{t('statistics.rates.autoRejected')}</th>
                    <th className="num">{t('statistics.rates.autoRejectionRate')}</th>
                  </tr>
                </thead>
                <tbody>
                  {SIDES.map((side) => {
                    const rates = stats.rates[side];
                    return (
                      <tr key={side}>
                        <td>{t(`statistics.side.${side}`)}</td>
                        <td className="num">{rates.submitted}</td>
                        <td className="num">{rates.rejected}</td>
                        <td className="num">{percent(rates.rejectionRate)}</td>
                        <td className="num">{rates.autoRejected}</td>
                        <td className="num">{percent(rates.autoRejectionRate)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              <p className="intro">{t('statistics.rates.note')}</p>
            </section>
            <section className="card">
              <h2>{t('statistics.doctor.title')}</h2>
              <CountTable
                testId="table-by-doctor"
                heading={t('statistics.doctor.label')}
                rows={stats.byDoctor.map((row) => ({
                  key: row.doctorId,
                  label: userNames.get(row.doctorId) ?? t('statistics.doctor.unknown'),
                  ...row,
                }))}
              />
              <p className="intro">{t('statistics.doctor.note')}</p>
            </section>
          </div>

          <section className="card statistics-wide">
            <h2>{t('statistics.arrival.title')}</h2>
            <div className="statistics-grid">
              <table className="table" data-testid="table-arrival">
                <thead>
                  <tr>
                    <th />
                    <th className="num">{t('statistics.arrival.arrived')}</th>
                    <th className="num">{t('statistics.arrival.median')}</th>
                    <th className="num">{t('statistics.arrival.p90')}</th>
                  </tr>
                </thead>
                <tbody>
                  {SIDES.map((side) => (
                    <tr key={side}>
                      <td>{t(`statistics.side.${side}`)}</td>
                      <td className="num">{stats.arrival[side].count}</td>
                      <td className="num">{duration(stats.arrival[side].medianHours)}</td>
                      <td className="num">{duration(stats.arrival[side].p90Hours)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div data-testid="chart-arrival">
                <ResponsiveContainer width="100%" height={220}>
                  <BarChart
                    data={stats.arrivalBuckets.map((row) => ({
                      ...row,
                      label: t(`statistics.arrival.${row.bucket}`),
                    }))}
                  >
                    <XAxis dataKey="label" />
                    <YAxis allowDecimals={false} />
                    {sideBars(t, 220)}
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </div>
          </section>
        </>
      )}
    </div>
  );
}
