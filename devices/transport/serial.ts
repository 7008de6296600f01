import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { type SerialSettings, TransportBase } from './transport';

/**
 * A serial port opened by explicit path. Port discovery (SerialPort.list) needs udevadm on Linux
 * and is the settings screen's business, not the driver's.
 */
export class SerialTransport extends TransportBase {
  readonly kind = 'serial' as const;

  private readonly presenceTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly port: SerialPort,
    readonly path: string,
    presenceCheckMs: number,
  ) {
    super();
    // A hung-up tty (pty master gone, some USB-serial drivers) returns 0-byte reads that the
    // binding retries forever without reporting a disconnect. The device node vanishing is the
    // reliable sign on Linux and macOS, for ptys and USB adapters alike.
    if (path.startsWith('/dev/') && presenceCheckMs > 0) {
      this.presenceTimer = setInterval(() => {
        if (existsSync(path)) return;
        this.stopPresenceCheck();
        this.emitClose({ unexpected: true, error: new Error(`${path} vanished`) });
        if (this.port.isOpen) this.port.close(() => undefined);
      }, presenceCheckMs);
      this.presenceTimer.unref();
    }
    port.on('data', (chunk: Buffer) =>
      this.emitData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    port.on('error', (error: Error) => this.emitError(error));
    port.on('close', (error?: Error & { disconnected?: boolean }) => {
      this.stopPresenceCheck();
      const unexpected = error?.disconnected === true;
      this.emitClose(error === undefined || error === null ? { unexpected } : { unexpected, error });
    });
  }

  static open(path: string, settings: SerialSettings, presenceCheckMs = 100): Promise<SerialTransport> {
    const port = new SerialPort({ path, ...settings, autoOpen: false });
    return new Promise((resolve, reject) => {
      port.open((error) =>
        error ? reject(error) : resolve(new SerialTransport(port, path, presenceCheckMs)),
      );
    });
  }

  private stopPresenceCheck(): void {
    clearInterval(this.presenceTimer);
  }

  write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      this.port.write(Buffer.from(bytes), (error) => {
        if (error) return reject(error);
        this.port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
      });
    });
  }

  close(): Promise<void> {
    this.stopPresenceCheck();
    if (!this.port.isOpen) {
      this.emitClose({ unexpected: false });
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.port.close(() => {
        this.emitClose({ unexpected: false });
        resolve();
      });
    });
  }
}
