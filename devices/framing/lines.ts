import { ByteQueue } from './byte-queue';

/**
 * Splits a byte stream into lines on LF, CR or CRLF. A CR at the very end of a chunk may be
 * the first half of a CRLF split across chunks, so the LF that follows is swallowed.
 * Lines longer than `maxLength` come out cut, flagged `overlong`, so a stuck stream cannot grow
 * without bound.
 */
export class LineSplitter {
  private readonly queue = new ByteQueue();
  private swallowLf = false;

  constructor(private readonly maxLength = 4096) {}

  push(chunk: Uint8Array): { line: Uint8Array; overlong: boolean }[] {
    const lines: { line: Uint8Array; overlong: boolean }[] = [];
    let from = 0;
    if (this.swallowLf && chunk.length > 0) {
      if (chunk[0] === 0x0a) from = 1;
      this.swallowLf = false;
    }
    for (let i = from; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === 0x0d || byte === 0x0a) {
        this.queue.push(chunk.subarray(from, i));
        lines.push({ line: this.queue.take(this.queue.length), overlong: false });
        if (byte === 0x0d) {
          if (i + 1 < chunk.length) {
            if (chunk[i + 1] === 0x0a) i++;
          } else {
            this.swallowLf = true;
          }
        }
        from = i + 1;
      }
    }
    this.queue.push(chunk.subarray(from));
    while (this.queue.length > this.maxLength) {
      lines.push({ line: this.queue.take(this.maxLength), overlong: true });
    }
    return lines;
  }

  /** The unterminated tail, if any. */
  flush(): Uint8Array | undefined {
    this.swallowLf = false;
    if (this.queue.length === 0) return undefined;
    return this.queue.take(this.queue.length);
  }
}
