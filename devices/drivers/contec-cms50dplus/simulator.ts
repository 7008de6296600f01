import { concatBytes } from '../../framing/bytes';
import { SimulatorBase, type SimulatorOptions } from '../../sim/simulator';
import type { Transport } from '../../transport/transport';
import { encodePacket } from './parser';

/** Noise with bit 7 clear: the parser must skip it without taking it for a packet start. */
const NOISE = Uint8Array.of(0x00, 0x7f, 0x13, 0x55);

export interface Cms50SimulatorOptions extends SimulatorOptions {
  /** Packets per write; the real device's 60 packets/s reach the host in small bursts. */
  packetsPerBurst?: number;
  burstMs?: number;
  /** Bursts before an injected unplug. */
  unplugAfter?: number;
  spo2?: number;
  pulse?: number;
}

/** Streams live packets from the moment it starts, like the device with a finger in. */
export class Cms50Simulator extends SimulatorBase {
  private tick = 0;
  private readonly options: Required<
    Pick<Cms50SimulatorOptions, 'packetsPerBurst' | 'unplugAfter' | 'spo2' | 'pulse'>
  >;

  constructor(transport: Transport, options: Cms50SimulatorOptions) {
    super(transport, { ...options, everyMs: options.burstMs ?? 50 });
    this.options = {
      packetsPerBurst: options.packetsPerBurst ?? 3,
      unplugAfter: options.unplugAfter ?? 10,
      spo2: options.spo2 ?? 97,
      pulse: options.pulse ?? 72,
    };
  }

  protected override onTick(): void {
    this.tick++;
    if (this.fault === 'unplug' && this.tick > this.options.unplugAfter) {
      this.unplug();
      return;
    }
    const packets: Uint8Array[] = [];
    for (let i = 0; i < this.options.packetsPerBurst; i++) {
      const phase = (this.tick * this.options.packetsPerBurst + i) % 60;
      packets.push(this.packet(phase));
    }
    this.send(concatBytes(...packets));
  }

  private packet(phase: number): Uint8Array {
    const pleth = Math.round(64 + 50 * Math.sin((phase / 60) * 2 * Math.PI));
    const good = encodePacket({ spo2: this.options.spo2, pulse: this.options.pulse, pleth });
    // Faults hit one packet in ten so the stream around them stays readable.
    if (phase % 10 !== 5) return good;
    switch (this.fault) {
      case 'bad-checksum': {
        // No checksum exists; the nearest wire fault is a flipped value bit, caught only by range.
        const bad = good.slice();
        bad[4] = 0x7e;
        return bad;
      }
      case 'truncated':
        return good.subarray(0, 3);
      case 'garbage':
        return concatBytes(NOISE, good);
      case 'error':
        return encodePacket({ spo2: 127, pulse: 255, fingerOut: true });
      default:
        return good;
    }
  }
}
