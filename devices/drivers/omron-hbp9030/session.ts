import { type BpReading, DeviceError } from '../../readings';
import { DeviceSession, type SessionOptions } from '../../session/session';
import type { Transport } from '../../transport/transport';
import { createOmronParser, type OmronEvent } from './parser';

/** The monitor talks on its own when a measurement ends; the host only listens. */
export class OmronSession extends DeviceSession<OmronEvent> {
  constructor(transport: Transport, options: SessionOptions) {
    super(transport, createOmronParser(options), options);
  }

  /** The next measurement; a failed one (error code, out of range, cut off) rejects instead. */
  nextReading(timeoutMs = 300_000): Promise<BpReading> {
    return this.waitFor(
      (event) => {
        if (event.type === 'reading') return event;
        if (event.type === 'fault' && event.reason !== 'garbage') throw DeviceError.fromFault(event);
        return undefined;
      },
      timeoutMs,
      'measurement',
    );
  }
}
