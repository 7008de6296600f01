import type { DriverDescriptor } from '../../driver';
import { createNibpParser, type NibpEvent } from './parser';
import { NibpSession } from './session';
import { NibpSimulator } from './simulator';

export const suntechNibp: DriverDescriptor<NibpEvent, NibpSession> = {
  id: 'suntech-nibp',
  kind: 'bp',
  vendor: 'SunTech (OEM module)',
  model: 'NIBP module',
  labelKey: 'devices.suntechNibp.label',
  descriptionKey: 'devices.suntechNibp.description',
  transport: { kind: 'serial', settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } },
  createParser: createNibpParser,
  createSession: (transport, options) => new NibpSession(transport, options),
  createSimulator: (transport, options) => new NibpSimulator(transport, options),
};
