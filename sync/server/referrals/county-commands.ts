/**
 * County CLI commands of the referral workflow: review configuration (免审,
 * levels) and the patient SMS outbox. `county-cli.ts` hands them the parsed
 * flags; each returns false for a command that is not its own.
 */

import { DEFAULT_REVIEW_CONFIG } from '../../protocol/referral/state-machine';
import type { Database } from '../db/driver';
import { facilityByCode, listFacilities, RegistryError } from '../facilities/registry';
import { listSms, resendSms, type SmsRecord } from '../sms/outbox';
import { maskPhone } from '../sms/senders';
import {
  describeReviewConfig,
  parseReviewConfigFlags,
  reviewConfigsOf,
  setReviewConfig,
} from './review-config';

export const REFERRAL_USAGE = `  review-config [--facility CODE] [--outgoing-free true|false] [--outgoing-levels 1|2]
                [--incoming-free true|false] [--incoming-levels 1|2|3]
                                        show (all, or one facility) or change referral review (免审, levels)
  sms-list [--status pending|sending|sent|failed|no-phone] [--referral ID] [--limit N]
                                        patient SMS outbox, newest first
  sms-resend --id ID                    send one SMS again (re-reads the patient's phone)`;

export const REFERRAL_CLI_OPTIONS = {
  'outgoing-free': { type: 'string' },
  'outgoing-levels': { type: 'string' },
  'incoming-free': { type: 'string' },
  'incoming-levels': { type: 'string' },
  status: { type: 'string' },
  referral: { type: 'string' },
  limit: { type: 'string' },
} as const;

type Flags = Partial<Record<keyof typeof REFERRAL_CLI_OPTIONS | 'facility' | 'id', string | boolean>>;

const text = (value: string | boolean | undefined): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function smsLine(sms: SmsRecord): string {
  const phone = sms.phone ? maskPhone(sms.phone) : '(no phone)';
  const error = sms.lastError ? `  last error: ${sms.lastError}` : '';
  return `${sms.createdAt} ${sms.status.padEnd(8)} ${sms.kind.padEnd(13)} tries ${sms.attempts} ${phone.padEnd(11)} id ${sms.id} referral ${sms.referralId}${error}\n    ${sms.body}`;
}

export async function runReferralCommand(
  db: Database,
  command: string | undefined,
  flags: Flags,
  out: (line: string) => void,
): Promise<boolean> {
  switch (command) {
    case 'review-config': {
      const code = text(flags.facility);
      const patch = parseReviewConfigFlags({
        'outgoing-free': text(flags['outgoing-free']),
        'outgoing-levels': text(flags['outgoing-levels']),
        'incoming-free': text(flags['incoming-free']),
        'incoming-levels': text(flags['incoming-levels']),
      });
      if (Object.keys(patch).length > 0) {
        if (!code) throw new RegistryError('--facility is required to change a review configuration');
        out(`${code}: ${describeReviewConfig(await setReviewConfig(db, code, patch))}`);
        return true;
      }
      const facilities = code ? [await facilityByCode(db, code)] : await listFacilities(db);
      const configs = await reviewConfigsOf(
        db,
        facilities.map((f) => f.id),
      );
      for (const f of facilities) {
        const config = configs[f.id];
        out(
          `${f.code.padEnd(10)} ${describeReviewConfig(config ?? DEFAULT_REVIEW_CONFIG)}${config ? '' : ' (default)'}  ${f.name}`,
        );
      }
      return true;
    }
    case 'sms-list': {
      const limit = text(flags.limit);
      if (limit !== undefined && !/^\d+$/.test(limit)) throw new RegistryError('--limit must be a number');
      const status = text(flags.status);
      const referralId = text(flags.referral);
      const messages = await listSms(db, {
        ...(status ? { status } : {}),
        ...(referralId ? { referralId } : {}),
        ...(limit ? { limit: Number(limit) } : {}),
      });
      for (const sms of messages) out(smsLine(sms));
      if (messages.length === 0) out('no SMS messages');
      return true;
    }
    case 'sms-resend': {
      const id = text(flags.id);
      if (!id) throw new RegistryError('--id is required (sms-list shows the ids)');
      const sms = await resendSms(db, id);
      out(
        sms.status === 'pending'
          ? `SMS ${sms.id} will be sent again by the gateway's sender (to ${maskPhone(sms.phone ?? '')}).`
          : `SMS ${sms.id} cannot be sent: ${sms.lastError ?? sms.status}`,
      );
      return true;
    }
    default:
      return false;
  }
}
