import { ascii, concatBytes as concat } from '../../framing/bytes';
import { SimulatorBase, type SimulatorOptions } from '../../sim/simulator';
import type { Transport } from '../../transport/transport';
import { formatRecord } from './parser';

const CRLF = ascii('\r\n');
/** Line noise as a flaky USB-serial adapter produces it: no CR/LF, nothing printable. */
const NOISE = Uint8Array.from([0x00, 0xff, 0x80, 0xfe, 0x11]);

export interface OmronMeasurement {
  systolic: number;
  diastolic: number;
  pulse: number;
  patientId?: string;
}

/** An HBP-9030 that prints one record per `measure()` (or every `everyMs`). */
export class OmronSimulator extends SimulatorBase {
  private readonly now: () => Date;

  constructor(transport: Transport, options: SimulatorOptions & { now?: () => Date }) {
    super(transport, options);
    this.now = options.now ?? (() => new Date());
  }

  protected override onTick(): void {
    void this.measure({ systolic: 118 + Math.round(Math.random() * 20), diastolic: 76, pulse: 70 });
  }

  async measure(measurement: OmronMeasurement = { systolic: 128, diastolic: 82, pulse: 72 }): Promise<void> {
    const good = formatRecord({ at: this.now(), ...measurement });
    const line = ascii(good);
    switch (this.fault) {
      case undefined:
        this.send(concat(line, CRLF));
        return;
      case 'bad-checksum': {
        // The format has no checksum; the nearest thing is a corrupted byte in a digit field.
        const corrupted = line.slice();
        corrupted[41] = 0x3f;
        this.send(concat(corrupted, CRLF));
        return;
      }
      case 'truncated':
        this.send(concat(line.subarray(0, 30), CRLF));
        return;
      case 'garbage':
        this.send(concat(NOISE, line, CRLF));
        return;
      case 'error':
        this.send(concat(ascii(formatRecord({ at: this.now(), err: 1 })), CRLF));
        return;
      case 'unplug':
        this.send(line.subarray(0, 20));
        await this.pause(50);
        this.unplug();
        return;
    }
  }
}
