import { describe, expect, it } from 'vitest';
import { makeReferral, minutesAfter, T0 } from '../../../sync/protocol/referral/testing';
import type { ReferralCommandDoc, ReferralDoc } from '../../../sync/protocol/schema';
import { enrolledClinic } from '../../testing/test-clinic';
import { checkArrange, checkComplete, checkFeedback, checkReview, parseWallTime } from './forms';
import { countdown, inboxItems, reviewStepFor, sectionOf } from './inbox';
import { recordDownwardFeedback } from './inbox-data';

const REVIEWER = { facilityId: 'T1', roles: ['reviewer' as const] };
const DOCTOR = { facilityId: 'T1', roles: ['doctor' as const] };

function command(
  referralId: string,
  facilityId: string,
  name: string,
  createdAt: string,
  outcome?: ReferralCommandDoc['outcome'],
): ReferralCommandDoc {
  return {
    id: `${referralId}-${name}-${createdAt}`,
    facilityId,
    createdAt,
    updatedAt: createdAt,
    createdBy: 'u',
    updatedBy: 'u',
    referralId,
    command: name,
    payload: {},
    ...(outcome ? { outcome } : {}),
  };
}

const reviewing = (overrides: Partial<ReferralDoc> = {}) =>
  makeReferral('V1', ['T1'], {
    state: 'incoming-review',
    reviewDeadline: minutesAfter(T0, 30),
    targets: [{ facilityId: 'T1', status: 'reviewing', level: 1 }],
    appliedSeq: 1,
    ...overrides,
  });

describe('the inbox', () => {
  it('sorts what to review (soonest deadline first), what is received, and what is over', () => {
    const later = reviewing({ id: 'later', reviewDeadline: minutesAfter(T0, 40) });
    const sooner = reviewing({ id: 'sooner', reviewDeadline: minutesAfter(T0, 10) });
    const ownOutgoing = makeReferral('T1', ['H1'], {
      id: 'own',
      state: 'outgoing-review',
      reviewLevel: 2,
      reviewDeadline: minutesAfter(T0, 20),
      appliedSeq: 1,
    });
    const arrived = makeReferral('V1', ['T1'], {
      id: 'arrived',
      state: 'arrived',
      acceptedFacilityId: 'T1',
      targets: [{ facilityId: 'T1', status: 'approved' }],
    });
    const lostToOther = makeReferral('T3', ['T1', 'H1'], {
      id: 'other-won',
      state: 'approved',
      acceptedFacilityId: 'H1',
      targets: [
        { facilityId: 'T1', status: 'withdrawn' },
        { facilityId: 'H1', status: 'approved' },
      ],
    });
    const draft = makeReferral('V1', ['T1'], { id: 'draft' });
    const ownDraft = makeReferral('T1', ['H1'], { id: 'own-draft' });
    const items = inboxItems(
      [arrived, later, lostToOther, sooner, ownOutgoing, draft, ownDraft],
      new Map(),
      REVIEWER,
      new Date(T0),
    );
    expect(items.map((item) => [item.referral.id, item.section])).toEqual([
      ['sooner', 'review'],
      ['own', 'review'],
      ['later', 'review'],
      ['arrived', 'receiving'],
      ['other-won', 'finished'],
    ]);
    expect(items[1]?.step).toEqual({ stage: 'outgoing', level: 2 });
    expect(items[0]?.step).toEqual({ stage: 'incoming', level: 1 });
    expect(items[0]?.allowed).toEqual(['review']);
    // A doctor sees the same inbox but may not review; the receiving doctor records arrival and completion.
    const asDoctor = inboxItems([sooner, arrived], new Map(), DOCTOR, new Date(T0));
    expect(asDoctor.map((item) => item.allowed)).toEqual([[], ['complete']]);
  });

  it('shows each incoming review level, and nothing once this target is out of the review', () => {
    expect(
      reviewStepFor(reviewing({ targets: [{ facilityId: 'T1', status: 'reviewing', level: 3 }] }), 'T1'),
    ).toEqual({ stage: 'incoming', level: 3 });
    const rejectedHere = reviewing({
      targetFacilityIds: ['T1', 'T3'],
      targets: [
        { facilityId: 'T1', status: 'rejected' },
        { facilityId: 'T3', status: 'reviewing', level: 1 },
      ],
    });
    expect(reviewStepFor(rejectedHere, 'T1')).toBeUndefined();
    expect(sectionOf(rejectedHere, 'T1')).toBe('finished');
    expect(sectionOf(rejectedHere, 'T3')).toBe('review');
    // The target sees a referral still in the referrer's outgoing review, without acting on it.
    const upstream = makeReferral('V1', ['T1'], { state: 'outgoing-review', reviewLevel: 1 });
    expect(sectionOf(upstream, 'T1')).toBe('receiving');
    expect(inboxItems([upstream], new Map(), REVIEWER, new Date(T0))[0]?.allowed).toEqual([]);
  });

  it('holds actions while a command waits for the county, and shows the latest refusal', () => {
    const r = reviewing({ id: 'r' });
    const waiting = new Map([['r', [command('r', 'T1', 'review', minutesAfter(T0, 1))]]]);
    const [held] = inboxItems([r], waiting, REVIEWER, new Date(T0));
    expect(held?.allowed).toEqual([]);
    expect(held?.waiting).toHaveLength(1);
    const refusal = {
      status: 'refused' as const,
      reason: 'review-deadline-passed',
      message: 'too late',
      appliedAt: minutesAfter(T0, 31),
      seq: 1,
    };
    const refused = new Map([['r', [command('r', 'T1', 'review', minutesAfter(T0, 31), refusal)]]]);
    expect(inboxItems([r], refused, REVIEWER, new Date(T0))[0]?.refused?.outcome?.reason).toBe(
      'review-deadline-passed',
    );
    // A later applied command supersedes the refusal.
    const applied = { status: 'applied' as const, appliedAt: minutesAfter(T0, 33), seq: 2 };
    const superseded = new Map([
      [
        'r',
        [
          command('r', 'T1', 'review', minutesAfter(T0, 31), refusal),
          command('r', 'V1', 'submit', minutesAfter(T0, 32), applied),
        ],
      ],
    ]);
    expect(inboxItems([r], superseded, REVIEWER, new Date(T0))[0]?.refused).toBeUndefined();
  });

  it('counts the review deadline down; past it, the reviewer may not review', () => {
    expect(countdown(minutesAfter(T0, 30), new Date(T0))).toMatchObject({ text: '30:00', urgent: false });
    expect(countdown(minutesAfter(T0, 30), new Date(Date.parse(T0) + 25 * 60_000 + 1500))).toMatchObject({
      text: '4:59',
      urgent: true,
      overdue: false,
    });
    expect(countdown(minutesAfter(T0, 30), new Date(minutesAfter(T0, 31)))).toMatchObject({
      left: 0,
      overdue: true,
    });
    expect(countdown(minutesAfter(T0, 90), new Date(T0))?.text).toBe('1:30:00');
    expect(countdown(undefined, new Date(T0))).toBeNull();
    const late = inboxItems([reviewing()], new Map(), REVIEWER, new Date(minutesAfter(T0, 30)));
    expect(late[0]).toMatchObject({ section: 'review', allowed: [] });
  });
});

describe('receiving-side forms', () => {
  const now = new Date(2026, 10, 22, 10, 0);

  it('a rejection needs a reason; an approval may have a note', () => {
    expect(checkReview({ decision: 'reject', note: '  ' })).toEqual({
      ok: false,
      errors: { note: 'inbox.error.rejectNoteMissing' },
    });
    expect(checkReview({ decision: 'approve', note: '' })).toEqual({
      ok: true,
      value: { decision: 'approve' },
    });
    expect(checkReview({ decision: 'reject', note: ' 床位已满 ' })).toEqual({
      ok: true,
      value: { decision: 'reject', note: '床位已满' },
    });
  });

  it('the arrangement needs a real time from today; declining needs a reason', () => {
    const base = { accept: true, time: '', departmentId: '', doctorId: '', bed: '', note: '' };
    expect(checkArrange(base, now)).toMatchObject({ errors: { time: 'inbox.error.timeMissing' } });
    expect(checkArrange({ ...base, time: '2026-02-30T09:00' }, now)).toMatchObject({
      errors: { time: 'inbox.error.timeInvalid' },
    });
    expect(checkArrange({ ...base, time: '2026-11-21T09:00' }, now)).toMatchObject({
      errors: { time: 'inbox.error.timePast' },
    });
    expect(checkArrange({ ...base, time: '2026-11-22T08:00', departmentId: 'd1', bed: '12' }, now)).toEqual({
      ok: true,
      value: { accept: true, time: '2026-11-22T08:00', departmentId: 'd1', bed: '12' },
    });
    expect(checkArrange({ ...base, accept: false }, now)).toMatchObject({
      errors: { note: 'inbox.error.declineReasonMissing' },
    });
    expect(checkArrange({ ...base, accept: false, note: '无床位' }, now)).toEqual({
      ok: true,
      value: { accept: false, reason: '无床位' },
    });
  });

  it('completion carries a treatment summary', () => {
    expect(checkComplete(' ')).toMatchObject({ errors: { summary: 'inbox.error.summaryMissing' } });
    expect(checkComplete('x'.repeat(4001))).toMatchObject({ errors: { summary: 'inbox.error.tooLong' } });
    expect(checkComplete(' 血压平稳，出院 ')).toEqual({ ok: true, value: { summary: '血压平稳，出院' } });
  });

  it('downward feedback: recovery, health status, a plan and future, distinct follow-ups', () => {
    const form = { recovery: 'improved' as const, healthStatus: '稳定', plan: '每周测血压', followUps: [''] };
    expect(checkFeedback({ ...form, recovery: '' }, now)).toMatchObject({
      errors: { recovery: 'inbox.error.recoveryMissing', followUps: 'inbox.error.followUpMissing' },
    });
    expect(checkFeedback({ ...form, followUps: ['2026-11-22T09:00'] }, now)).toMatchObject({
      errors: { followUps: 'inbox.error.followUpPast' },
    });
    expect(
      checkFeedback({ ...form, followUps: ['2026-11-29T09:00', '2026-11-29T09:00'] }, now),
    ).toMatchObject({
      errors: { followUps: 'inbox.error.followUpTwice' },
    });
    expect(checkFeedback({ ...form, followUps: ['tomorrow'] }, now)).toMatchObject({
      errors: { followUps: 'inbox.error.timeInvalid' },
    });
    const checked = checkFeedback({ ...form, followUps: ['2026-12-06T09:00', '', '2026-11-29T09:00'] }, now);
    expect(checked).toEqual({
      ok: true,
      value: {
        payload: {
          arrived: true,
          recovery: 'improved',
          healthStatus: '稳定',
          plan: '每周测血压',
          followUps: ['2026-11-29T09:00', '2026-12-06T09:00'],
        },
        followUps: ['2026-11-29T09:00', '2026-12-06T09:00'],
      },
    });
    expect(parseWallTime('2026-11-29T24:00')).toBeNull();
  });
});

describe('downward feedback at the receiving clinic', () => {
  it('appends the feedback command and books the rehabilitation visits, audited', async () => {
    const { db, as } = await enrolledClinic();
    const doctor = as(['doctor']);
    const referral = makeReferral('H1', [doctor.facilityId], {
      id: crypto.randomUUID(),
      direction: 'down',
      state: 'arrived',
      acceptedFacilityId: doctor.facilityId,
      targets: [{ facilityId: doctor.facilityId, status: 'approved' }],
      appliedSeq: 3,
    });
    await db.referrals.insert(referral);
    const now = new Date(2026, 10, 22, 10, 0);
    const checked = checkFeedback(
      {
        recovery: 'improved',
        healthStatus: '血压稳定',
        plan: '每周随访血压，低盐饮食',
        followUps: ['2026-11-29T09:00', '2026-12-06T09:00'],
      },
      now,
    );
    if (!checked.ok) throw new Error('form refused');
    await recordDownwardFeedback(db, doctor, referral, checked.value, now);

    const [sent] = await db.referral_commands.find({ selector: { referralId: referral.id } }).exec();
    expect(sent?.toJSON()).toMatchObject({ command: 'feedback', payload: checked.value.payload });
    const visits = await db.appointments.find({ selector: { referralId: referral.id } }).exec();
    expect(visits.map((v) => v.toJSON()).sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt))).toEqual([
      expect.objectContaining({
        purpose: 'rehabilitation',
        patientId: referral.patientId,
        scheduledAt: '2026-11-29T09:00',
        status: 'confirmed',
        facilityId: doctor.facilityId,
      }),
      expect.objectContaining({ purpose: 'rehabilitation', scheduledAt: '2026-12-06T09:00' }),
    ]);
    const audit = await db.audit.find({ selector: { action: 'appointment.book' } }).exec();
    expect(audit).toHaveLength(2);

    // A nurse may not give the feedback: refused at once, and no visit is booked twice.
    const second = { ...referral, id: crypto.randomUUID() };
    await db.referrals.insert(second);
    await expect(recordDownwardFeedback(db, as(['nurse']), second, checked.value, now)).rejects.toThrow(
      /not possible/,
    );
    expect(await db.appointments.count({ selector: { referralId: second.id } }).exec()).toBe(0);
  });
});
