import { type CaptureLog, captureTransport } from '../capture/capture';
import type { Parser } from '../framing/parser';
import { DeviceError, type DeviceEvent, type Fault, type FaultReason, fault } from '../readings';
import type { Transport } from '../transport/transport';

export interface SessionOptions {
  deviceId: string;
  capture?: CaptureLog;
  /**
   * Silence after which a partial frame counts as lost. Parsers keep no clocks, so the session
   * flushes them when the line goes quiet; otherwise a cut-off frame would wait forever.
   */
  idleFlushMs?: number;
}

const DEFAULT_IDLE_FLUSH_MS = 300;

export interface RequestPolicy {
  timeoutMs: number;
  /** Extra attempts after the first, each resending the command. */
  retries: number;
}

/** Faults after which resending the same command is worth a try. */
const RETRYABLE: ReadonlySet<FaultReason> = new Set(['timeout', 'checksum', 'truncated']);

interface Waiter<E> {
  offer(event: E | Fault): void;
  fail(error: DeviceError): void;
}

/**
 * What every driver session shares: feeding transport bytes through the parser, fanning events out
 * to listeners, turning a lost link into one `disconnected` fault, and command/reply waiting with
 * timeouts and retries. Driver sessions add only their device's commands.
 */
export class DeviceSession<E extends DeviceEvent> {
  readonly deviceId: string;
  protected readonly transport: Transport;
  private readonly listeners = new Set<(event: E | Fault) => void>();
  private readonly waiters = new Set<Waiter<E>>();
  private ended: DeviceError | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastRequest: Promise<unknown> = Promise.resolve();

  constructor(
    transport: Transport,
    private readonly parser: Parser<E>,
    options: SessionOptions,
  ) {
    this.deviceId = options.deviceId;
    this.transport = options.capture === undefined ? transport : captureTransport(transport, options.capture);
    const idleFlushMs = options.idleFlushMs ?? DEFAULT_IDLE_FLUSH_MS;
    this.transport.onData((chunk) => {
      clearTimeout(this.idleTimer);
      this.deliver(this.parser.push(chunk));
      this.idleTimer = setTimeout(() => this.deliver(this.parser.flush()), idleFlushMs);
      this.idleTimer.unref();
    });
    this.transport.onClose((info) => {
      clearTimeout(this.idleTimer);
      const detail = info.unexpected
        ? `device ${this.deviceId} went away${info.error ? ` (${info.error.message})` : ''}`
        : `session ${this.deviceId} closed`;
      // Waiters learn the cause, not its symptom (the frame the unplug cut short).
      this.ended = new DeviceError('disconnected', detail);
      for (const waiter of [...this.waiters]) waiter.fail(this.ended);
      this.deliver(this.parser.flush());
      if (info.unexpected) this.deliver([fault('disconnected', detail)]);
    });
    // Errors that close the link arrive again as a close; the rest are worth surfacing once.
    this.transport.onError((error) => this.deliver([fault('device-error', error.message)]));
  }

  get connected(): boolean {
    return this.ended === undefined;
  }

  on(listener: (event: E | Fault) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (this.transport.isOpen) await this.transport.close();
  }

  protected async send(bytes: Uint8Array): Promise<void> {
    if (this.ended !== undefined) throw this.ended;
    await this.transport.write(bytes);
  }

  /**
   * Resolves with the first value `pick` returns for an incoming event. `pick` may throw a
   * DeviceError to reject (a busy or error reply); timeouts and a lost link reject too.
   */
  protected waitFor<T>(
    pick: (event: E | Fault) => T | undefined,
    timeoutMs: number,
    what: string,
    signal?: AbortSignal,
  ): Promise<T> {
    if (this.ended !== undefined) return Promise.reject(this.ended);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => waiter.fail(new DeviceError('timeout', `stopped waiting for ${what}`));
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter<E> = {
        offer: (event) => {
          let value: T | undefined;
          try {
            value = pick(event);
          } catch (error) {
            finish();
            reject(error);
            return;
          }
          if (value === undefined) return;
          finish();
          resolve(value);
        },
        fail: (error) => {
          finish();
          reject(error);
        },
      };
      const timer = setTimeout(
        () =>
          waiter.fail(new DeviceError('timeout', `no ${what} from ${this.deviceId} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort);
    });
  }

  /**
   * Sends a command and waits for its reply, resending on timeouts and corrupted replies.
   * Commands go one at a time: replies carry no command tag, so two in flight would steal each
   * other's answers.
   */
  protected request<T>(
    command: Uint8Array,
    pick: (event: E | Fault) => T | undefined,
    policy: RequestPolicy,
    what: string,
  ): Promise<T> {
    const turn = this.lastRequest.then(() => this.exchange(command, pick, policy, what));
    this.lastRequest = turn.catch(() => undefined);
    return turn;
  }

  private async exchange<T>(
    command: Uint8Array,
    pick: (event: E | Fault) => T | undefined,
    policy: RequestPolicy,
    what: string,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const reply = this.waitFor(pick, policy.timeoutMs, what);
      // The reply promise exists before the write so a fast device cannot answer into the void.
      reply.catch(() => undefined);
      try {
        await this.send(command);
        return await reply;
      } catch (error) {
        const retryable = error instanceof DeviceError && RETRYABLE.has(error.reason);
        if (!retryable || attempt >= policy.retries) throw error;
      }
    }
  }

  private deliver(events: (E | Fault)[]): void {
    for (const event of events) {
      for (const listener of this.listeners) listener(event);
      for (const waiter of [...this.waiters]) waiter.offer(event);
    }
  }
}
