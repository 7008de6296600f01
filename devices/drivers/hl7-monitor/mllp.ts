/**
 * MLLP (HL7 minimal lower layer protocol): each message is `0B <message> 1C 0D`. Between blocks
 * only stray CR/LF are tolerated; anything else is garbage. A new 0B before the end of a block
 * means the previous block was cut off.
 */
import { ByteQueue } from '../../framing/byte-queue';
import { concatBytes } from '../../framing/bytes';
import { GarbageRun } from '../../framing/garbage';
import { type Fault, fault } from '../../readings';

const START = 0x0b;
const END = 0x1c;
const CR = 0x0d;
const LF = 0x0a;
/** Far above any vitals message; a block this long is a stuck stream, not HL7. */
export const MAX_MESSAGE = 1 << 20;

export class MllpDecoder {
  private readonly queue = new ByteQueue();
  private readonly garbage = new GarbageRun();
  private inBlock = false;

  /** Completed message payloads (without framing) and faults, in stream order. */
  push(chunk: Uint8Array): (Uint8Array | Fault)[] {
    const out: (Uint8Array | Fault)[] = [];
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (!this.inBlock) {
        if (byte === START) {
          this.garbage.report(out);
          this.inBlock = true;
          from = i + 1;
        } else if (byte !== CR && byte !== LF) {
          this.garbage.add(byte, out);
        }
        continue;
      }
      if (byte === START) {
        this.queue.push(chunk.subarray(from, i));
        out.push(
          fault(
            'truncated',
            `HL7 block cut after ${this.queue.length} bytes`,
            this.queue.take(this.queue.length),
          ),
        );
        from = i + 1;
      } else if (byte === END) {
        this.queue.push(chunk.subarray(from, i));
        out.push(this.queue.take(this.queue.length));
        this.inBlock = false;
        // The CR after 1C is swallowed by the between-blocks rule above.
      }
    }
    if (this.inBlock) {
      this.queue.push(chunk.subarray(from));
      if (this.queue.length > MAX_MESSAGE) {
        out.push(fault('garbage', `HL7 block over ${MAX_MESSAGE} bytes`, this.queue.take(this.queue.length)));
        this.inBlock = false;
      }
    }
    return out;
  }

  flush(): Fault[] {
    const out: Fault[] = [];
    this.garbage.report(out);
    if (this.inBlock) {
      out.push(
        fault(
          'truncated',
          `HL7 block ended after ${this.queue.length} bytes`,
          this.queue.take(this.queue.length),
        ),
      );
      this.inBlock = false;
    }
    return out;
  }
}

export function wrapMllp(message: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(START), message, Uint8Array.of(END, CR));
}
