import type { DriverDescriptor } from '../../driver';
import type { OximeterEvent } from '../../session/oximeter-session';
import { createCms50Parser } from './parser';
import { Cms50Session } from './session';
import { Cms50Simulator } from './simulator';

export const contecCms50dPlus: DriverDescriptor<OximeterEvent, Cms50Session> = {
  id: 'contec-cms50dplus',
  kind: 'spo2',
  vendor: 'Contec',
  model: 'CMS50D+ (firmware 4.6)',
  labelKey: 'devices.contecCms50dPlus.label',
  descriptionKey: 'devices.contecCms50dPlus.description',
  transport: { kind: 'serial', settings: { baudRate: 19200, dataBits: 8, parity: 'odd', stopBits: 1 } },
  createParser: createCms50Parser,
  createSession: (transport, options) => new Cms50Session(transport, options),
  createSimulator: (transport, options) => new Cms50Simulator(transport, options),
};
