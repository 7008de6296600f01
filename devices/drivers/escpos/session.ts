import { DeviceError } from '../../readings';
import { DeviceSession, type SessionOptions } from '../../session/session';
import type { Transport } from '../../transport/transport';
import type { Receipt } from './receipt';
import { createPrinterStatusParser, PAPER_STATUS_REQUEST, type PrinterEvent } from './status';

type PaperStatus = 'paper-ok' | 'paper-near-end' | 'paper-out';

export class PrinterSession extends DeviceSession<PrinterEvent> {
  constructor(transport: Transport, options: SessionOptions) {
    super(transport, createPrinterStatusParser(options), options);
  }

  paperStatus(timeoutMs = 500): Promise<PaperStatus> {
    return this.request(
      PAPER_STATUS_REQUEST,
      (event) => {
        if (event.type !== 'status') return undefined;
        const { status } = event;
        return status === 'paper-ok' || status === 'paper-near-end' || status === 'paper-out'
          ? status
          : undefined;
      },
      { timeoutMs, retries: 1 },
      'paper status',
    );
  }

  /** Checks the paper first: a slip half-printed on an empty roll is worse than none. */
  async print(receipt: Receipt | Uint8Array): Promise<void> {
    if ((await this.paperStatus()) === 'paper-out')
      throw new DeviceError('device-error', 'printer is out of paper', 'paper-out');
    await this.send(receipt instanceof Uint8Array ? receipt : receipt.build());
  }
}
