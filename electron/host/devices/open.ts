/** How a binding becomes a live link on this machine: serial by path, HID by hidraw path. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type CaptureLog, fileCapture } from '../../../devices/capture/capture';
import type { DriverDescriptor } from '../../../devices/driver';
import { HidTransport } from '../../../devices/transport/hid';
import { SerialTransport } from '../../../devices/transport/serial';
import type { Transport } from '../../../devices/transport/transport';
import type { DeviceBinding } from '../../bridge/contract';

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
  // Networked monitors connect to us (HL7 over MLLP); the listener is not part of this host yet.
  throw new Error(`${driver.id}: ${spec.kind} devices are not supported by this host yet`);
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
