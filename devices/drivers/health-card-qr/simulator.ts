import { createHash } from 'node:crypto';
import { ascii, concatBytes } from '../../framing/bytes';
import { SimulatorBase } from '../../sim/simulator';

const CR = Uint8Array.of(0x0d);
const NOISE = Uint8Array.of(0x00, 0x1b, 0xff);

/** A sample electronic health card token: 64 hex digits and a card type, like the platform issues. */
export function sampleToken(n: number): string {
  return `${createHash('sha256').update(`xiangyi-sim-${n}`).digest('hex').toUpperCase()}:1`;
}

/** A serial-mode scanner: one CR-terminated line per scan, on `scan()` or every `everyMs`. */
export class QrScannerSimulator extends SimulatorBase {
  private scans = 0;

  protected override onTick(): void {
    this.scan();
  }

  scan(token = sampleToken(++this.scans)): void {
    const line = ascii(token);
    switch (this.fault) {
      case 'bad-checksum':
      case 'error': {
        // A QR payload has no checksum on this wire; a misread shows up as a corrupted byte.
        const bad = line.slice();
        bad[5] = 0x07;
        this.send(concatBytes(bad, CR));
        return;
      }
      case 'truncated':
        this.send(line.subarray(0, 20));
        return;
      case 'garbage':
        this.send(concatBytes(NOISE, CR, line, CR));
        return;
      case 'unplug':
        this.send(line.subarray(0, 10));
        this.unplug();
        return;
      default:
        this.send(concatBytes(line, CR));
    }
  }
}
