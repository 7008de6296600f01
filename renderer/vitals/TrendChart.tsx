import { useTranslation } from 'react-i18next';
import type { ReadingDoc } from '../../sync/protocol/schema';

const WIDTH = 620;
const HEIGHT = 200;
const PAD = { left: 36, right: 28, top: 12, bottom: 26 };

interface Point {
  at: string;
  systolic: number;
  diastolic: number;
  pulse?: number;
}

function shortDate(iso: string): string {
  const date = new Date(iso);
  return `${date.getMonth() + 1}/${date.getDate()}`;
}

function shortTime(iso: string): string {
  const date = new Date(iso);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

/** BP (systolic, diastolic) and pulse over time, with the 140/90 thresholds; a plain SVG. */
export function TrendChart({ readings }: { readings: ReadingDoc[] }) {
  const { t } = useTranslation();
  const points: Point[] = readings
    .filter((reading) => reading.kind === 'bp' && reading.values.systolic !== undefined)
    .slice(-30)
    .map((reading) => ({
      at: reading.measuredAt,
      systolic: reading.values.systolic as number,
      diastolic: reading.values.diastolic as number,
      ...(reading.values.pulse !== undefined ? { pulse: reading.values.pulse } : {}),
    }));
  if (points.length === 0) return <p className="note">{t('vitals.trend.empty')}</p>;
  const values = points.flatMap((point) => [point.systolic, point.diastolic, point.pulse ?? point.diastolic]);
  const low = Math.min(40, ...values) - 5;
  const high = Math.max(160, ...values) + 5;
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? innerW / 2 : (i * innerW) / (points.length - 1));
  const y = (v: number) => PAD.top + innerH - ((v - low) * innerH) / (high - low);
  const line = (pick: (point: Point) => number | undefined) =>
    points
      .flatMap((point, i) => {
        const value = pick(point);
        return value === undefined ? [] : [`${x(i).toFixed(1)},${y(value).toFixed(1)}`];
      })
      .join(' ');
  const ticks = [60, 90, 120, 140, 180, 220, 260].filter((v) => v > low && v < high);
  // Readings of one day are told apart by the time, longer spans by the date.
  const oneDay = new Set(points.map((point) => shortDate(point.at))).size === 1;
  const xLabel = oneDay ? shortTime : shortDate;
  const series: Array<{ key: string; pick: (point: Point) => number | undefined; className: string }> = [
    { key: 'systolic', pick: (p) => p.systolic, className: 'trend-sys' },
    { key: 'diastolic', pick: (p) => p.diastolic, className: 'trend-dia' },
    { key: 'pulse', pick: (p) => p.pulse, className: 'trend-pulse' },
  ];
  return (
    <figure className="trend" data-testid="trend-chart">
      <figcaption>{t('vitals.trend.title')}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('vitals.trend.title')}>
        {ticks.map((v) => (
          <g key={v}>
            <line
              x1={PAD.left}
              x2={WIDTH - PAD.right}
              y1={y(v)}
              y2={y(v)}
              className={v === 140 || v === 90 ? 'trend-limit' : 'trend-grid'}
            />
            <text x={PAD.left - 4} y={y(v) + 4} textAnchor="end" className="trend-axis">
              {v}
            </text>
          </g>
        ))}
        {series.map((s) => (
          <g key={s.key} className={s.className}>
            <polyline points={line(s.pick)} fill="none" />
            {points.map((point, i) => {
              const value = s.pick(point);
              return value === undefined ? null : (
                <circle key={`${s.key}-${point.at}`} cx={x(i)} cy={y(value)} r={3} />
              );
            })}
          </g>
        ))}
        {points.map((point, i) =>
          points.length <= 8 || i % Math.ceil(points.length / 8) === 0 ? (
            <text key={point.at} x={x(i)} y={HEIGHT - 8} textAnchor="middle" className="trend-axis">
              {xLabel(point.at)}
            </text>
          ) : null,
        )}
      </svg>
      <div className="trend-legend">
        <span className="trend-sys">■ {t('vitals.field.systolic')}</span>
        <span className="trend-dia">■ {t('vitals.field.diastolic')}</span>
        <span className="trend-pulse">■ {t('vitals.field.pulse')}</span>
        <span className="trend-limit-label">- - 140/90 mmHg</span>
      </div>
    </figure>
  );
}
