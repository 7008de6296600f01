import { DeviceError, type Scan } from '../../readings';
import { DeviceSession, type SessionOptions } from '../../session/session';
import type { Transport } from '../../transport/transport';
import { createQrLineParser, type ScanEvent } from './parser';

export class QrScannerSession extends DeviceSession<ScanEvent> {
  constructor(transport: Transport, options: SessionOptions) {
    super(transport, createQrLineParser(options), options);
  }

  /** The next health-card token; a garbled or cut scan rejects so the UI can ask for a rescan. */
  nextScan(timeoutMs = 60_000): Promise<Scan> {
    return this.waitFor(
      (event) => {
        if (event.type === 'scan') return event;
        if (event.type === 'fault') throw DeviceError.fromFault(event);
        return undefined;
      },
      timeoutMs,
      'scan',
    );
  }
}
