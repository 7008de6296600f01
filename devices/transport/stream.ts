import type { Readable, Writable } from 'node:stream';
import { TransportBase } from './transport';

/** Bytes over a pair of Node streams, e.g. the stdio of the pty helper process. */
export class StreamTransport extends TransportBase {
  readonly kind = 'stream' as const;
  private closing = false;

  constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly onCloseRequested: () => void = () => output.end(),
  ) {
    super();
    input.on('data', (chunk: Buffer) =>
      this.emitData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    input.on('error', (error: Error) => this.emitError(error));
    output.on('error', (error: Error) => this.emitError(error));
    input.on('close', () => this.emitClose({ unexpected: !this.closing }));
  }

  write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    return new Promise((resolve, reject) =>
      this.output.write(bytes, (error) => (error ? reject(error) : resolve())),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    this.onCloseRequested();
    this.emitClose({ unexpected: false });
  }
}
