import { OximeterSession } from '../../session/oximeter-session';
import type { SessionOptions } from '../../session/session';
import type { Transport } from '../../transport/transport';
import { createGigaDeviceParser, KEEP_ALIVE } from './parser';

export interface GigaDeviceSessionOptions extends SessionOptions {
  /** The device stops streaming without keep-alives; the exact deadline is undocumented, so keep it short. */
  keepAliveMs?: number;
}

export class GigaDeviceSession extends OximeterSession {
  private readonly keepAlive: NodeJS.Timeout;

  constructor(transport: Transport, options: GigaDeviceSessionOptions) {
    super(transport, createGigaDeviceParser(options), options);
    const ping = (): void => {
      if (this.connected) this.send(KEEP_ALIVE).catch(() => undefined);
    };
    ping();
    this.keepAlive = setInterval(ping, options.keepAliveMs ?? 1000);
    this.keepAlive.unref();
    transport.onClose(() => clearInterval(this.keepAlive));
  }

  override async close(): Promise<void> {
    clearInterval(this.keepAlive);
    await super.close();
  }
}
