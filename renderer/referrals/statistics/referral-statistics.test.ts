import { describe, expect, it } from 'vitest';
import type { ReferralCommandDoc, ReferralDoc } from '../../../sync/protocol/schema';
import {
  arrivalBucket,
  monthOf,
  percentile,
  periodStart,
  referralFacts,
  summarise,
  withinPeriod,
} from './referral-statistics';

const US = 'township';
const HOSPITAL = 'county-hospital';
const VILLAGE = 'village';
const HOUR = 3600_000;

function referral(id: string, fields: Partial<ReferralDoc>): ReferralDoc {
  return {
    id,
    facilityId: US,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'dr-zhao',
    updatedBy: 'dr-zhao',
    serialNo: id,
    patientId: `p-${id}`,
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: [HOSPITAL],
    state: 'approved',
    reason: '血压控制不佳',
    diagnoses: [],
    attachmentIds: [],
    appliedSeq: 1,
    ...fields,
  };
}

let n = 0;
function command(
  referralId: string,
  name: string,
  at: string,
  fields: Partial<ReferralCommandDoc> & { by?: string; facility?: string } = {},
): ReferralCommandDoc {
  n += 1;
  const { by, facility, ...rest } = fields;
  return {
    id: `c${n}`,
    facilityId: facility ?? US,
    createdAt: at,
    updatedAt: at,
    createdBy: by ?? 'dr-zhao',
    updatedBy: by ?? 'dr-zhao',
    referralId,
    command: name,
    payload: {},
    outcome: { status: 'applied', appliedAt: at, seq: 1 },
    ...rest,
  };
}

const at = (base: string, hours: number) => new Date(Date.parse(base) + hours * HOUR).toISOString();

describe('referral facts', () => {
  const T = '2026-03-10T02:00:00.000Z';
  const referrals = [
    // Ours, up, arrived 30 h after the submit.
    referral('up-arrived', { state: 'arrived', acceptedFacilityId: HOSPITAL }),
    // Ours, auto-rejected by the sweep, then re-sent and still in review.
    referral('up-expired', { state: 'incoming-review', type: 'inpatient' }),
    // Ours, rejected.
    referral('up-rejected', { state: 'rejected' }),
    // Ours, a draft: not a referral yet; and a draft cancelled before sending.
    referral('draft', { state: 'draft' }),
    referral('cancelled-draft', { state: 'cancelled' }),
    // To us from the village, which we took in (a doctor of ours approved it), arrived after 4 days.
    referral('in-arrived', {
      facilityId: VILLAGE,
      createdBy: 'dr-village',
      targetFacilityIds: [US],
      acceptedFacilityId: US,
      state: 'arrived',
    }),
    // Down from the hospital to us, its submit not pulled yet: counted from its county stamp.
    referral('in-down', {
      facilityId: HOSPITAL,
      direction: 'down',
      targetFacilityIds: [US],
      state: 'incoming-review',
      countyTime: '2026-04-30T20:00:00.000Z',
    }),
    // Someone else's referral that we hold a copy of for another reason: not ours.
    referral('stranger', { facilityId: VILLAGE, targetFacilityIds: [HOSPITAL] }),
  ];
  const commands = [
    command('up-arrived', 'submit', T),
    command('up-arrived', 'attend', at(T, 30), {
      facility: HOSPITAL,
      by: 'dr-h',
      payload: { attended: true },
    }),
    command('up-expired', 'submit', T),
    command('up-expired', 'expire', at(T, 0.5), { facility: US, by: 'county-gateway' }),
    command('up-expired', 'submit', at(T, 1)),
    command('up-rejected', 'submit', T),
    command('up-rejected', 'reject', at(T, 0.2), { facility: HOSPITAL, by: 'dr-h' }),
    command('up-rejected', 'cancel', at(T, 0.1), {
      outcome: { status: 'refused', reason: 'wrong-state', appliedAt: at(T, 0.1), seq: 1 },
    }),
    command('draft', 'submit', T, {
      outcome: { status: 'refused', reason: 'consent-missing', appliedAt: T, seq: 0 },
    }),
    command('in-arrived', 'submit', '2026-03-31T17:00:00.000Z', { facility: VILLAGE, by: 'dr-village' }),
    command('in-arrived', 'approve', '2026-03-31T17:20:00.000Z', { by: 'dr-qian' }),
    command('in-arrived', 'attend', at('2026-03-31T17:00:00.000Z', 96), {
      by: 'nurse-li',
      payload: { attended: true },
    }),
  ];

  const facts = referralFacts(US, referrals, commands);
  const byId = new Map(facts.map((f) => [f.id, f]));

  it('counts submitted referrals of either side only', () => {
    expect([...byId.keys()].sort()).toEqual([
      'in-arrived',
      'in-down',
      'up-arrived',
      'up-expired',
      'up-rejected',
    ]);
    expect(byId.get('up-arrived')).toMatchObject({
      side: 'outgoing',
      counterpartId: HOSPITAL,
      doctorId: 'dr-zhao',
      submittedAt: T,
      hoursToArrival: 30,
      rejected: false,
      autoRejected: false,
    });
    expect(byId.get('in-arrived')).toMatchObject({
      side: 'incoming',
      counterpartId: VILLAGE,
      // Credited to our doctor who took the patient in, not the village doctor.
      doctorId: 'dr-qian',
      hoursToArrival: 96,
      // 01:00 on 1 April in China is still March in UTC: the month is China's.
      month: '2026-04',
    });
    expect(byId.get('in-down')).toMatchObject({ submittedAt: '2026-04-30T20:00:00.000Z', month: '2026-05' });
    expect(byId.get('in-down')?.doctorId).toBeUndefined();
  });

  it('tells rejections from auto-rejections (自动驳回), also after a re-send', () => {
    expect(byId.get('up-expired')).toMatchObject({ autoRejected: true, rejected: false, submittedAt: T });
    expect(byId.get('up-rejected')).toMatchObject({ rejected: true, autoRejected: false });
  });

  it('summarises by direction, type, institution, doctor and month, with rates and arrival times', () => {
    const stats = summarise(facts);
    expect(stats.total).toEqual({ outgoing: 3, incoming: 2 });
    expect(stats.byDirection).toEqual([
      { direction: 'up', outgoing: 3, incoming: 1 },
      { direction: 'lateral', outgoing: 0, incoming: 0 },
      { direction: 'down', outgoing: 0, incoming: 1 },
    ]);
    expect(stats.byType).toEqual([
      { type: 'outpatient', outgoing: 2, incoming: 2 },
      { type: 'inpatient', outgoing: 1, incoming: 0 },
      { type: 'emergency', outgoing: 0, incoming: 0 },
    ]);
    expect(stats.byInstitution).toEqual([
      { facilityId: HOSPITAL, outgoing: 3, incoming: 1, rejected: 1, autoRejected: 1 },
      { facilityId: VILLAGE, outgoing: 0, incoming: 1, rejected: 0, autoRejected: 0 },
    ]);
    expect(stats.byDoctor).toEqual([
      { doctorId: 'dr-zhao', outgoing: 3, incoming: 0 },
      { doctorId: 'dr-qian', outgoing: 0, incoming: 1 },
    ]);
    expect(stats.byMonth).toEqual([
      { month: '2026-03', outgoing: 3, incoming: 0 },
      { month: '2026-04', outgoing: 0, incoming: 1 },
      { month: '2026-05', outgoing: 0, incoming: 1 },
    ]);
    expect(stats.rates.outgoing).toEqual({
      submitted: 3,
      rejected: 1,
      autoRejected: 1,
      rejectionRate: 1 / 3,
      autoRejectionRate: 1 / 3,
    });
    expect(stats.rates.incoming.rejectionRate).toBe(0);
    expect(stats.arrival.outgoing).toEqual({ count: 1, medianHours: 30, p90Hours: 30 });
    expect(stats.arrival.incoming).toEqual({ count: 1, medianHours: 96, p90Hours: 96 });
    expect(stats.arrivalBuckets).toEqual([
      { bucket: 'within-1d', outgoing: 0, incoming: 0 },
      { bucket: '1-3d', outgoing: 1, incoming: 0 },
      { bucket: '3-7d', outgoing: 0, incoming: 1 },
      { bucket: 'over-7d', outgoing: 0, incoming: 0 },
    ]);
  });

  it('keeps to the chosen period', () => {
    const april = withinPeriod(facts, { from: '2026-03-31T16:00:00.000Z', to: '2026-04-30T16:00:00.000Z' });
    expect(april.map((f) => f.id)).toEqual(['in-arrived']);
    expect(summarise([]).byMonth).toEqual([]);
    expect(summarise([]).rates.outgoing.rejectionRate).toBe(0);
  });
});

describe('helpers', () => {
  it('fills the months between, across a year end', () => {
    const stats = summarise(
      ['2025-11-15T00:00:00.000Z', '2026-02-15T00:00:00.000Z'].map((submittedAt, i) => ({
        id: String(i),
        side: 'outgoing' as const,
        direction: 'up' as const,
        type: 'outpatient' as const,
        counterpartId: HOSPITAL,
        doctorId: 'd',
        submittedAt,
        month: monthOf(submittedAt),
        rejected: false,
        autoRejected: false,
        hoursToArrival: undefined,
      })),
    );
    expect(stats.byMonth.map((m) => [m.month, m.outgoing])).toEqual([
      ['2025-11', 1],
      ['2025-12', 0],
      ['2026-01', 0],
      ['2026-02', 1],
    ]);
  });

  it('percentiles, buckets and period starts', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 50)).toBeUndefined();
    expect([23.9, 24, 71.9, 72, 167, 168].map(arrivalBucket)).toEqual([
      'within-1d',
      '1-3d',
      '1-3d',
      '3-7d',
      '3-7d',
      'over-7d',
    ]);
    // 07:00 on 1 January 2026 in China is still 31 December in UTC.
    const now = new Date('2025-12-31T23:00:00.000Z');
    expect(periodStart('this-month', now)).toBe('2025-12-31T16:00:00.000Z');
    expect(periodStart('last-3-months', now)).toBe('2025-10-31T16:00:00.000Z');
    expect(periodStart('last-12-months', now)).toBe('2025-01-31T16:00:00.000Z');
    expect(periodStart('all', now)).toBeUndefined();
  });
});
