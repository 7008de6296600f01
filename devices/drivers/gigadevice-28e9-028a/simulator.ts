import { indexOfBytes } from '../../framing/bytes';
import { SimulatorBase, type SimulatorOptions } from '../../sim/simulator';
import type { Transport } from '../../transport/transport';
import { encodeLiveReport, KEEP_ALIVE, REPORT_SIZE } from './parser';

export interface GigaDeviceSimulatorOptions extends SimulatorOptions {
  reportMs?: number;
  /** Like the device: silence when the host stops sending keep-alives for this long. */
  keepAliveTimeoutMs?: number;
  /** Reports before an injected unplug. */
  unplugAfter?: number;
  spo2?: number;
  pulse?: number;
}

/**
 * Streams live reports into an injected transport (there is no /dev/uhid to fake a real HID
 * device), only while keep-alives keep coming, as the device does.
 */
export class GigaDeviceSimulator extends SimulatorBase {
  private lastKeepAlive = Number.NEGATIVE_INFINITY;
  private sent = 0;
  private readonly keepAliveTimeoutMs: number;
  private readonly unplugAfter: number;
  private readonly sample: { spo2: number; pulse: number };

  constructor(transport: Transport, options: GigaDeviceSimulatorOptions) {
    super(transport, { ...options, everyMs: options.reportMs ?? 20 });
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 3000;
    this.unplugAfter = options.unplugAfter ?? 5;
    this.sample = { spo2: options.spo2 ?? 98, pulse: options.pulse ?? 66 };
  }

  protected override onCommand(chunk: Uint8Array): void {
    if (indexOfBytes(chunk, KEEP_ALIVE) !== -1) this.lastKeepAlive = Date.now();
  }

  protected override onTick(): void {
    if (Date.now() - this.lastKeepAlive > this.keepAliveTimeoutMs) return;
    this.sent++;
    if (this.fault === 'unplug' && this.sent > this.unplugAfter) {
      this.unplug();
      return;
    }
    const good = encodeLiveReport(this.sample);
    if (this.sent % 5 !== 0) {
      this.send(good);
      return;
    }
    switch (this.fault) {
      case 'bad-checksum':
        // Reports carry no checksum; a corrupted SpO2 byte is caught by its range only.
        this.send(encodeLiveReport({ ...this.sample, spo2: 120 }));
        return;
      case 'truncated':
        this.send(good.subarray(0, 10));
        return;
      case 'garbage':
        this.send(new Uint8Array(REPORT_SIZE).fill(0x55));
        return;
      case 'error':
        this.send(encodeLiveReport({ spo2: 127, pulse: 127 }));
        return;
      default:
        this.send(good);
    }
  }
}
