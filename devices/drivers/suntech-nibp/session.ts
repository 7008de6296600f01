import { type BpReading, DeviceError, type Fault } from '../../readings';
import { DeviceSession, type RequestPolicy, type SessionOptions } from '../../session/session';
import type { Transport } from '../../transport/transport';
import { createNibpParser, type NibpEvent, START_ADULT } from './parser';

export interface MeasureOptions {
  /** Waiting for `accepted`, with resends of the start command. */
  accept?: RequestPolicy;
  /** A slow deflation on a hypertensive arm can take two minutes. */
  resultTimeoutMs?: number;
}

export class NibpSession extends DeviceSession<NibpEvent> {
  constructor(transport: Transport, options: SessionOptions) {
    super(transport, createNibpParser(options), options);
  }

  /**
   * One adult measurement. Cuff pressure streams to `on()` listeners meanwhile. Rejects with
   * `busy`, `device-error` (the module's own error), the frame fault that ate the result, or
   * `disconnected`.
   */
  async measure(options: MeasureOptions = {}): Promise<BpReading> {
    const stop = new AbortController();
    let lostResult: Fault | undefined;
    // Listening starts before the command goes out: a fast module can answer everything in one read.
    const result = this.waitFor(
      (event) => {
        if (event.type === 'reading') return event;
        if (event.type === 'fault' && (event.reason === 'checksum' || event.reason === 'truncated'))
          lostResult = event;
        if (event.type === 'fault' && (event.reason === 'device-error' || event.reason === 'out-of-range')) {
          throw DeviceError.fromFault(event);
        }
        if (event.type === 'status' && event.status === 'done') {
          throw lostResult !== undefined
            ? DeviceError.fromFault(lostResult)
            : new DeviceError('device-error', 'module finished without a result');
        }
        return undefined;
      },
      options.resultTimeoutMs ?? 180_000,
      'blood pressure result',
      stop.signal,
    );
    result.catch(() => undefined);
    try {
      await this.request(
        START_ADULT,
        (event) => {
          if (event.type === 'status' && event.status === 'accepted') return true;
          if (event.type === 'status' && event.status === 'busy')
            throw new DeviceError('busy', 'module is already measuring');
          if (event.type === 'fault' && (event.reason === 'checksum' || event.reason === 'truncated')) {
            throw DeviceError.fromFault(event);
          }
          return undefined;
        },
        options.accept ?? { timeoutMs: 1000, retries: 2 },
        'start acknowledgement',
      );
    } catch (error) {
      stop.abort();
      throw error;
    }
    return result;
  }
}
