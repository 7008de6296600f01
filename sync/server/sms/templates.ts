/**
 * Which judged referral command tells the patient something, and the zh-CN
 * text of that message. Pure: the outbox gathers the facts (names, phone,
 * department, time) and this module only decides and words.
 */
import { canonicalCommand, type ReferralEvent } from '../../protocol/referral/state-machine';

export const SMS_KINDS = [
  'submitted',
  'approved',
  'rejected',
  'auto-rejected',
  'arranged',
  'printed',
] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

/**
 * The patient hears of: the application (submit), the outcome of the reviews
 * (approved, rejected, auto-rejected), the arrangement, and the printed slip.
 * Intermediate review levels and escalations mean nothing to a patient.
 */
export function smsKindOf(
  command: { command: string; payload?: Record<string, unknown> },
  applied: boolean,
  events: readonly ReferralEvent[],
): SmsKind | null {
  // A late command can find its referral overdue: the auto-rejection happened, whatever the command's fate.
  if (events.some((e) => e.kind === 'auto-rejected')) return 'auto-rejected';
  if (!applied) return null;
  const { command: name } = canonicalCommand(command);
  if (name === 'print') return 'printed';
  if (events.some((e) => e.kind === 'approved')) return 'approved';
  if (events.some((e) => e.kind === 'rejected')) return 'rejected';
  if (name === 'submit') return 'submitted';
  if (name === 'arrange') return 'arranged';
  return null;
}

export interface VisitDetails {
  /** 接诊机构: the accepting institution, or the institutions applied to. */
  institutions: string[];
  department?: string;
  doctor?: string;
  /** When to come: ISO 8601 instant, or a date with a half-day. */
  time?: { at: string } | { date: string; period?: string; startTime?: string };
}

export interface SmsFacts {
  patientName: string;
  serialNo: string;
  /** The referring facility (who the patient's doctor is). */
  referrer: string;
  visit: VisitDetails;
}

const SIGNATURE = '【乡医转诊】';
const BRING = '请携带身份证、医保卡和转诊单按时就诊。';
const PERIODS: Record<string, string> = { am: '上午', pm: '下午', night: '夜间', day: '全天' };

/** China Standard Time (UTC+8, no daylight saving) as the patient reads it: 11月24日 08:30. */
function chinaTime(iso: string): string {
  const at = new Date(Date.parse(iso) + 8 * 3600_000);
  if (Number.isNaN(at.getTime())) return '';
  const hh = String(at.getUTCHours()).padStart(2, '0');
  const mm = String(at.getUTCMinutes()).padStart(2, '0');
  return `${at.getUTCMonth() + 1}月${at.getUTCDate()}日 ${hh}:${mm}`;
}

function slotTime(date: string, period?: string, startTime?: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const day = match ? `${Number(match[2])}月${Number(match[3])}日` : date;
  return [day, period ? PERIODS[period] : undefined, startTime].filter(Boolean).join(' ');
}

/** 内科，王建国医生，11月24日 上午 08:30 — whatever of it is known. */
export function visitLine(visit: VisitDetails): string {
  const time = visit.time
    ? 'at' in visit.time
      ? chinaTime(visit.time.at)
      : slotTime(visit.time.date, visit.time.period, visit.time.startTime)
    : '';
  return [visit.department, visit.doctor ? `${visit.doctor}医生` : undefined, time]
    .filter((part): part is string => Boolean(part))
    .join('，');
}

export function smsText(kind: SmsKind, facts: SmsFacts): string {
  const hello = `${facts.patientName}您好，`;
  const where = facts.visit.institutions.join('、') || '上级医院';
  const line = visitLine(facts.visit);
  const visit = line ? `（${line}）` : '';
  switch (kind) {
    case 'submitted':
      return `${SIGNATURE}${hello}${facts.referrer}已为您提交转诊申请（单号${facts.serialNo}），转往${where}，审核结果将以短信告知。`;
    case 'approved':
      return `${SIGNATURE}${hello}您的转诊申请（单号${facts.serialNo}）已获${where}同意${visit}。${BRING}`;
    case 'rejected':
      return `${SIGNATURE}${hello}您的转诊申请（单号${facts.serialNo}）未获通过，${facts.referrer}的医生将与您联系，另选医院。`;
    case 'auto-rejected':
      return `${SIGNATURE}${hello}您的转诊申请（单号${facts.serialNo}）因审核超时未获答复，已自动驳回，${facts.referrer}的医生将为您另选医院。`;
    case 'arranged':
      return `${SIGNATURE}${hello}${where}已为您安排就诊${visit}，转诊单号${facts.serialNo}。${BRING}`;
    case 'printed':
      return `${SIGNATURE}${hello}您的转诊单（单号${facts.serialNo}）已开具，转往${where}${visit}。${BRING}`;
  }
}
