import type { DriverDescriptor } from '../../driver';
import { createIdCardParser, type IdCardEvent } from './parser';
import { IdCardSession } from './session';
import { IdCardSimulator } from './simulator';

export const samIdCard: DriverDescriptor<IdCardEvent, IdCardSession> = {
  id: 'sam-idcard',
  kind: 'idcard',
  vendor: 'GA/T 467 SAM readers (various)',
  model: 'Second-generation ID card reader',
  labelKey: 'devices.samIdCard.label',
  descriptionKey: 'devices.samIdCard.description',
  transport: { kind: 'serial', settings: { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } },
  createParser: createIdCardParser,
  createSession: (transport, options) => new IdCardSession(transport, options),
  createSimulator: (transport, options) => new IdCardSimulator(transport, options),
};
