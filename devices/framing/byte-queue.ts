/**
 * A growable FIFO of bytes with a read offset, so parsers can hold partial frames without
 * re-concatenating on every chunk (that would make long streams quadratic).
 */
export class ByteQueue {
  private buffer = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.end + chunk.length > this.buffer.length) this.makeRoom(chunk.length);
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** Byte at position i from the front; callers check `length` first. */
  at(i: number): number {
    return this.buffer[this.start + i] as number;
  }

  indexOf(byte: number, from = 0): number {
    return this.buffer.subarray(this.start, this.end).indexOf(byte, from);
  }

  indexOfSequence(sequence: Uint8Array, from = 0): number {
    const first = sequence[0] as number;
    for (let i = this.indexOf(first, from); i !== -1; i = this.indexOf(first, i + 1)) {
      if (i + sequence.length > this.length) return -1;
      let match = true;
      for (let k = 1; k < sequence.length; k++) {
        if (this.at(i + k) !== sequence[k]) {
          match = false;
          break;
        }
      }
      if (match) return i;
    }
    return -1;
  }

  /** A view of the first n bytes; only valid until the next push. */
  peek(n: number): Uint8Array {
    return this.buffer.subarray(this.start, this.start + n);
  }

  /** Removes and returns a copy of the first n bytes. */
  take(n: number): Uint8Array {
    const out = this.buffer.slice(this.start, this.start + n);
    this.drop(n);
    return out;
  }

  drop(n: number): void {
    this.start += Math.min(n, this.length);
    if (this.start === this.end) {
      this.start = 0;
      this.end = 0;
    }
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
  }

  private makeRoom(extra: number): void {
    const held = this.length;
    if (held + extra <= this.buffer.length / 2) {
      this.buffer.copyWithin(0, this.start, this.end);
    } else {
      const grown = new Uint8Array(Math.max((held + extra) * 2, 256));
      grown.set(this.buffer.subarray(this.start, this.end));
      this.buffer = grown;
    }
    this.start = 0;
    this.end = held;
  }
}
