/**
 * The one thing drivers know about wires: bytes go out, bytes come in, and the link may die.
 * Serial, HID, TCP and in-memory links all look like this, so a driver never learns which it has.
 */
export interface Transport {
  readonly kind: TransportKind;
  readonly isOpen: boolean;
  write(bytes: Uint8Array): Promise<void>;
  onData(listener: (chunk: Uint8Array) => void): () => void;
  onError(listener: (error: Error) => void): () => void;
  /** `unexpected` is true when the device went away (unplugged, peer closed), not when we closed it. */
  onClose(listener: (info: CloseInfo) => void): () => void;
  close(): Promise<void>;
}

export type TransportKind = 'serial' | 'hid' | 'tcp' | 'memory' | 'stream';

export interface CloseInfo {
  unexpected: boolean;
  error?: Error;
}

export interface SerialSettings {
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** Listener bookkeeping shared by every transport, so each implementation only moves bytes. */
export abstract class TransportBase implements Transport {
  abstract readonly kind: TransportKind;
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  private readonly closeListeners = new Set<(info: CloseInfo) => void>();
  private closed = false;

  get isOpen(): boolean {
    return !this.closed;
  }

  abstract write(bytes: Uint8Array): Promise<void>;
  abstract close(): Promise<void>;

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onError(listener: (error: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  protected emitData(chunk: Uint8Array): void {
    for (const listener of this.dataListeners) listener(chunk);
  }

  protected emitError(error: Error): void {
    for (const listener of this.errorListeners) listener(error);
  }

  /** Idempotent: a link closes once even if both the OS and the caller report it. */
  protected emitClose(info: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener(info);
  }

  protected assertOpen(): void {
    if (this.closed) throw new Error(`${this.kind} transport is closed`);
  }
}
