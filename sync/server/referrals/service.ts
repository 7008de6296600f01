/**
 * The gateway's referral authority: its clock (injectable for tests), the
 * per-facility review configuration (免审, incoming levels), and the
 * auto-reject sweep it runs on an interval.
 */
import type { ReviewConfig } from '../../protocol/referral/state-machine';
import type { Database, Queryable } from '../db/driver';
import { toIso } from '../db/driver';
import { lockKeys, WriteBatch } from '../replication/store';
import { type CommandJudgement, sweepOverdue } from './apply';

export interface ReferralOptions {
  /** The gateway clock; default the database's clock (shared by every gateway process). */
  clock?: () => Date;
  /** Per facility id; missing = DEFAULT_REVIEW_CONFIG (both sides reviewed, three incoming levels). */
  reviewConfig?: Record<string, Partial<ReviewConfig>>;
  /** How often the auto-reject sweep runs; 0 = never (tests call `sweep()`). Default 30 s. */
  sweepIntervalMs?: number;
  /** Told of every judged command and auto-rejection (logging; later the SMS outbox). */
  onJudged?: (judgements: CommandJudgement[]) => void;
}

export const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

export class ReferralService {
  /** Replace to move the gateway clock in tests. */
  clock: (() => Date) | null;
  reviewConfig: Record<string, Partial<ReviewConfig>>;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<string[]> | null = null;
  private readonly onJudged: ((judgements: CommandJudgement[]) => void) | undefined;

  constructor(
    private readonly db: Database,
    options: ReferralOptions = {},
    private readonly log: (error: unknown) => void = () => {},
  ) {
    this.clock = options.clock ?? null;
    this.reviewConfig = options.reviewConfig ?? {};
    this.onJudged = options.onJudged;
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

  report(judgements: CommandJudgement[]): void {
    if (judgements.length > 0) this.onJudged?.(judgements);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }
}
