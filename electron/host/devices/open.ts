/** How a binding becomes a live link on this machine: serial by path, HID by hidraw path. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CaptureLog, fileCapture } from '../../../devices/capture/capture';
import type { DriverDescriptor } from '../../../devices/driver';
import { HidTransport } from '../../../devices/transport/hid';
import { SerialTransport } from '../../../devices/transport/serial';
import { TcpListener } from '../../../devices/transport/tcp';
import type { Transport } from '../../../devices/transport/transport';
import type { DeviceBinding } from '../../bridge/contract';
import type { Listening } from './device-host';

export async function openBinding(binding: DeviceBinding, driver: DriverDescriptor): Promise<Transport> {
  const spec = driver.transport;
  if (spec.kind === 'serial')
    return SerialTransport.open(binding.port, { ...spec.settings, ...binding.settings });
  if (spec.kind === 'hid') {
    const path = binding.port === 'auto' ? undefined : binding.port;
    return HidTransport.open(
      { vendorId: spec.vendorId, productId: spec.productId, ...(path !== undefined ? { path } : {}) },
      spec.reportSize,
    );
  }
  // Networked monitors connect to us (HL7 over MLLP): see listenBinding.
  throw new Error(`${driver.id}: ${spec.kind} devices dial the host; it listens for them`);
}

/** Loopback unless the binding names an address: a workstation's monitors may need `0.0.0.0:2575`. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/**
 * A `tcp` binding's port: `2575`, `127.0.0.1:2575`, `0.0.0.0:2575`, `[::1]:2575`, or `auto` for the
 * driver's default port. Port 0 picks a free one.
 */
export function parseListenAddress(port: string, defaultPort: number): { host: string; port: number } {
  const text = port.trim();
  if (text === '' || text === 'auto') return { host: DEFAULT_LISTEN_HOST, port: defaultPort };
  const match = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:]+):)?(\d{1,5})$/.exec(text);
  const number = match === null ? Number.NaN : Number(match[3]);
  if (match === null || number > 65_535)
    throw new Error(`"${port}" is not a listening port (try 2575 or 127.0.0.1:2575)`);
  return { host: match[1] ?? match[2] ?? DEFAULT_LISTEN_HOST, port: number };
}

export async function listenBinding(
  binding: DeviceBinding,
  driver: DriverDescriptor,
  onConnection: (transport: Transport) => void,
): Promise<Listening> {
  const spec = driver.transport;
  if (spec.kind !== 'tcp') throw new Error(`${driver.id} is a ${spec.kind} device; it does not dial in`);
  const address = parseListenAddress(binding.port, spec.defaultPort);
  const listener = await TcpListener.listen(address.port, onConnection, address.host);
  return { host: address.host, port: listener.port, close: () => listener.close() };
}

/** `<dataDir>/devices/capture/<device id>.log`, one line per chunk in and out. */
export function captureFileFor(dataDir: string): (binding: DeviceBinding) => CaptureLog {
  return (binding) => {
    const dir = join(dataDir, 'devices', 'capture');
    mkdirSync(dir, { recursive: true });
    const log = fileCapture(join(dir, `${binding.id}.log`));
    return {
      record(direction, bytes) {
        // A full disk must not take the blood pressure monitor down with it.
        try {
          log.record(direction, bytes);
        } catch {}
      },
    };
  };
}
