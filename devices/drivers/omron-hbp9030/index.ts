import type { DriverDescriptor } from '../../driver';
import { createOmronParser, type OmronEvent } from './parser';
import { OmronSession } from './session';
import { OmronSimulator } from './simulator';

export const omronHbp9030: DriverDescriptor<OmronEvent, OmronSession> = {
  id: 'omron-hbp9030',
  kind: 'bp',
  vendor: 'Omron',
  model: 'HBP-9030 / 9031C',
  labelKey: 'devices.omronHbp9030.label',
  descriptionKey: 'devices.omronHbp9030.description',
  // 9600 is what users report for the USB CDC port; unconfirmed by Omron, so it is editable.
  transport: { kind: 'serial', settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } },
  createParser: createOmronParser,
  createSession: (transport, options) => new OmronSession(transport, options),
  createSimulator: (transport, options) => new OmronSimulator(transport, options),
};
