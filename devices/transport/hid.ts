import type { EventEmitter } from 'node:events';
import { TransportBase } from './transport';

/** The part of node-hid's HIDAsync this transport uses. */
export interface HidDevice extends EventEmitter {
  write(report: number[] | Buffer): Promise<number>;
  close(): Promise<void>;
}

export interface HidAddress {
  vendorId: number;
  productId: number;
  /** hidraw path, when several identical devices are attached. */
  path?: string;
}

/**
 * node-hid behind the Transport interface. Each data event is one input report. Writes get the
 * report-ID byte hidapi wants in front (0x00 for devices without numbered reports) and are padded
 * to the report size, so drivers write only the payload.
 */
export class HidTransport extends TransportBase {
  readonly kind = 'hid' as const;
  private closing = false;

  constructor(
    private readonly device: HidDevice,
    private readonly reportSize: number,
    private readonly reportId: number,
  ) {
    super();
    device.on('data', (report: Buffer) =>
      this.emitData(new Uint8Array(report.buffer, report.byteOffset, report.length)),
    );
    device.on('error', (error: Error) => {
      this.emitError(error);
      // hidapi reports a pulled device as a read error; nothing more will arrive.
      this.emitClose({ unexpected: !this.closing, error });
    });
  }

  /** node-hid is loaded lazily: without libusb-1.0 it cannot load, and serial drivers must still work. */
  static async open(address: HidAddress, reportSize = 64, reportId = 0): Promise<HidTransport> {
    const { HIDAsync } = await import('node-hid');
    const device =
      address.path !== undefined
        ? await HIDAsync.open(address.path)
        : await HIDAsync.open(address.vendorId, address.productId);
    return new HidTransport(device, reportSize, reportId);
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.assertOpen();
    const report = Buffer.alloc(this.reportSize + 1);
    report[0] = this.reportId;
    report.set(bytes.subarray(0, this.reportSize), 1);
    await this.device.write(report);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.device.close();
    this.emitClose({ unexpected: false });
  }
}
