import { concatBytes, indexOfBytes } from '../../framing/bytes';
import { SimulatorBase, type SimulatorOptions } from '../../sim/simulator';
import type { Transport } from '../../transport/transport';
import { encode, START_ADULT } from './parser';

/** Noise without 0x3E, so it cannot be mistaken for a frame start. */
const NOISE = Uint8Array.of(0x00, 0xff, 0x55, 0xaa, 0x3a);

export interface NibpSimulatorOptions extends SimulatorOptions {
  /** Time between cuff-pressure frames; real modules send a few per second. */
  stepMs?: number;
  result?: { systolic: number; diastolic: number; mean: number; pulse: number };
}

/** A module that inflates to 170, deflates, then reports. Answers busy while measuring. */
export class NibpSimulator extends SimulatorBase {
  private measuring = false;
  private pending: Uint8Array = new Uint8Array(0);
  private counter = 0;
  private readonly stepMs: number;
  private result: NonNullable<NibpSimulatorOptions['result']>;

  constructor(transport: Transport, options: NibpSimulatorOptions) {
    super(transport, options);
    this.stepMs = options.stepMs ?? 200;
    this.result = options.result ?? { systolic: 132, diastolic: 84, mean: 100, pulse: 76 };
  }

  /** What the next measurement reports (a hypertensive patient, a low pulse, ...). */
  setResult(result: NonNullable<NibpSimulatorOptions['result']>): void {
    this.result = result;
  }

  protected override onCommand(chunk: Uint8Array): void {
    this.pending = concatBytes(this.pending, chunk);
    for (
      let at = indexOfBytes(this.pending, START_ADULT);
      at !== -1;
      at = indexOfBytes(this.pending, START_ADULT)
    ) {
      this.pending = this.pending.slice(at + START_ADULT.length);
      if (this.measuring) {
        this.send(encode.reply('busy'));
      } else {
        void this.measure();
      }
    }
    if (this.pending.length > 16) this.pending = this.pending.slice(-2);
  }

  private async measure(): Promise<void> {
    this.measuring = true;
    this.counter++;
    this.send(encode.reply('accepted'));
    const pressures = [20, 90, 170, 150, 130, 110, 90, 70, 50];
    for (const [step, mmHg] of pressures.entries()) {
      await this.pause(this.stepMs);
      if (this.stopped) return;
      if (this.fault === 'unplug' && step === 4) {
        this.unplug();
        return;
      }
      this.send(encode.cuff(mmHg));
    }
    await this.pause(this.stepMs);
    this.send(this.resultFrame());
    this.send(encode.reply('done'));
    this.measuring = false;
  }

  private resultFrame(): Uint8Array {
    const frame = encode.result({ ...this.result, counter: this.counter });
    switch (this.fault) {
      case 'bad-checksum': {
        const bad = frame.slice();
        bad[bad.length - 1] = ((bad[bad.length - 1] as number) + 1) & 0xff;
        return bad;
      }
      case 'truncated':
        return frame.slice(0, 12);
      case 'garbage':
        return concatBytes(NOISE, frame);
      case 'error':
        return encode.result({
          systolic: 0,
          diastolic: 0,
          mean: 0,
          pulse: 0,
          status: 1,
          counter: this.counter,
        });
      default:
        return frame;
    }
  }
}
