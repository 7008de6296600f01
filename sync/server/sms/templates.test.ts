import { describe, expect, it } from 'vitest';
import type { ReferralEvent } from '../../protocol/referral/state-machine';
import { retryDelayMs, smsPhone } from './outbox';
import { LoggingSmsSender, maskPhone, senderNameFromEnv } from './senders';
import { smsKindOf, smsText, visitLine } from './templates';

const state = (from: string, to: string): ReferralEvent => ({ kind: 'state', from, to });

describe('which judged command texts the patient', () => {
  it('submit, the outcome of the reviews, the arrangement and the print; nothing for intermediate steps', () => {
    expect(smsKindOf({ command: 'submit' }, true, [state('draft', 'outgoing-review')])).toBe('submitted');
    // An emergency (or review-free) submit is approved at once: the patient hears the outcome.
    expect(
      smsKindOf({ command: 'submit' }, true, [
        { kind: 'approved', facilityId: 'h' },
        state('draft', 'approved'),
      ]),
    ).toBe('approved');
    expect(smsKindOf({ command: 'approve' }, true, [{ kind: 'approved', facilityId: 'h' }])).toBe('approved');
    expect(smsKindOf({ command: 'reject' }, true, [{ kind: 'rejected', stage: 'incoming' }])).toBe(
      'rejected',
    );
    expect(
      smsKindOf({ command: 'arrange', payload: { accept: false } }, true, [
        { kind: 'rejected', stage: 'arrangement' },
      ]),
    ).toBe('rejected');
    expect(smsKindOf({ command: 'arrange' }, true, [state('approved', 'arranged')])).toBe('arranged');
    expect(smsKindOf({ command: 'print' }, true, [{ kind: 'printed' } as ReferralEvent])).toBe('printed');
    // Level 1 → 2, an escalation, one of several targets rejecting: nothing for the patient yet.
    expect(
      smsKindOf({ command: 'approve' }, true, [{ kind: 'review-advanced', stage: 'outgoing', level: 2 }]),
    ).toBe(null);
    expect(smsKindOf({ command: 'reject' }, true, [{ kind: 'escalated', facilityId: 'h', level: 2 }])).toBe(
      null,
    );
    expect(smsKindOf({ command: 'reject' }, true, [{ kind: 'target-rejected', facilityId: 'h' }])).toBe(null);
    expect(smsKindOf({ command: 'attend', payload: { attended: true } }, true, [])).toBe(null);
    expect(smsKindOf({ command: 'submit' }, false, [])).toBe(null);
  });

  it('an auto-rejection found when a late command arrives texts the patient, though the command is refused', () => {
    expect(smsKindOf({ command: 'approve' }, false, [{ kind: 'auto-rejected', stage: 'incoming' }])).toBe(
      'auto-rejected',
    );
    expect(smsKindOf({ command: 'expire' }, true, [{ kind: 'auto-rejected', stage: 'outgoing' }])).toBe(
      'auto-rejected',
    );
  });
});

describe('message text', () => {
  const facts = {
    patientName: '李桂英',
    serialNo: 'T01-000007',
    referrer: '东河镇卫生院',
    visit: { institutions: ['乡医县人民医院'] },
  };

  it('words the visit with what is known, in China time', () => {
    expect(
      visitLine({
        institutions: [],
        department: '内科',
        doctor: '王建国',
        time: { at: '2026-11-23T16:30:00Z' },
      }),
    ).toBe('内科，王建国医生，11月24日 00:30');
    expect(
      visitLine({ institutions: [], time: { date: '2026-12-01', period: 'am', startTime: '08:30' } }),
    ).toBe('12月1日 上午 08:30');
    expect(visitLine({ institutions: [] })).toBe('');
  });

  it('every kind names the referral and stays one SMS-sized message', () => {
    for (const kind of [
      'submitted',
      'approved',
      'rejected',
      'auto-rejected',
      'arranged',
      'printed',
    ] as const) {
      const text = smsText(kind, {
        ...facts,
        visit: {
          institutions: ['乡医县人民医院'],
          department: '心内科',
          time: { at: '2026-11-24T01:00:00Z' },
        },
      });
      expect(text.startsWith('【乡医转诊】李桂英您好，')).toBe(true);
      expect(text).toContain('T01-000007');
      // Long messages are split by carriers at 70 characters; keep to two parts at most.
      expect(text.length).toBeLessThanOrEqual(134);
    }
    expect(smsText('approved', facts)).toBe(
      '【乡医转诊】李桂英您好，您的转诊申请（单号T01-000007）已获乡医县人民医院同意。请携带身份证、医保卡和转诊单按时就诊。',
    );
  });
});

describe('outbox rules', () => {
  it('backs off from 30 s, doubling, up to 30 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n) / 1000)).toEqual([
      30, 60, 120, 240, 480, 960, 1800, 1800,
    ]);
  });

  it('only mobile numbers take an SMS; the log keeps the number masked', () => {
    expect(smsPhone('+86 138 1234 5678')).toEqual({ ok: true, phone: '13812345678' });
    expect(smsPhone('0775-1234567')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a mobile/),
    });
    expect(smsPhone(undefined)).toMatchObject({ ok: false, reason: expect.stringMatching(/no phone/) });
    expect(maskPhone('13812345678')).toBe('138****5678');
  });

  it('the logging adapter logs neither the number nor the patient; the switch refuses an unknown sender', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sender = new LoggingSmsSender({ info: (fields) => lines.push(fields) });
    const body = '【乡医转诊】李桂英您好，您的转诊单已开具。';
    expect(await sender.send({ id: 'm1', phone: '13812345678', body })).toEqual({ providerId: 'log:m1' });
    expect(lines).toEqual([{ sms: 'm1', phone: '138****5678', characters: body.length }]);
    expect(senderNameFromEnv({})).toBe('log');
    expect(senderNameFromEnv({ XIANGYI_SMS_SENDER: 'off' })).toBe('off');
    expect(() => senderNameFromEnv({ XIANGYI_SMS_SENDER: 'carrier-x' })).toThrow(/must be one of log, off/);
  });
});
