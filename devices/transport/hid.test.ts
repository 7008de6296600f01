import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../framing/hex';
import { type HidDevice, HidTransport } from './hid';
import type { CloseInfo } from './transport';

class FakeHid extends EventEmitter implements HidDevice {
  readonly writes: Buffer[] = [];
  async write(report: number[] | Buffer): Promise<number> {
    this.writes.push(Buffer.from(report));
    return report.length;
  }
  async close(): Promise<void> {}
}

describe('HID transport (node-hid shape, faked: no /dev/uhid here)', () => {
  it('prefixes the report ID, pads writes to the report size, and passes reports through', async () => {
    const device = new FakeHid();
    const transport = new HidTransport(device, 64, 0);
    await transport.write(fromHex('9a 1a'));
    expect(device.writes[0]?.length).toBe(65);
    expect([...(device.writes[0] ?? [])].slice(0, 4)).toEqual([0x00, 0x9a, 0x1a, 0x00]);
    const got: Uint8Array[] = [];
    transport.onData((report) => got.push(report));
    device.emit('data', Buffer.from(fromHex('eb 01 00 42 62')));
    expect(got).toEqual([fromHex('eb 01 00 42 62')]);
  });

  it('a read error is an unplug', () => {
    const device = new FakeHid();
    const transport = new HidTransport(device, 64, 0);
    const closes: CloseInfo[] = [];
    transport.onClose((info) => closes.push(info));
    transport.onError(() => undefined);
    device.emit('error', new Error('could not read from HID device'));
    expect(closes).toMatchObject([{ unexpected: true }]);
  });
});
