/** Every code the referral screens word has its sentence in both languages. */
import { describe, expect, it } from 'vitest';
import {
  REFERRAL_COMMANDS,
  REFERRAL_STATES,
  REFUSAL_CODES,
} from '../../sync/protocol/referral/state-machine';
import { REFERRAL_TARGET_STATUSES } from '../../sync/protocol/schema';
import { messagesFor } from '../i18n';

const problems = [
  'unsupported-type',
  'file-too-large',
  'pdf-too-large',
  'image-still-too-large',
  'total-too-large',
  'too-many-files',
  'unreadable-image',
] as const;

describe('referral messages', () => {
  it.each(['zh-CN', 'en'] as const)(
    'word every state, command, refusal and attachment problem in %s',
    (language) => {
      const referral = messagesFor(language).referral as Record<string, Record<string, unknown>>;
      for (const state of REFERRAL_STATES) expect(referral.state?.[state], state).toBeTypeOf('string');
      for (const command of REFERRAL_COMMANDS)
        expect(referral.command?.[command], command).toBeTypeOf('string');
      for (const code of REFUSAL_CODES) expect(referral.refusal?.[code], code).toBeTypeOf('string');
      for (const status of REFERRAL_TARGET_STATUSES)
        expect(referral.targetStatus?.[status], status).toBeTypeOf('string');
      const attachmentProblems = (referral.attachments?.problem ?? {}) as Record<string, unknown>;
      for (const problem of problems) expect(attachmentProblems[problem], problem).toBeTypeOf('string');
    },
  );
});
