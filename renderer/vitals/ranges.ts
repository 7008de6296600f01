/**
 * Plausibility of vital signs, as a pure function of the numbers. Two bands per value: outside
 * `possible` the number cannot be a measurement of a living patient (a typo, a misread frame) and
 * is refused; outside `plausible` it may be real but is unusual enough that the nurse confirms it
 * before it is stored (and the reading remembers that it was confirmed).
 */
import type { ReadingKind } from '../../sync/protocol/schema';

export const VITAL_FIELDS = ['systolic', 'diastolic', 'mean', 'pulse', 'spo2', 'temperatureC'] as const;
export type VitalField = (typeof VITAL_FIELDS)[number];
export type VitalValues = Partial<Record<VitalField, number>>;

interface Range {
  plausible: [number, number];
  possible: [number, number];
}

/** Adults, resting, at a village clinic. */
export const VITAL_RANGES: Record<VitalField, Range> = {
  systolic: { plausible: [70, 220], possible: [30, 300] },
  diastolic: { plausible: [40, 130], possible: [15, 250] },
  mean: { plausible: [50, 160], possible: [20, 280] },
  pulse: { plausible: [40, 150], possible: [15, 300] },
  spo2: { plausible: [88, 100], possible: [40, 100] },
  temperatureC: { plausible: [35, 40.5], possible: [25, 45] },
};

export type VitalProblem =
  | 'impossible'
  | 'not-a-number'
  | 'diastolic-not-below-systolic'
  | 'bp-pair'
  | 'pulse-alone'
  | 'empty';

export interface VitalsCheck {
  /** Field (or `form`) → problem; any entry means nothing may be stored. */
  invalid: Partial<Record<VitalField | 'form', VitalProblem>>;
  /** Possible but implausible: stored only after the nurse confirms. */
  outOfRange: VitalField[];
}

export function checkVitals(values: VitalValues): VitalsCheck {
  const invalid: VitalsCheck['invalid'] = {};
  const outOfRange: VitalField[] = [];
  const present = VITAL_FIELDS.filter((field) => values[field] !== undefined);
  if (present.length === 0) invalid.form = 'empty';
  for (const field of present) {
    const value = values[field] as number;
    const range = VITAL_RANGES[field];
    if (!Number.isFinite(value)) invalid[field] = 'not-a-number';
    else if (value < range.possible[0] || value > range.possible[1]) invalid[field] = 'impossible';
    else if (value < range.plausible[0] || value > range.plausible[1]) outOfRange.push(field);
  }
  const { systolic, diastolic } = values;
  if ((systolic === undefined) !== (diastolic === undefined))
    invalid[systolic === undefined ? 'systolic' : 'diastolic'] ??= 'bp-pair';
  else if (systolic !== undefined && diastolic !== undefined && diastolic >= systolic)
    invalid.diastolic ??= 'diastolic-not-below-systolic';
  if (values.pulse !== undefined && systolic === undefined && values.spo2 === undefined)
    invalid.pulse ??= 'pulse-alone';
  return { invalid, outOfRange };
}

/** One stored reading per kind: the BP set (with its pulse), SpO2 (with pulse if no BP), temperature. */
export function splitReadings(
  values: VitalValues,
): Array<{ kind: ReadingKind; values: Record<string, number> }> {
  const out: Array<{ kind: ReadingKind; values: Record<string, number> }> = [];
  const pick = (fields: VitalField[]) =>
    Object.fromEntries(
      fields.flatMap((field) => (values[field] === undefined ? [] : [[field, values[field] as number]])),
    );
  if (values.systolic !== undefined)
    out.push({ kind: 'bp', values: pick(['systolic', 'diastolic', 'mean', 'pulse']) });
  if (values.spo2 !== undefined)
    out.push({ kind: 'spo2', values: pick(values.systolic === undefined ? ['spo2', 'pulse'] : ['spo2']) });
  if (values.temperatureC !== undefined)
    out.push({ kind: 'temperature', values: { celsius: values.temperatureC } });
  return out;
}

/** 2018 Chinese guideline threshold for office BP. */
export function isHypertensive(systolic: number, diastolic: number): boolean {
  return systolic >= 140 || diastolic >= 90;
}
