import { DeviceError, type IdCardRead } from '../../readings';
import { DeviceSession, type RequestPolicy, type SessionOptions } from '../../session/session';
import type { Transport } from '../../transport/transport';
import { createIdCardParser, type IdCardEvent } from './parser';
import { type CommandName, command } from './protocol';

export interface IdCardTimeouts {
  /** Find, select and SAM queries answer within tens of milliseconds. */
  quick: RequestPolicy;
  /** Reading the card over RF takes about a second. */
  read: RequestPolicy;
}

const DEFAULT_TIMEOUTS: IdCardTimeouts = {
  quick: { timeoutMs: 500, retries: 2 },
  read: { timeoutMs: 3000, retries: 1 },
};

type Reply = Exclude<IdCardEvent, { type: 'fault'; reason: 'garbage' }>;

export class IdCardSession extends DeviceSession<IdCardEvent> {
  private readonly timeouts: IdCardTimeouts;

  constructor(transport: Transport, options: SessionOptions & { timeouts?: Partial<IdCardTimeouts> }) {
    super(transport, createIdCardParser(options), options);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  /** Find, select and read: the clinic's "read ID card" button. Rejects `no-card` when none lies on the reader. */
  async readCard(): Promise<IdCardRead> {
    if (!(await this.findCard())) throw new DeviceError('no-card', 'no card on the reader');
    await this.ask('selectCard', this.timeouts.quick);
    const reply = await this.ask('readTextAndPhoto', this.timeouts.read);
    if (reply.type !== 'idcard') throw new DeviceError('device-error', 'reader sent no card data');
    return reply;
  }

  /** Polls until a card is placed, as the registration screen does while it is open. */
  async waitForCard(pollMs = 500, timeoutMs = 60_000): Promise<IdCardRead> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await this.readCard();
      } catch (error) {
        if (!(error instanceof DeviceError) || error.reason !== 'no-card' || Date.now() + pollMs > deadline)
          throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  async findCard(): Promise<boolean> {
    const reply = await this.ask('findCard', this.timeouts.quick);
    return reply.type === 'status' && reply.status === 'card-found';
  }

  /** The SAM module's ID (16 bytes), for the support screen. */
  async samId(): Promise<Uint8Array> {
    const reply = await this.ask('samId', this.timeouts.quick);
    return reply.type === 'status' && reply.data !== undefined ? reply.data : new Uint8Array(0);
  }

  /** The first reply that is not line noise; reader error codes reject with their SAM name. */
  private ask(name: CommandName, policy: RequestPolicy): Promise<Reply> {
    return this.request(
      command(name),
      (event): Reply | undefined => {
        if (event.type !== 'fault') return event;
        if (event.reason === 'garbage') return undefined;
        throw DeviceError.fromFault(event);
      },
      policy,
      `${name} reply`,
    );
  }
}
