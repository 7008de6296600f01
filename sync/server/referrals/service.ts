/**
 * The gateway's referral authority: its clock (injectable for tests), the
 * review configuration (免审, levels: read from the county database at each
 * judgement), the auto-reject sweep it runs on an interval, and the patient
 * SMS outbox that judged commands feed.
 */
import type { ReviewConfig } from '../../protocol/referral/state-machine';
import type { Database, Queryable } from '../db/driver';
import { toIso } from '../db/driver';
import { lockKeys, WriteBatch } from '../replication/store';
import { enqueueSms, SmsOutbox, type SmsOutboxOptions } from '../sms/outbox';
import { type SmsLogger, type SmsSender, senderNamed, senderNameFromEnv } from '../sms/senders';
import { type CommandJudgement, sweepOverdue } from './apply';
import { reviewConfigsOf } from './review-config';

export interface SmsOptions extends SmsOutboxOptions {
  /** The adapter; default from XIANGYI_SMS_SENDER (`log`, the default, or `off`: null = keep messages pending). */
  sender?: SmsSender | null;
  /** Where the logging adapter writes (the gateway's logger). */
  logger?: SmsLogger;
}

export interface ReferralOptions {
  /** The gateway clock; default the database's clock (shared by every gateway process). */
  clock?: () => Date;
  /** How often the auto-reject sweep runs; 0 = never (tests call `sweep()`). Default 30 s. */
  sweepIntervalMs?: number;
  /** Told of every judged command and auto-rejection (after its SMS, if any, is queued). */
  onJudged?: (judgements: CommandJudgement[]) => void;
  /** Patient SMS: adapter and sender loop. */
  sms?: SmsOptions;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

const SILENT: SmsLogger = { info: () => {} };

export class ReferralService {
  /** Replace to move the gateway clock in tests. */
  clock: (() => Date) | null;
  /** The sender loop (`deliverDue()` in tests). */
  readonly sms: SmsOutbox;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<string[]> | null = null;
  private readonly onJudged: ((judgements: CommandJudgement[]) => void) | undefined;

  constructor(
    private readonly db: Database,
    options: ReferralOptions = {},
    private readonly log: (error: unknown) => void = () => {},
  ) {
    this.clock = options.clock ?? null;
    this.onJudged = options.onJudged;
    const { sender, logger, ...outbox } = options.sms ?? {};
    this.sms = new SmsOutbox(
      db,
      sender !== undefined ? sender : senderNamed(senderNameFromEnv(), logger ?? SILENT),
      (tx) => this.now(tx),
      log,
      outbox,
    );
    const interval = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => {
        this.sweep().catch((error: unknown) => this.log(error));
      }, interval);
      this.timer.unref?.();
    }
  }

  /** The gateway's time, ISO 8601 UTC with milliseconds. */
  async now(tx: Queryable): Promise<string> {
    if (this.clock) return this.clock().toISOString();
    const { rows } = await tx.query<{ t: unknown }>(
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS t`,
    );
    return toIso(rows[0]?.t);
  }

  /** The county's review configuration of these facilities (missing = default), read in the judging transaction. */
  reviewConfig(tx: Queryable, facilityIds: readonly string[]): Promise<Record<string, ReviewConfig>> {
    return reviewConfigsOf(tx, facilityIds);
  }

  /** Auto-rejects every overdue review; returns the referral ids it changed. One sweep at a time. */
  sweep(): Promise<string[]> {
    if (this.running) return this.running;
    this.running = this.db
      .transaction((tx) => sweepOverdue(tx, this, WriteBatch.begin, lockKeys))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** In the judging transaction: queues the patient SMS of these judgements, then reports them. */
  async record(tx: Queryable, judgements: CommandJudgement[]): Promise<void> {
    if (judgements.length === 0) return;
    await enqueueSms(tx, judgements);
    this.onJudged?.(judgements);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
    await this.sms.stop();
  }
}
