import { describe, expect, it } from 'vitest';
import { fromHex } from '../framing/hex';
import { createMemoryPair } from './memory';
import type { CloseInfo } from './transport';

describe('memory transport', () => {
  it('delivers asynchronously, records writes, and reports unplug on both ends', async () => {
    const [host, device] = createMemoryPair();
    const got: Uint8Array[] = [];
    device.onData((chunk) => got.push(chunk));
    const pending = host.write(fromHex('9a 1a'));
    expect(got).toEqual([]);
    await pending;
    expect(got).toEqual([fromHex('9a 1a')]);
    expect(host.written).toEqual([fromHex('9a 1a')]);
    const closes: CloseInfo[] = [];
    host.onClose((info) => closes.push(info));
    device.onClose((info) => closes.push(info));
    device.unplug();
    expect(closes).toEqual([{ unexpected: true }, { unexpected: true }]);
    await expect(host.write(fromHex('00'))).rejects.toThrow(/closed/);
  });
});
