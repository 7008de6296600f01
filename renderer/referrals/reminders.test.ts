import { describe, expect, it } from 'vitest';
import { makeReferral } from '../../sync/protocol/referral/testing';
import type { ReferralCommandDoc, ReferralDoc } from '../../sync/protocol/schema';
import { reminderOf, remindersOf } from './reminders';

function command(
  referralId: string,
  name: string,
  outcome?: ReferralCommandDoc['outcome'],
  facilityId = 'V1',
  at = '2026-11-22T08:00:00.000Z',
): ReferralCommandDoc {
  return {
    id: `${referralId}-${name}-${at}`,
    facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: 'd1',
    updatedBy: 'd1',
    referralId,
    command: name,
    payload: {},
    ...(outcome ? { outcome } : {}),
  };
}

const applied = { status: 'applied' as const, appliedAt: '2026-11-22T08:00:01.000Z', seq: 1 };
const refused = {
  status: 'refused' as const,
  reason: 'target-offline',
  message: 'offline',
  appliedAt: '2026-11-22T08:00:01.000Z',
  seq: 0,
};

describe('referring clinic reminders', () => {
  it('asks to choose another institution after a rejection, until a re-send is queued', () => {
    const rejected = makeReferral('V1', ['T1'], { state: 'auto-rejected' });
    expect(reminderOf(rejected, [command('r1', 'submit', applied)], 'V1')).toBe('choose-another');
    expect(
      reminderOf(
        rejected,
        [
          command('r1', 'submit', applied),
          command('r1', 'submit', undefined, 'V1', '2026-11-22T09:00:00.000Z'),
        ],
        'V1',
      ),
    ).toBeUndefined();
  });

  it('tells of a refused command, and closes the loop once the receiving side completed', () => {
    const draft = makeReferral('V1', ['T2']);
    expect(reminderOf(draft, [command('r1', 'submit', refused)], 'V1')).toBe('refused');
    const completed = makeReferral('V1', ['T1'], { state: 'completed' });
    expect(reminderOf(completed, [command('r1', 'submit', applied)], 'V1')).toBe('close-loop');
    expect(reminderOf({ ...completed, state: 'closed' }, [], 'V1')).toBeUndefined();
    expect(reminderOf({ ...completed, direction: 'down' }, [], 'V1')).toBeUndefined();
  });

  it('has nothing for referrals of others or under way', () => {
    expect(reminderOf(makeReferral('T1', ['H1'], { state: 'rejected' }), [], 'V1')).toBeUndefined();
    expect(reminderOf(makeReferral('V1', ['T1'], { state: 'incoming-review' }), [], 'V1')).toBeUndefined();
  });

  it('lists the most urgent first', () => {
    const referrals: ReferralDoc[] = [
      makeReferral('V1', ['T1'], { id: 'a', state: 'completed' }),
      makeReferral('V1', ['T1'], { id: 'b', state: 'rejected' }),
      makeReferral('V1', ['T1'], { id: 'c', state: 'approved' }),
    ];
    expect(remindersOf(referrals, new Map(), 'V1')).toEqual([
      { referralId: 'b', kind: 'choose-another' },
      { referralId: 'a', kind: 'close-loop' },
    ]);
  });
});
