import { type Fault, fault } from '../readings';

/** Beyond this a run of junk is reported anyway, so a device that only sends noise still shows up. */
const REPORT_EVERY = 4096;
const KEEP = 64;

/** Any event list that can take a fault; parsers pass their own output arrays. */
export interface FaultSink {
  push(event: Fault): unknown;
}

/**
 * Collects bytes skipped while hunting for the next frame, and reports each contiguous run as one
 * `garbage` fault instead of one per byte.
 */
export class GarbageRun {
  private count = 0;
  private kept: number[] = [];

  add(byte: number, out: FaultSink): void {
    this.count++;
    if (this.kept.length < KEEP) this.kept.push(byte);
    if (this.count >= REPORT_EVERY) this.report(out);
  }

  addAll(bytes: Uint8Array, out: FaultSink): void {
    for (const byte of bytes) this.add(byte, out);
  }

  /** Ends the current run (a frame started, or the stream flushed). */
  report(out: FaultSink, what = 'bytes outside any frame'): void {
    if (this.count === 0) return;
    out.push(fault('garbage', `${this.count} ${what} skipped`, Uint8Array.from(this.kept)));
    this.count = 0;
    this.kept = [];
  }
}
