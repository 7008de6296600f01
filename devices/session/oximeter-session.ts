import type { Parser } from '../framing/parser';
import type { DeviceStatus, Fault, Spo2Reading } from '../readings';
import type { Transport } from '../transport/transport';
import { DeviceSession, type SessionOptions } from './session';

export type OximeterEvent = Spo2Reading | DeviceStatus | Fault;

/**
 * Oximeters stream unasked; listeners get every sample, and the chart wants one number. A spot
 * check is the median of a run of valid samples with the finger in, which irons out settling and
 * motion spikes; any fault or finger change starts the run over.
 */
export class OximeterSession extends DeviceSession<OximeterEvent> {
  constructor(transport: Transport, parser: Parser<OximeterEvent>, options: SessionOptions) {
    super(transport, parser, options);
  }

  spotCheck(samples = 60, timeoutMs = 30_000): Promise<Spo2Reading> {
    let spo2: number[] = [];
    let pulse: number[] = [];
    return this.waitFor(
      (event) => {
        if (event.type !== 'reading') {
          spo2 = [];
          pulse = [];
          return undefined;
        }
        spo2.push(event.spo2);
        pulse.push(event.pulse);
        if (spo2.length < samples) return undefined;
        return {
          type: 'reading',
          kind: 'spo2',
          deviceId: this.deviceId,
          spo2: median(spo2),
          pulse: median(pulse),
        };
      },
      timeoutMs,
      'settled SpO2',
    );
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}
