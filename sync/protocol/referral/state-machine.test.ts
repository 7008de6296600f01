import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../schema/people';
import type { ReferralDoc, ReferralTargetStatus } from '../schema/referrals';
import {
  ACCEPTED_STATES,
  allowedCommands,
  applyNext,
  assumingSubmitted,
  canonicalCommand,
  type Decision,
  decide,
  expire,
  REFERRAL_COMMANDS,
  REFERRAL_STATES,
  REVIEW_STATES,
  type ReviewConfig,
  reviewRoleFor,
  TERMINAL_STATES,
} from './state-machine';
import { contextOf, makeReferral, minutesAfter, T0 } from './testing';

const DOCTOR: Role[] = ['doctor'];
const REVIEWER: Role[] = ['reviewer'];

function ok(decision: Decision): Extract<Decision, { ok: true }> {
  if (!decision.ok) throw new Error(`refused: ${decision.reason}: ${decision.message}`);
  return decision;
}

function run(referral: ReferralDoc, decision: Decision): ReferralDoc {
  return applyNext(referral, ok(decision).next);
}

function refusal(decision: Decision): string {
  return decision.ok ? 'applied' : decision.reason;
}

/** Submitted by a doctor of the referrer at T0. */
function submitted(referral: ReferralDoc, config: Record<string, Partial<ReviewConfig>> = {}): ReferralDoc {
  return run(
    referral,
    decide(referral, { command: 'submit' }, contextOf(referral.facilityId, DOCTOR, T0, config)),
  );
}

function reviewBy(
  referral: ReferralDoc,
  facility: string,
  decision: 'approve' | 'reject',
  now = T0,
  config: Record<string, Partial<ReviewConfig>> = {},
): Decision {
  return decide(
    referral,
    { command: 'review', payload: { decision } },
    contextOf(facility, REVIEWER, now, config),
  );
}

describe('referral state machine: rules', () => {
  it('up-referral may not skip a level unless marked special with a reason', () => {
    const skip = makeReferral('V1', ['H1']);
    expect(refusal(decide(skip, { command: 'submit' }, contextOf('V1', DOCTOR)))).toBe('level-skipped');
    const noReason = { ...skip, special: true, specialReason: '  ' };
    expect(refusal(decide(noReason, { command: 'submit' }, contextOf('V1', DOCTOR)))).toBe('level-skipped');
    const special = { ...skip, special: true, specialReason: '急性心梗，乡镇无介入条件' };
    expect(submitted(special).state).toBe('outgoing-review');
  });

  it('refuses targets outside the relations, taken offline, unknown, or at the wrong level', () => {
    const cases: Array<[ReferralDoc, string]> = [
      [makeReferral('V2', ['H1'], { special: true, specialReason: 'x' }), 'target-not-related'],
      [makeReferral('V1', ['T2']), 'target-offline'],
      [makeReferral('V1', ['NOPE']), 'target-unknown'],
      [makeReferral('V1', ['V2']), 'direction-mismatch'],
      [makeReferral('T1', ['V1'], { direction: 'lateral' }), 'direction-mismatch'],
      [makeReferral('T1', ['H1'], { direction: 'down' }), 'direction-mismatch'],
      [makeReferral('V1', ['T1'], { consentAttachmentId: undefined }), 'consent-missing'],
      [makeReferral('V1', []), 'no-targets'],
      [makeReferral('V1', ['V1']), 'self-target'],
      [makeReferral('T1', ['H1', 'H1'], { type: 'inpatient' }), 'duplicate-target'],
      [makeReferral('T1', ['H1', 'H2']), 'single-target-only'],
      [makeReferral('T1', ['H1', 'H2'], { type: 'emergency' }), 'single-target-only'],
      [makeReferral('H1', ['T1', 'T3'], { type: 'inpatient', direction: 'down' }), 'single-target-only'],
    ];
    for (const [referral, code] of cases) {
      const decision = decide(referral, { command: 'submit' }, contextOf(referral.facilityId, DOCTOR));
      expect([referral.targetFacilityIds, refusal(decision)]).toEqual([referral.targetFacilityIds, code]);
      if (!decision.ok) expect(decision.message.length).toBeGreaterThan(20);
    }
    const offlineReferrer = makeReferral('T2', ['H1']);
    expect(refusal(decide(offlineReferrer, { command: 'submit' }, contextOf('T2', DOCTOR)))).toBe(
      'referrer-offline',
    );
  });

  it('outgoing review: department head, then medical affairs; then incoming review with a new deadline', () => {
    let r = submitted(makeReferral('T1', ['H1'], { type: 'inpatient' }));
    expect(r).toMatchObject({
      state: 'outgoing-review',
      reviewLevel: 1,
      reviewDeadline: minutesAfter(T0, 30),
    });
    expect(r.targets).toEqual([{ facilityId: 'H1', status: 'pending' }]);
    // The target cannot do the outgoing review.
    expect(refusal(reviewBy(r, 'H1', 'approve'))).toBe('wrong-side');
    r = run(r, reviewBy(r, 'T1', 'approve', minutesAfter(T0, 5)));
    expect(r).toMatchObject({
      state: 'outgoing-review',
      reviewLevel: 2,
      reviewDeadline: minutesAfter(T0, 30),
    });
    r = run(r, reviewBy(r, 'T1', 'approve', minutesAfter(T0, 10)));
    expect(r).toMatchObject({ state: 'incoming-review', reviewDeadline: minutesAfter(T0, 40) });
    expect(r.reviewLevel).toBeUndefined();
    expect(r.targets).toEqual([{ facilityId: 'H1', status: 'reviewing', level: 1 }]);
    // The referrer cannot do the incoming review.
    expect(refusal(reviewBy(r, 'T1', 'approve', minutesAfter(T0, 11)))).toBe('wrong-side');
  });

  it('outgoing rejection rejects and withdraws the targets; a stale level is refused', () => {
    const r = submitted(makeReferral('T1', ['H1', 'H2'], { type: 'inpatient' }));
    const stale = decide(
      r,
      { command: 'review', payload: { decision: 'approve', level: 2 } },
      contextOf('T1', REVIEWER),
    );
    expect(refusal(stale)).toBe('stale-review');
    const rejected = run(r, reviewBy(r, 'T1', 'reject'));
    expect(rejected.state).toBe('rejected');
    expect(rejected.reviewDeadline).toBeUndefined();
    expect(rejected.targets?.map((t) => t.status)).toEqual(['withdrawn', 'withdrawn']);
  });

  it('incoming review: a rejection escalates up to three levels; the last rejection rejects', () => {
    const free = { T1: { outgoingReviewFree: true } };
    let r = submitted(makeReferral('T1', ['H1']), free);
    expect(r.state).toBe('incoming-review');
    r = run(r, reviewBy(r, 'H1', 'reject'));
    expect(r.targets).toEqual([{ facilityId: 'H1', status: 'reviewing', level: 2 }]);
    expect(r.state).toBe('incoming-review');
    r = run(r, reviewBy(r, 'H1', 'reject'));
    expect(r.targets).toEqual([{ facilityId: 'H1', status: 'reviewing', level: 3 }]);
    const approved = run(r, reviewBy(r, 'H1', 'approve'));
    expect(approved).toMatchObject({ state: 'approved', acceptedFacilityId: 'H1' });
    r = run(r, reviewBy(r, 'H1', 'reject'));
    expect(r.state).toBe('rejected');
    expect(r.targets).toEqual([{ facilityId: 'H1', status: 'rejected' }]);
    // Fewer configured levels: the first rejection is the last.
    const one = submitted(makeReferral('T1', ['H1']), { ...free, H1: { incomingLevels: 1 } });
    const oneConfig = { ...free, H1: { incomingLevels: 1 as const } };
    expect(run(one, reviewBy(one, 'H1', 'reject', T0, oneConfig)).state).toBe('rejected');
  });

  it('inpatient to several targets: the first approval wins, the others are withdrawn', () => {
    const free = { T1: { outgoingReviewFree: true } };
    let r = submitted(makeReferral('T1', ['H1', 'H2'], { type: 'inpatient' }), free);
    expect(r.targets?.map((t) => t.status)).toEqual(['reviewing', 'reviewing']);
    const winner = ok(reviewBy(r, 'H2', 'approve'));
    expect(winner.events).toContainEqual({ kind: 'targets-withdrawn', facilityIds: ['H1'] });
    const after = applyNext(r, winner.next);
    expect(after).toMatchObject({ state: 'approved', acceptedFacilityId: 'H2' });
    expect(after.targets).toEqual([
      { facilityId: 'H1', status: 'withdrawn' },
      { facilityId: 'H2', status: 'approved' },
    ]);
    expect(refusal(reviewBy(after, 'H1', 'approve'))).toBe('already-decided');
    // One target out after three rejections: the other still decides.
    for (let i = 0; i < 3; i += 1) r = run(r, reviewBy(r, 'H1', 'reject'));
    expect(r.state).toBe('incoming-review');
    expect(refusal(reviewBy(r, 'H1', 'approve'))).toBe('wrong-side');
    for (let i = 0; i < 3; i += 1) r = run(r, reviewBy(r, 'H2', 'reject'));
    expect(r.state).toBe('rejected');
  });

  it('review-free sides are skipped; emergency goes straight to approved', () => {
    const bothFree = { T1: { outgoingReviewFree: true }, H1: { incomingReviewFree: true } };
    expect(submitted(makeReferral('T1', ['H1']), bothFree)).toMatchObject({
      state: 'approved',
      acceptedFacilityId: 'H1',
    });
    const emergency = submitted(makeReferral('V1', ['T1'], { type: 'emergency' }));
    expect(emergency).toMatchObject({ state: 'approved', acceptedFacilityId: 'T1' });
    expect(emergency.reviewDeadline).toBeUndefined();
  });

  it('downward: no time limit; downward inpatient skips incoming review', () => {
    let down = submitted(makeReferral('H1', ['T1'], { direction: 'down', type: 'inpatient' }));
    expect(down.state).toBe('outgoing-review');
    expect(down.reviewDeadline).toBeUndefined();
    expect(expire(down, minutesAfter(T0, 60 * 24 * 30))).toBeNull();
    down = run(down, reviewBy(down, 'H1', 'approve', minutesAfter(T0, 90)));
    down = run(down, reviewBy(down, 'H1', 'approve', minutesAfter(T0, 600)));
    expect(down).toMatchObject({ state: 'approved', acceptedFacilityId: 'T1' });

    let outpatient = submitted(makeReferral('H1', ['T1'], { direction: 'down' }), {
      H1: { outgoingLevels: 1 },
    });
    outpatient = run(
      outpatient,
      reviewBy(outpatient, 'H1', 'approve', minutesAfter(T0, 45), { H1: { outgoingLevels: 1 } }),
    );
    expect(outpatient.state).toBe('incoming-review');
    expect(outpatient.reviewDeadline).toBeUndefined();
    expect(expire(outpatient, minutesAfter(T0, 10_000))).toBeNull();
    expect(run(outpatient, reviewBy(outpatient, 'T1', 'approve', minutesAfter(T0, 10_000))).state).toBe(
      'approved',
    );
  });

  it('30 minutes: a late review is refused with a clear message, and the sweep auto-rejects', () => {
    const r = submitted(makeReferral('V1', ['T1']));
    expect(ok(reviewBy(r, 'V1', 'approve', minutesAfter(T0, 29))).next.reviewLevel).toBe(2);
    expect(expire(r, minutesAfter(T0, 29))).toBeNull();
    const late = reviewBy(r, 'V1', 'approve', minutesAfter(T0, 30));
    expect(late).toMatchObject({ ok: false, reason: 'review-deadline-passed' });
    if (!late.ok) expect(late.message).toContain('30 minutes');
    const swept = run(r, expire(r, minutesAfter(T0, 31)) as Decision);
    expect(swept).toMatchObject({ state: 'auto-rejected', appliedSeq: 2 });
    expect(swept.reviewDeadline).toBeUndefined();
    expect(swept.targets).toEqual([{ facilityId: 'T1', status: 'expired' }]);
    expect(swept.stateReason).toContain('30 minutes');
    const afterSweep = reviewBy(swept, 'V1', 'approve', minutesAfter(T0, 32));
    expect(refusal(afterSweep)).toBe('review-deadline-passed');
    // Cancelling is still possible, and re-sending to another institution.
    const resent = decide(
      swept,
      { command: 'submit', payload: { targetFacilityIds: ['H1'] } },
      { ...contextOf('V1', DOCTOR, minutesAfter(T0, 40)) },
    );
    expect(refusal(resent)).toBe('level-skipped');
    const again = run(
      { ...swept, targetFacilityIds: ['T1'] },
      decide(swept, { command: 'submit' }, contextOf('V1', DOCTOR, minutesAfter(T0, 40))),
    );
    expect(again).toMatchObject({ state: 'outgoing-review', reviewDeadline: minutesAfter(T0, 70) });
  });

  it('who: roles and sides', () => {
    const draft = makeReferral('V1', ['T1']);
    expect(refusal(decide(draft, { command: 'submit' }, contextOf('V1', REVIEWER)))).toBe('role-missing');
    expect(refusal(decide(draft, { command: 'submit' }, contextOf('T1', DOCTOR)))).toBe('wrong-side');
    expect(refusal(decide(draft, { command: 'submit' }, contextOf('V2', DOCTOR)))).toBe('not-party');
    expect(refusal(decide(draft, { command: 'fly' }, contextOf('V1', DOCTOR)))).toBe('unknown-command');
    const r = submitted(draft);
    expect(refusal(reviewBy(r, 'V1', 'approve'))).toBe('applied');
    expect(refusal(decide(r, { command: 'approve' }, contextOf('V1', DOCTOR)))).toBe('role-missing');
    expect(refusal(decide(r, { command: 'review', payload: {} }, contextOf('V1', REVIEWER)))).toBe(
      'bad-payload',
    );
  });

  it('after approval: arrange, attend, complete, then return or close; downward ends with feedback', () => {
    const free = { V1: { outgoingReviewFree: true }, T1: { incomingReviewFree: true } };
    let r = submitted(makeReferral('V1', ['T1']), free);
    expect(refusal(decide(r, { command: 'arrange' }, contextOf('V1', DOCTOR)))).toBe('wrong-side');
    r = run(
      r,
      decide(r, { command: 'arrange', payload: { time: '2026-11-23T09:00' } }, contextOf('T1', DOCTOR)),
    );
    expect(r).toMatchObject({ state: 'arranged', arrangement: { time: '2026-11-23T09:00' } });
    expect(refusal(decide(r, { command: 'attend', payload: {} }, contextOf('T1', DOCTOR)))).toBe(
      'bad-payload',
    );
    r = run(r, decide(r, { command: 'attend', payload: { attended: true } }, contextOf('T1', ['nurse'])));
    expect(r.state).toBe('arrived');
    expect(refusal(decide(r, { command: 'feedback' }, contextOf('V1', DOCTOR)))).toBe('wrong-state');
    expect(refusal(decide(r, { command: 'complete', payload: {} }, contextOf('T1', DOCTOR)))).toBe(
      'bad-payload',
    );
    r = run(
      r,
      decide(r, { command: 'complete', payload: { summary: '血压控制平稳' } }, contextOf('T1', DOCTOR)),
    );
    expect(r).toMatchObject({ state: 'completed', treatmentSummary: '血压控制平稳' });
    expect(allowedCommands(r, { facilityId: 'T1', roles: DOCTOR })).toEqual(['return']);
    expect(allowedCommands(r, { facilityId: 'V1', roles: DOCTOR })).toEqual(['feedback']);
    const closed = run(
      r,
      decide(r, { command: 'feedback', payload: { note: '已随访' } }, contextOf('V1', DOCTOR)),
    );
    expect(closed.state).toBe('closed');
    expect(refusal(decide(closed, { command: 'cancel' }, contextOf('V1', DOCTOR)))).toBe('terminal-state');
    expect(run(r, decide(r, { command: 'return' }, contextOf('T1', DOCTOR))).state).toBe('returned');

    const downFree = { H1: { outgoingReviewFree: true }, T1: { incomingReviewFree: true } };
    let down = submitted(makeReferral('H1', ['T1'], { direction: 'down' }), downFree);
    down = run(
      down,
      decide(down, { command: 'attend', payload: { attended: true } }, contextOf('T1', DOCTOR)),
    );
    expect(
      refusal(decide(down, { command: 'complete', payload: { summary: 'x' } }, contextOf('T1', DOCTOR))),
    ).toBe('not-for-direction');
    const rehab = { arrived: true, recovery: '好转', healthStatus: '稳定', plan: '每周随访血压' };
    down = run(down, decide(down, { command: 'feedback', payload: rehab }, contextOf('T1', DOCTOR)));
    expect(down).toMatchObject({ state: 'closed', feedback: rehab });

    const declined = run(
      submitted(makeReferral('V1', ['T1']), free),
      decide(
        submitted(makeReferral('V1', ['T1']), free),
        { command: 'arrange', payload: { accept: false } },
        contextOf('T1', DOCTOR),
      ),
    );
    expect(declined).toMatchObject({ state: 'rejected' });
    expect(declined.acceptedFacilityId).toBeUndefined();
    const noShow = run(
      submitted(makeReferral('V1', ['T1']), free),
      decide(
        submitted(makeReferral('V1', ['T1']), free),
        { command: 'attend', payload: { attended: false } },
        contextOf('T1', DOCTOR),
      ),
    );
    expect(noShow.state).toBe('no-show');
  });

  it('tells the UI what may happen next', () => {
    const draft = makeReferral('V1', ['T1']);
    expect(allowedCommands(draft, { facilityId: 'V1', roles: DOCTOR })).toEqual(['submit', 'cancel']);
    expect(allowedCommands(draft, { facilityId: 'T1', roles: DOCTOR })).toEqual([]);
    const r = submitted(draft);
    expect(allowedCommands(r, { facilityId: 'V1', roles: REVIEWER }, T0)).toEqual(['review']);
    expect(allowedCommands(r, { facilityId: 'V1', roles: REVIEWER }, minutesAfter(T0, 31))).toEqual([]);
    expect(allowedCommands(r, { facilityId: 'V1', roles: ['doctor', 'reviewer'] }, T0)).toEqual([
      'review',
      'cancel',
      'print',
    ]);
  });

  it('print records the slip without changing the state; an inpatient slip only after approval', () => {
    const draft = makeReferral('V1', ['T1']);
    const early = decide(draft, { command: 'print' }, contextOf('V1', DOCTOR));
    expect(early).toMatchObject({ ok: false, reason: 'wrong-state' });
    if (!early.ok) expect(early.message).toBe('Submit the referral before printing its slip.');

    const r = submitted(draft);
    const printed = ok(decide(r, { command: 'print', payload: { copies: 1 } }, contextOf('V1', ['nurse'])));
    expect(printed.events).toEqual([{ kind: 'printed' }]);
    expect(applyNext(r, printed.next)).toEqual({ ...r, appliedSeq: r.appliedSeq + 1 });
    // The receiving side does not print the referring slip; a reviewer alone does not print.
    expect(refusal(decide(r, { command: 'print' }, contextOf('T1', DOCTOR)))).toBe('wrong-side');
    expect(refusal(decide(r, { command: 'print' }, contextOf('V1', REVIEWER)))).toBe('role-missing');

    const inpatient = submitted(makeReferral('T1', ['H1', 'H2'], { type: 'inpatient' }));
    const tooEarly = decide(inpatient, { command: 'print' }, contextOf('T1', DOCTOR));
    expect(tooEarly).toMatchObject({ ok: false, reason: 'not-yet-approved' });
    if (!tooEarly.ok) expect(tooEarly.message).toContain('only after a receiving institution has approved');
    const free = { T1: { outgoingReviewFree: true } };
    const reviewing = submitted(makeReferral('T1', ['H1', 'H2'], { type: 'inpatient' }), free);
    expect(refusal(decide(reviewing, { command: 'print' }, contextOf('T1', DOCTOR)))).toBe(
      'not-yet-approved',
    );
    const approved = run(reviewing, reviewBy(reviewing, 'H2', 'approve', T0, free));
    expect(ok(decide(approved, { command: 'print' }, contextOf('T1', DOCTOR))).next).toEqual({
      appliedSeq: approved.appliedSeq + 1,
    });

    const rejected = run(r, reviewBy(r, 'V1', 'reject'));
    const noSlip = decide(rejected, { command: 'print' }, contextOf('V1', DOCTOR));
    expect(noSlip).toMatchObject({ ok: false, reason: 'wrong-state' });
    if (!noSlip.ok) expect(noSlip.message).toContain('no slip to print');
    const swept = run(r, expire(r, minutesAfter(T0, 30)) as Decision);
    expect(refusal(decide(swept, { command: 'print' }, contextOf('V1', DOCTOR)))).toBe('wrong-state');
    const cancelled = run(r, decide(r, { command: 'cancel' }, contextOf('V1', DOCTOR)));
    expect(refusal(decide(cancelled, { command: 'print' }, contextOf('V1', DOCTOR)))).toBe('terminal-state');
  });

  it('offline, the referring clinic may print once its submit is queued; nothing else is assumed', () => {
    const draft = makeReferral('V1', ['T1']);
    expect(allowedCommands(draft, { facilityId: 'V1', roles: DOCTOR })).not.toContain('print');
    expect(allowedCommands(assumingSubmitted(draft), { facilityId: 'V1', roles: DOCTOR })).toContain('print');
    const inpatient = makeReferral('T1', ['H1'], { type: 'inpatient' });
    expect(allowedCommands(assumingSubmitted(inpatient), { facilityId: 'T1', roles: DOCTOR })).not.toContain(
      'print',
    );
    const approved = makeReferral('V1', ['T1'], { state: 'approved', acceptedFacilityId: 'T1' });
    expect(assumingSubmitted(approved)).toBe(approved);
  });
});

describe('referral state machine: who reviews at which level', () => {
  const approveAs = (
    referral: ReferralDoc,
    facility: string,
    roles: Role[],
    payload: Record<string, unknown> = { decision: 'approve' },
    config: Record<string, Partial<ReviewConfig>> = {},
  ) => decide(referral, { command: 'review', payload }, contextOf(facility, roles, T0, config));
  const rejectAs = (referral: ReferralDoc, facility: string, roles: Role[], config = {}) =>
    approveAs(referral, facility, roles, { decision: 'reject', note: '本级不同意' }, config);

  it('binds each level to one role; nothing past the last level', () => {
    expect([1, 2, 3].map((level) => reviewRoleFor('outgoing', level))).toEqual([
      'department-head',
      'medical-affairs',
      undefined,
    ]);
    expect([1, 2, 3, 4].map((level) => reviewRoleFor('incoming', level))).toEqual([
      'department-head',
      'medical-affairs',
      'vice-president',
      undefined,
    ]);
  });

  it('outgoing: the department head, then medical affairs; a refusal names the level and the role', () => {
    let r = submitted(makeReferral('T1', ['H1'], { type: 'inpatient' }));
    const early = approveAs(r, 'T1', ['medical-affairs']);
    expect(early).toMatchObject({ ok: false, reason: 'role-missing' });
    if (!early.ok) {
      expect(early.message).toBe(
        'Level 1 of the outgoing review is for the department head (科室主任): it needs the role department-head or reviewer; this user has medical-affairs.',
      );
    }
    r = run(r, approveAs(r, 'T1', ['doctor', 'department-head']));
    expect(r.reviewLevel).toBe(2);
    const again = approveAs(r, 'T1', ['department-head', 'vice-president']);
    expect(again).toMatchObject({ ok: false, reason: 'role-missing' });
    if (!again.ok)
      expect(again.message).toContain('Level 2 of the outgoing review is for medical affairs (医务部)');
    expect(refusal(rejectAs(r, 'T1', ['department-head']))).toBe('role-missing');
    r = run(r, approveAs(r, 'T1', ['medical-affairs']));
    expect(r).toMatchObject({ state: 'incoming-review', targets: [{ facilityId: 'H1', level: 1 }] });
  });

  it('incoming: each level by its own role; a rejection hands the referral to the next role', () => {
    const free = { T1: { outgoingReviewFree: true } };
    let r = submitted(makeReferral('T1', ['H1']), free);
    expect(refusal(approveAs(r, 'H1', ['vice-president']))).toBe('role-missing');
    expect(refusal(approveAs(r, 'H1', ['medical-affairs']))).toBe('role-missing');
    r = run(r, rejectAs(r, 'H1', ['department-head']));
    expect(r.targets).toEqual([{ facilityId: 'H1', status: 'reviewing', level: 2 }]);
    expect(refusal(approveAs(r, 'H1', ['department-head']))).toBe('role-missing');
    r = run(r, rejectAs(r, 'H1', ['medical-affairs']));
    expect(r.targets).toEqual([{ facilityId: 'H1', status: 'reviewing', level: 3 }]);
    const third = approveAs(r, 'H1', ['department-head', 'medical-affairs']);
    expect(third).toMatchObject({ ok: false, reason: 'role-missing' });
    if (!third.ok) {
      expect(third.message).toContain(
        'Level 3 of the incoming review is for the vice-president (分管院领导)',
      );
      expect(third.message).toContain('this user has department-head, medical-affairs');
    }
    expect(run(r, approveAs(r, 'H1', ['vice-president']))).toMatchObject({
      state: 'approved',
      acceptedFacilityId: 'H1',
    });
    // The referring side's roles do not reach the target's review.
    expect(refusal(approveAs(r, 'T1', ['vice-president']))).toBe('wrong-side');
  });

  it('`reviewer` reviews at every level of both stages', () => {
    let r = submitted(makeReferral('T1', ['H1'], { type: 'inpatient' }));
    r = run(r, approveAs(r, 'T1', REVIEWER));
    r = run(r, approveAs(r, 'T1', REVIEWER));
    r = run(r, rejectAs(r, 'H1', REVIEWER));
    r = run(r, rejectAs(r, 'H1', REVIEWER));
    expect(run(r, approveAs(r, 'H1', REVIEWER)).state).toBe('approved');
  });

  it('a review of a level already decided is stale, not a missing role', () => {
    const r = run(
      submitted(makeReferral('T1', ['H1'], { type: 'inpatient' })),
      approveAs(submitted(makeReferral('T1', ['H1'], { type: 'inpatient' })), 'T1', REVIEWER),
    );
    expect(r.reviewLevel).toBe(2);
    expect(refusal(approveAs(r, 'T1', ['department-head'], { decision: 'approve', level: 1 }))).toBe(
      'stale-review',
    );
    expect(refusal(approveAs(r, 'T1', ['department-head'], { decision: 'approve', level: 2 }))).toBe(
      'role-missing',
    );
    // Claiming the level one holds the role for does not open another level.
    expect(refusal(approveAs(r, 'T1', ['medical-affairs'], { decision: 'approve', level: 1 }))).toBe(
      'role-missing',
    );
  });

  it('tells the UI, level by level, who may review', () => {
    const free = { T1: { outgoingReviewFree: true } };
    const level = (n: number) => {
      const r = submitted(makeReferral('T1', ['H1']), free);
      return { ...r, targets: [{ facilityId: 'H1', status: 'reviewing' as const, level: n }] };
    };
    const may = (n: number, roles: Role[]) =>
      allowedCommands(level(n), { facilityId: 'H1', roles }, T0).includes('review');
    expect([1, 2, 3].map((n) => may(n, ['department-head']))).toEqual([true, false, false]);
    expect([1, 2, 3].map((n) => may(n, ['medical-affairs']))).toEqual([false, true, false]);
    expect([1, 2, 3].map((n) => may(n, ['vice-president']))).toEqual([false, false, true]);
    expect([1, 2, 3].map((n) => may(n, ['reviewer']))).toEqual([true, true, true]);
    expect([1, 2, 3].map((n) => may(n, ['doctor', 'admin', 'nurse']))).toEqual([false, false, false]);
  });
});

// ── exhaustive: every command × state × side × role × type × direction ──────

/** Who reviews at each level besides `reviewer` (domain brief: 转出审核 and 转入审核). */
const REVIEWS_AT: Record<string, Role> = {
  'outgoing 1': 'department-head',
  'outgoing 2': 'medical-affairs',
  'incoming 1': 'department-head',
  'incoming 2': 'medical-affairs',
  'incoming 3': 'vice-president',
};

/** The level under review: the referral's own (outgoing) or its only target's (incoming). */
function levelOf(referral: ReferralDoc): number {
  return referral.state === 'outgoing-review'
    ? (referral.reviewLevel ?? 1)
    : (referral.targets?.find((t) => t.status === 'reviewing')?.level ?? 1);
}

/**
 * Who may issue what, written out independently of the machine's RULES: the
 * state it starts from, the side that acts, the roles that may.
 */
function expectedAllowed(
  command: string,
  referral: ReferralDoc,
  side: 'referrer' | 'target' | 'stranger',
  role: Role | undefined,
): boolean {
  const { state, type, direction } = referral;
  const has = (...roles: Role[]) => role !== undefined && roles.includes(role);
  const upOrLateral = direction !== 'down';
  switch (command) {
    case 'submit':
      return ['draft', 'rejected', 'auto-rejected'].includes(state) && side === 'referrer' && has('doctor');
    case 'review': {
      const stage = state === 'outgoing-review' ? 'outgoing' : 'incoming';
      return (
        has('reviewer', REVIEWS_AT[`${stage} ${levelOf(referral)}`] as Role) &&
        ((state === 'outgoing-review' && side === 'referrer') ||
          (state === 'incoming-review' && side === 'target'))
      );
    }
    case 'cancel':
      return (
        [
          'draft',
          'outgoing-review',
          'incoming-review',
          'approved',
          'arranged',
          'rejected',
          'auto-rejected',
        ].includes(state) &&
        side === 'referrer' &&
        has('doctor', 'admin')
      );
    case 'arrange':
      return (
        state === 'approved' && side === 'target' && has('doctor', 'reviewer', 'medical-affairs', 'admin')
      );
    case 'attend':
      return ['approved', 'arranged'].includes(state) && side === 'target' && has('doctor', 'nurse');
    case 'complete':
    case 'return':
      return (
        state === (command === 'complete' ? 'arrived' : 'completed') &&
        upOrLateral &&
        side === 'target' &&
        has('doctor')
      );
    case 'feedback':
      return upOrLateral
        ? state === 'completed' && side === 'referrer' && has('doctor')
        : state === 'arrived' && side === 'target' && has('doctor');
    case 'print':
      return (
        (type === 'inpatient'
          ? ['approved', 'arranged']
          : ['outgoing-review', 'incoming-review', 'approved', 'arranged']
        ).includes(state) &&
        side === 'referrer' &&
        has('doctor', 'nurse')
      );
    default:
      return false;
  }
}

/** A referral from `from` to `to`, put straight into `state` with the fields that state carries. */
function inState(
  state: string,
  from: string,
  to: string,
  type: ReferralDoc['type'],
  direction: ReferralDoc['direction'],
  level = 1,
): ReferralDoc {
  const base = makeReferral(from, [to], { type, direction, state, appliedSeq: 3 });
  const deadline = direction === 'down' ? {} : { reviewDeadline: minutesAfter(T0, 30) };
  if (state === 'outgoing-review') {
    return { ...base, ...deadline, reviewLevel: level, targets: [{ facilityId: to, status: 'pending' }] };
  }
  if (state === 'incoming-review') {
    return { ...base, ...deadline, targets: [{ facilityId: to, status: 'reviewing', level }] };
  }
  if (ACCEPTED_STATES.has(state)) {
    return { ...base, acceptedFacilityId: to, targets: [{ facilityId: to, status: 'approved' }] };
  }
  const ended: Record<string, ReferralTargetStatus> = {
    rejected: 'rejected',
    'auto-rejected': 'expired',
    cancelled: 'withdrawn',
  };
  const status = ended[state];
  return status ? { ...base, targets: [{ facilityId: to, status }] } : base;
}

const VALID_PAYLOADS: Record<string, Record<string, unknown>> = {
  review: { decision: 'approve' },
  attend: { attended: true },
  complete: { summary: '好转出院' },
  feedback: { arrived: true, recovery: '好转', healthStatus: '稳定' },
  arrange: { time: '2026-11-23T09:00' },
};

/** Every state; the review states at each of their levels. */
const STATES_AND_LEVELS: Array<[string, number]> = REFERRAL_STATES.flatMap(
  (state): Array<[string, number]> =>
    state === 'outgoing-review'
      ? [1, 2].map((level): [string, number] => [state, level])
      : state === 'incoming-review'
        ? [1, 2, 3].map((level): [string, number] => [state, level])
        : [[state, 1]],
);

describe('referral state machine: every allowed and forbidden transition', () => {
  const routes = [
    { from: 'V1', to: 'T1', stranger: 'V2', direction: 'up' as const },
    { from: 'T1', to: 'V1', stranger: 'H1', direction: 'down' as const },
    { from: 'T1', to: 'T3', stranger: 'V2', direction: 'lateral' as const },
  ];
  const types = ['outpatient', 'inpatient', 'emergency'] as const;
  const roles: Array<Role | undefined> = [...ROLES, undefined];
  const now = minutesAfter(T0, 1);

  it('allows exactly the table, and each allowed command lands where the transition table says', () => {
    let allowed = 0;
    let forbidden = 0;
    for (const route of routes) {
      for (const type of types) {
        for (const [state, level] of STATES_AND_LEVELS) {
          const referral = inState(state, route.from, route.to, type, route.direction, level);
          for (const side of ['referrer', 'target', 'stranger'] as const) {
            const facilityId =
              side === 'referrer' ? route.from : side === 'target' ? route.to : route.stranger;
            for (const role of roles) {
              const actorRoles = role ? [role] : [];
              const mayNow = allowedCommands(referral, { facilityId, roles: actorRoles }, now);
              for (const command of [...REFERRAL_COMMANDS, 'approve', 'reject', 'expire']) {
                const canonical = canonicalCommand({ command }).command;
                const expected = expectedAllowed(canonical, referral, side, role);
                const where = `${command} ${type} ${route.direction} ${state}@${level} by ${side} ${role ?? 'no role'}`;
                expect(mayNow.includes(canonical as never), where).toBe(expected);
                const decision = decide(
                  referral,
                  { command, payload: VALID_PAYLOADS[canonical] ?? {} },
                  contextOf(facilityId, actorRoles, now),
                );
                expect(decision.ok, `${where}: ${decision.ok ? '' : decision.message}`).toBe(expected);
                if (!decision.ok) {
                  expect(decision.message.length, where).toBeGreaterThan(10);
                  forbidden += 1;
                  continue;
                }
                allowed += 1;
                const after = applyNext(referral, decision.next);
                expect(after.appliedSeq, where).toBe(referral.appliedSeq + 1);
                const row = TRANSITIONS[canonical]?.find(([from]) => from === state);
                expect(row?.[1], where).toContain(after.state);
                checkInvariants(after);
              }
            }
          }
        }
      }
    }
    expect(allowed).toBeGreaterThan(100);
    expect(forbidden).toBeGreaterThan(allowed * 10);
  });

  it('after the 30 minutes no review is allowed, on either side; downward reviews never run out', () => {
    for (const state of ['outgoing-review', 'incoming-review']) {
      const up = inState(state, 'V1', 'T1', 'outpatient', 'up');
      const reviewer = state === 'outgoing-review' ? 'V1' : 'T1';
      const late = decide(up, { command: 'approve' }, contextOf(reviewer, REVIEWER, minutesAfter(T0, 30)));
      expect(late).toMatchObject({ ok: false, reason: 'review-deadline-passed' });
      if (!late.ok) expect(late.message).toContain('too late to review');
      expect(allowedCommands(up, { facilityId: reviewer, roles: REVIEWER }, minutesAfter(T0, 30))).toEqual(
        [],
      );
      expect(expire(up, minutesAfter(T0, 30))).toMatchObject({ ok: true, next: { state: 'auto-rejected' } });
      const down = inState(state, 'T1', 'V1', 'outpatient', 'down');
      const downReviewer = state === 'outgoing-review' ? 'T1' : 'V1';
      const year = minutesAfter(T0, 60 * 24 * 365);
      expect(expire(down, year)).toBeNull();
      expect(
        ok(decide(down, { command: 'approve' }, contextOf(downReviewer, REVIEWER, year))).events,
      ).not.toEqual([]);
    }
  });
});

// ── property-based: random command sequences ────────────────────────────────

/** Scenario: referrer, targets, type, direction (valid under the test county's relations). */
const SCENARIOS: Array<Partial<ReferralDoc> & { from: string; to: string[] }> = [
  { from: 'V1', to: ['T1'], type: 'outpatient', direction: 'up' },
  { from: 'V1', to: ['T1'], type: 'emergency', direction: 'up' },
  { from: 'T1', to: ['H1', 'H2'], type: 'inpatient', direction: 'up' },
  { from: 'T1', to: ['H1'], type: 'inpatient', direction: 'up' },
  { from: 'T1', to: ['T3'], type: 'inpatient', direction: 'lateral' },
  { from: 'H1', to: ['T1'], type: 'outpatient', direction: 'down' },
  { from: 'H1', to: ['T1'], type: 'inpatient', direction: 'down' },
  { from: 'V1', to: ['H1'], type: 'outpatient', direction: 'up', special: true, specialReason: '专科急需' },
  { from: 'V1', to: ['H1'], type: 'outpatient', direction: 'up' },
];

const ALL_FACILITIES = ['V1', 'V2', 'T1', 'T3', 'H1', 'H2', 'C1'];
const COMMAND_NAMES = [
  'submit',
  'review',
  'approve',
  'reject',
  'cancel',
  'arrange',
  'attend',
  'complete',
  'feedback',
  'return',
  'print',
  'bogus',
];

/** Independent table of every transition a command may make. */
const TRANSITIONS: Record<string, Array<[string, string[]]>> = {
  submit: [
    ['draft', ['outgoing-review', 'incoming-review', 'approved']],
    ['rejected', ['outgoing-review', 'incoming-review', 'approved']],
    ['auto-rejected', ['outgoing-review', 'incoming-review', 'approved']],
  ],
  review: [
    ['outgoing-review', ['outgoing-review', 'incoming-review', 'approved', 'rejected']],
    ['incoming-review', ['incoming-review', 'approved', 'rejected']],
  ],
  cancel: [
    'draft',
    'outgoing-review',
    'incoming-review',
    'approved',
    'arranged',
    'rejected',
    'auto-rejected',
  ].map((from) => [from, ['cancelled']]),
  arrange: [['approved', ['arranged', 'rejected']]],
  attend: [
    ['approved', ['arrived', 'no-show']],
    ['arranged', ['arrived', 'no-show']],
  ],
  complete: [['arrived', ['completed']]],
  feedback: [
    ['completed', ['closed']],
    ['arrived', ['closed']],
  ],
  return: [['completed', ['returned']]],
  print: ['outgoing-review', 'incoming-review', 'approved', 'arranged'].map((state) => [state, [state]]),
};

const LEVEL_STAFF: Role[][] = [
  ['doctor', 'department-head'],
  ['medical-affairs'],
  ['vice-president'],
  ['department-head', 'medical-affairs'],
];

/** Cancel, print (no state change) and unknown commands are rare, so walks get deep. */
const commandArb = fc.oneof(
  ...COMMAND_NAMES.map((name) => ({
    weight: ['cancel', 'print', 'bogus'].includes(name)
      ? 1
      : name.startsWith('re') || name === 'approve'
        ? 8
        : 4,
    arbitrary: fc.constant(name),
  })),
);

const reviewConfigArb = fc.record({
  outgoingReviewFree: fc.boolean(),
  outgoingLevels: fc.constantFrom(1 as const, 2 as const),
  incomingReviewFree: fc.boolean(),
  incomingLevels: fc.constantFrom(1 as const, 2 as const, 3 as const),
});

const stepArb = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('expire' as const), minutes: fc.integer({ min: 0, max: 45 }) }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('command' as const),
      command: commandArb,
      /** Half the steps pick a command the actor may issue now, so walks get deep. */
      guided: fc.boolean(),
      actor: fc.nat({ max: 9 }),
      roles: fc.oneof(
        { weight: 4, arbitrary: fc.constant<Role[]>(['doctor', 'nurse', 'reviewer', 'admin']) },
        // A hospital's staff, each reviewing at one level.
        { weight: 2, arbitrary: fc.constantFrom<Role[]>(...LEVEL_STAFF) },
        { weight: 1, arbitrary: fc.subarray([...ROLES]) },
      ),
      minutes: fc.oneof(
        { weight: 5, arbitrary: fc.integer({ min: 0, max: 3 }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }) },
      ),
      decision: fc.constantFrom('approve', 'reject', undefined),
      flag: fc.boolean(),
      retarget: fc.oneof(
        { weight: 6, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.subarray(ALL_FACILITIES, { minLength: 1, maxLength: 2 }) },
      ),
    }),
  },
);

describe('referral state machine: properties over random command sequences', () => {
  it('holds its invariants and follows the transition table', () => {
    const reached = new Set<string>();
    const refusals = new Set<string>();
    const reviewedBy = new Set<string>();
    fc.assert(
      fc.property(
        fc.nat({ max: SCENARIOS.length - 1 }),
        fc.dictionary(fc.constantFrom(...ALL_FACILITIES), reviewConfigArb),
        fc.array(stepArb, { minLength: 5, maxLength: 80, size: 'max' }),
        (scenarioIndex, reviewConfig, steps) => {
          const { from, to, ...rest } = SCENARIOS[scenarioIndex] as (typeof SCENARIOS)[number];
          let referral = makeReferral(from, to, rest);
          let now = T0;
          for (const step of steps) {
            now = minutesAfter(now, step.minutes);
            const before = referral;
            if (step.kind === 'expire') {
              const swept = expire(before, now);
              if (TERMINAL_STATES.has(before.state) || before.direction === 'down') expect(swept).toBeNull();
              if (swept) {
                expect(REVIEW_STATES.has(before.state)).toBe(true);
                referral = run(before, swept);
                expect(referral.state).toBe('auto-rejected');
                expect(referral.appliedSeq).toBe(before.appliedSeq + 1);
              }
            } else {
              // Actors: mostly the parties, sometimes a stranger.
              const parties = [before.facilityId, ...before.targetFacilityIds];
              let actor =
                step.actor < 8
                  ? (parties[step.actor % parties.length] as string)
                  : (ALL_FACILITIES[step.actor] ?? 'C1');
              let command = step.command;
              if (step.guided) {
                for (let i = 0; i < parties.length; i += 1) {
                  const party = parties[(step.actor + i) % parties.length] as string;
                  const options = allowedCommands(before, { facilityId: party, roles: step.roles }, now);
                  if (options.length > 0) {
                    actor = party;
                    command = options[step.actor % options.length] as string;
                    break;
                  }
                }
              }
              const payload: Record<string, unknown> = {
                ...(step.decision ? { decision: step.decision } : {}),
                attended: step.flag,
                accept: step.flag || step.actor % 2 === 0,
                ...(step.flag ? { summary: '好转' } : {}),
                ...(step.retarget ? { targetFacilityIds: step.retarget } : {}),
              };
              const decision = decide(
                before,
                { command, payload },
                contextOf(actor, step.roles, now, reviewConfig),
              );
              const canonical = canonicalCommand({ command }).command;
              const allowed = allowedCommands(before, { facilityId: actor, roles: step.roles }, now);
              if (!allowed.includes(canonical as never)) expect(decision.ok).toBe(false);
              if (TERMINAL_STATES.has(before.state)) expect(decision.ok).toBe(false);
              if (!decision.ok) {
                refusals.add(decision.reason);
                expect(decision.message.length).toBeGreaterThan(10);
              } else {
                expect(allowed).toContain(canonical);
                if (canonical === 'review') {
                  // Only `reviewer` or the role of the level decided here ever reviews.
                  const stage = before.state === 'outgoing-review' ? 'outgoing' : 'incoming';
                  const level =
                    stage === 'outgoing'
                      ? (before.reviewLevel ?? 1)
                      : (before.targets?.find((t) => t.facilityId === actor)?.level ?? 1);
                  const may = ['reviewer', REVIEWS_AT[`${stage} ${level}`]];
                  expect(step.roles.some((role) => may.includes(role))).toBe(true);
                  reviewedBy.add(
                    `${stage} ${level} ${step.roles.includes('reviewer') ? 'reviewer' : 'level role'}`,
                  );
                }
                referral = applyNext(before, decision.next);
                expect(referral.appliedSeq).toBe(before.appliedSeq + 1);
                const table = TRANSITIONS[canonical] ?? [];
                const row = table.find(([state]) => state === before.state);
                expect(row, `${canonical} from ${before.state}`).toBeDefined();
                expect(row?.[1]).toContain(referral.state);
              }
            }
            checkInvariants(referral);
            reached.add(referral.state);
          }
        },
      ),
      { numRuns: 400 },
    );
    // The walk is deep enough to be worth something: every state is reached.
    expect([...reached].sort()).toEqual([...REFERRAL_STATES].sort());
    expect(refusals.size).toBeGreaterThan(10);
    expect(refusals).toContain('role-missing');
    // The walks review with the levels' own roles too (every level is covered by the model check below).
    expect([...reviewedBy]).toContain('outgoing 1 level role');
    // 400 walks take seconds alone, several times that on the shared machine.
  }, 60_000);
});

describe('referral state machine: reviews by level and role, against a model', () => {
  it('a review applies exactly when the role fits the level, and moves the level as the model says', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(1 as const, 2 as const),
        fc.constantFrom(1 as const, 2 as const, 3 as const),
        fc.array(
          fc.record({
            roles: fc.subarray<Role>([
              'reviewer',
              'department-head',
              'medical-affairs',
              'vice-president',
              'doctor',
            ]),
            decision: fc.constantFrom('approve' as const, 'reject' as const),
          }),
          { maxLength: 12 },
        ),
        (outgoingLevels, incomingLevels, steps) => {
          const config = { T1: { outgoingLevels }, H1: { incomingLevels } };
          let r = submitted(makeReferral('T1', ['H1'], { type: 'inpatient' }), config);
          // The model: where the review stands, or how it ended.
          let stage: 'outgoing' | 'incoming' | 'approved' | 'rejected' = 'outgoing';
          let level = 1;
          for (const step of steps) {
            const actor = stage === 'outgoing' ? 'T1' : 'H1';
            const decision = decide(
              r,
              { command: 'review', payload: { decision: step.decision, note: '意见' } },
              contextOf(actor, step.roles, T0, config),
            );
            if (stage === 'approved' || stage === 'rejected') {
              expect(decision.ok).toBe(false);
              continue;
            }
            const fits = step.roles.some(
              (role) => role === 'reviewer' || role === REVIEWS_AT[`${stage} ${level}`],
            );
            seen.add(`${stage} ${level} ${fits}`);
            expect(refusal(decision), `${stage} ${level} by ${step.roles.join('+')}`).toBe(
              fits ? 'applied' : 'role-missing',
            );
            if (!fits) continue;
            r = run(r, decision);
            const last = level === (stage === 'outgoing' ? outgoingLevels : incomingLevels);
            if (stage === 'outgoing' && step.decision === 'reject') stage = 'rejected';
            else if (stage === 'incoming' && step.decision === 'approve') stage = 'approved';
            else if (!last) level += 1;
            else if (stage === 'outgoing') [stage, level] = ['incoming', 1];
            else stage = 'rejected';
            const expected =
              stage === 'outgoing' || stage === 'incoming' ? `${stage}-review` : (stage as string);
            expect(r.state).toBe(expected);
            if (stage === 'outgoing') expect(r.reviewLevel).toBe(level);
            if (stage === 'incoming') expect(r.targets?.[0]?.level).toBe(level);
          }
        },
      ),
      { numRuns: 2000 },
    );
    // Every level was met both by someone who may review it and by someone who may not.
    expect([...seen].sort()).toEqual(
      Object.keys(REVIEWS_AT)
        .flatMap((at) => [`${at} false`, `${at} true`])
        .sort(),
    );
  });
});

function checkInvariants(referral: ReferralDoc): void {
  expect(REFERRAL_STATES).toContain(referral.state);
  // Deadlines only on review states, never on downward referrals, always on up/lateral reviews.
  if (referral.reviewDeadline !== undefined) {
    expect(REVIEW_STATES.has(referral.state)).toBe(true);
    expect(referral.direction).not.toBe('down');
  }
  if (REVIEW_STATES.has(referral.state) && referral.direction !== 'down') {
    expect(referral.reviewDeadline).toBeDefined();
  }
  // At most one approving target; exactly one (the accepted one) once accepted.
  const approved = (referral.targets ?? []).filter((t) => t.status === 'approved');
  if (ACCEPTED_STATES.has(referral.state)) {
    expect(approved.map((t) => t.facilityId)).toEqual([referral.acceptedFacilityId]);
  } else {
    expect(approved).toEqual([]);
    expect(referral.acceptedFacilityId).toBeUndefined();
  }
  if (referral.type === 'emergency' || referral.direction === 'down') {
    expect(referral.targetFacilityIds.length).toBeLessThanOrEqual(1);
  }
  if (referral.state === 'outgoing-review') expect(referral.reviewLevel).toBeGreaterThanOrEqual(1);
  if (referral.state === 'incoming-review') {
    expect((referral.targets ?? []).some((t) => t.status === 'reviewing')).toBe(true);
  }
}
