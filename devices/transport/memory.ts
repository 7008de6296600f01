import { type CloseInfo, TransportBase } from './transport';

/**
 * One end of an in-memory link. Writes reach the peer on a later macrotask, like real I/O, so
 * code that only works when replies arrive synchronously fails here too.
 */
export class MemoryTransport extends TransportBase {
  readonly kind = 'memory' as const;
  peer: MemoryTransport | undefined;
  /** Everything written through this end, for tests that assert on commands sent. */
  readonly written: Uint8Array[] = [];

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    const copy = bytes.slice();
    this.written.push(copy);
    const peer = this.peer;
    if (peer === undefined) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    peer.receive(copy);
  }

  /** Delivers bytes as if the device had sent them (HID report injection, recorded frames). */
  receive(bytes: Uint8Array): void {
    if (this.isOpen) this.emitData(bytes);
  }

  async close(): Promise<void> {
    this.shut({ unexpected: false }, { unexpected: true });
  }

  /** Both ends see the link vanish, as when a USB cable is pulled. */
  unplug(): void {
    this.shut({ unexpected: true }, { unexpected: true });
  }

  private shut(self: CloseInfo, peer: CloseInfo): void {
    this.emitClose(self);
    this.peer?.emitClose(peer);
  }
}

export function createMemoryPair(): [host: MemoryTransport, device: MemoryTransport] {
  const host = new MemoryTransport();
  const device = new MemoryTransport();
  host.peer = device;
  device.peer = host;
  return [host, device];
}
