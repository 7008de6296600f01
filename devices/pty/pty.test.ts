import { afterEach, describe, expect, it } from 'vitest';
import { concatBytes } from '../framing/bytes';
import { SerialTransport } from '../transport/serial';
import type { CloseInfo } from '../transport/transport';
import { openPty, type PtyPair } from './pty';

let pty: PtyPair | undefined;
let port: SerialTransport | undefined;
afterEach(async () => {
  await port?.close();
  await pty?.close();
  port = undefined;
  pty = undefined;
});

const collect = (
  subscribe: (listener: (chunk: Uint8Array) => void) => unknown,
  length: number,
): Promise<Uint8Array> =>
  new Promise((resolve) => {
    let got: Uint8Array = new Uint8Array(0);
    subscribe((chunk) => {
      got = concatBytes(got, chunk);
      if (got.length >= length) resolve(got);
    });
  });

describe('pty pair', () => {
  it('is raw and binary-safe in both directions (every byte value, no echo, no CR/LF mangling)', async () => {
    pty = await openPty();
    port = await SerialTransport.open(pty.path, {
      baudRate: 115200,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
    });
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const atDevice = collect((listener) => pty?.device.onData(listener), 256);
    await port.write(all);
    expect(await atDevice).toEqual(all);
    const atHost = collect((listener) => port?.onData(listener), 256);
    await pty.device.write(all);
    expect(await atHost).toEqual(all);
  });

  it('closing the device end looks like an unplug to the port', async () => {
    pty = await openPty();
    port = await SerialTransport.open(pty.path, { baudRate: 19200, dataBits: 8, parity: 'odd', stopBits: 1 });
    const closed = new Promise<CloseInfo>((resolve) => port?.onClose(resolve));
    await pty.close();
    expect(await closed).toMatchObject({ unexpected: true });
  });
});
