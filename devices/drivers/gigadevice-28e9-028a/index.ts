import type { DriverDescriptor } from '../../driver';
import type { OximeterEvent } from '../../session/oximeter-session';
import { createGigaDeviceParser, REPORT_SIZE } from './parser';
import { GigaDeviceSession } from './session';
import { GigaDeviceSimulator } from './simulator';

export const gigadeviceOximeter: DriverDescriptor<OximeterEvent, GigaDeviceSession> = {
  id: 'gigadevice-28e9-028a',
  kind: 'spo2',
  vendor: 'GigaDevice-based (various brands)',
  model: 'HID fingertip oximeter 28E9:028A',
  labelKey: 'devices.gigadeviceOximeter.label',
  descriptionKey: 'devices.gigadeviceOximeter.description',
  transport: { kind: 'hid', vendorId: 0x28e9, productId: 0x028a, reportSize: REPORT_SIZE },
  createParser: createGigaDeviceParser,
  createSession: (transport, options) => new GigaDeviceSession(transport, options),
  createSimulator: (transport, options) => new GigaDeviceSimulator(transport, options),
};
