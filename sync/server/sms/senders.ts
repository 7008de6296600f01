/**
 * The gateway-side SMS sender adapter. A county plugs its SMS gateway in
 * behind `SmsSender`; the default logs each message instead of sending it, so
 * a county without an SMS contract still sees (and can audit) every message.
 */

export interface SmsMessage {
  /** The outbox id: stable across retries, so a provider can drop duplicates. */
  id: string;
  phone: string;
  body: string;
}

export interface SmsSender {
  readonly name: string;
  /** Resolves when the provider accepted the message; throws to have it retried. */
  send(message: SmsMessage): Promise<{ providerId?: string }>;
}

/** A failure not worth retrying (e.g. the provider says the number does not exist). */
export class PermanentSmsError extends Error {
  override name = 'PermanentSmsError';
}

export interface SmsLogger {
  info(fields: Record<string, unknown>, message: string): void;
}

/** 138****5678: the log keeps enough to find a message, not the number. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}

/**
 * Default adapter: records each message in the gateway log and reports it
 * sent. The log carries the outbox id, the masked phone and the length, not
 * the text (it names the patient); the text is in the outbox (`county-cli sms-list`).
 */
export class LoggingSmsSender implements SmsSender {
  readonly name = 'log';
  constructor(private readonly logger: SmsLogger) {}

  async send(message: SmsMessage): Promise<{ providerId?: string }> {
    this.logger.info(
      { sms: message.id, phone: maskPhone(message.phone), characters: message.body.length },
      'sms logged, not sent (XIANGYI_SMS_SENDER=log)',
    );
    return { providerId: `log:${message.id}` };
  }
}

export const SMS_SENDER_NAMES = ['log', 'off'] as const;
export type SmsSenderName = (typeof SMS_SENDER_NAMES)[number];

/**
 * `XIANGYI_SMS_SENDER`: `log` (default) or `off` (messages are queued and kept
 * pending, nothing is sent: e.g. while a county chooses its provider). A real
 * provider is one more name here and one more adapter class.
 */
export function senderNameFromEnv(env: NodeJS.ProcessEnv = process.env): SmsSenderName {
  const value = env.XIANGYI_SMS_SENDER?.trim() || 'log';
  if (!(SMS_SENDER_NAMES as readonly string[]).includes(value)) {
    throw new Error(`XIANGYI_SMS_SENDER must be one of ${SMS_SENDER_NAMES.join(', ')}, not "${value}"`);
  }
  return value as SmsSenderName;
}

export function senderNamed(name: SmsSenderName, logger: SmsLogger): SmsSender | null {
  return name === 'log' ? new LoggingSmsSender(logger) : null;
}
