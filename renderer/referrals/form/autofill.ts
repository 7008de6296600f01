/**
 * What the referral form knows before the doctor types: the latest visit's
 * complaint, present illness and diagnoses, and the latest readings (the
 * receiving doctor wants today's blood pressure, not last year's). Only empty
 * fields are filled; what the doctor typed is never overwritten.
 */
import type { ReadingDoc, VisitDoc } from '../../../sync/protocol/schema';
import type { ReferralInput } from './referral-input';

/** One line per reading kind, for the present illness: `kind`, its values and when. */
export interface ReadingLine {
  kind: ReadingDoc['kind'];
  values: Record<string, number>;
  measuredAt: string;
}

/** The latest visit: the open one if any, else the most recently started. */
export function latestVisit(visits: readonly VisitDoc[]): VisitDoc | undefined {
  return [...visits].sort(
    (a, b) =>
      Number(b.status === 'open') - Number(a.status === 'open') || b.startedAt.localeCompare(a.startedAt),
  )[0];
}

/** The newest reading of each kind (ECG waveforms excluded: they travel as attachments). */
export function latestReadings(readings: readonly ReadingDoc[]): ReadingLine[] {
  const newest = new Map<ReadingDoc['kind'], ReadingDoc>();
  for (const reading of readings) {
    if (reading.kind === 'ecg') continue;
    const seen = newest.get(reading.kind);
    if (!seen || reading.measuredAt > seen.measuredAt) newest.set(reading.kind, reading);
  }
  return [...newest.values()]
    .sort((a, b) => b.measuredAt.localeCompare(a.measuredAt))
    .map(({ kind, values, measuredAt }) => ({ kind, values, measuredAt }));
}

export interface AutofillSource {
  visits: readonly VisitDoc[];
  readings: readonly ReadingDoc[];
  /** Words one reading line (the form passes the translated formatter). */
  describe(line: ReadingLine): string;
  /** The heading of the readings paragraph ("最近测量："). */
  readingsHeading: string;
}

export function autofill(input: ReferralInput, source: AutofillSource): ReferralInput {
  const visit = latestVisit(source.visits);
  const lines = latestReadings(source.readings);
  const readingsText =
    lines.length > 0 ? `${source.readingsHeading}${lines.map(source.describe).join('；')}` : '';
  const illness = [visit?.presentIllness?.trim(), readingsText].filter(Boolean).join('\n');
  return {
    ...input,
    visitId: input.visitId ?? visit?.id,
    chiefComplaint: input.chiefComplaint || visit?.chiefComplaint?.trim() || '',
    presentIllness: input.presentIllness || illness,
    diagnoses: input.diagnoses.length > 0 ? input.diagnoses : [...(visit?.diagnoses ?? [])],
  };
}
