/** How readings read on screen and on the slip, in the reader's language. */
import type { TFunction } from 'i18next';
import type { VitalsReceipt } from '../../electron/bridge/contract';
import type { PatientDoc, ReadingDoc } from '../../sync/protocol/schema';
import { ageOn } from '../patients/age';

export function localTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** "132/84 mmHg · 脉搏 76" */
export function describeReading(reading: ReadingDoc, t: TFunction): string {
  const v = reading.values;
  const parts: string[] = [];
  if (reading.kind === 'bp' && v.systolic !== undefined) parts.push(`${v.systolic}/${v.diastolic} mmHg`);
  if (v.mean !== undefined) parts.push(`${t('vitals.field.mean')} ${v.mean}`);
  if (v.spo2 !== undefined) parts.push(`SpO₂ ${v.spo2}%`);
  if (v.pulse !== undefined) parts.push(`${t('vitals.field.pulse')} ${v.pulse}`);
  if (v.celsius !== undefined) parts.push(`${v.celsius} ℃`);
  return parts.join(' · ');
}

/** The slip for the latest reading of each kind taken today. */
export function vitalsReceipt(
  facilityName: string,
  patient: PatientDoc,
  readings: ReadingDoc[],
  t: TFunction,
): VitalsReceipt | undefined {
  const latest = (kind: ReadingDoc['kind']) => readings.filter((reading) => reading.kind === kind).at(-1);
  const bp = latest('bp');
  const spo2 = latest('spo2');
  const temperature = latest('temperature');
  const newest = [bp, spo2, temperature]
    .filter((reading): reading is ReadingDoc => reading !== undefined)
    .sort((a, b) => a.measuredAt.localeCompare(b.measuredAt))
    .at(-1);
  if (!newest) return undefined;
  const lines: VitalsReceipt['lines'] = [];
  if (bp)
    lines.push({ label: t('vitals.receipt.bp'), value: `${bp.values.systolic}/${bp.values.diastolic} mmHg` });
  const pulse = bp?.values.pulse ?? spo2?.values.pulse;
  if (pulse !== undefined)
    lines.push({ label: t('vitals.field.pulse'), value: t('vitals.receipt.perMinute', { n: pulse }) });
  if (spo2) lines.push({ label: t('vitals.receipt.spo2'), value: `${spo2.values.spo2}%` });
  if (temperature)
    lines.push({ label: t('vitals.field.temperatureC'), value: `${temperature.values.celsius} ℃` });
  lines.push({ label: t('vitals.receipt.time'), value: localTime(newest.measuredAt) });
  return {
    facility: facilityName,
    title: t('vitals.receipt.title'),
    patient: `${patient.name}  ${t(`sex.${patient.sex}`)}  ${t('patients.age', { age: ageOn(patient.birthDate) })}`,
    lines,
    footer: t('vitals.receipt.footer'),
    qr: `XY-VITALS:${newest.id}`,
  };
}
