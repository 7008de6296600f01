import type { DriverDescriptor } from '../../driver';
import { createMonitorParser, type MonitorEvent } from './parser';
import { MonitorSession } from './session';
import { MonitorSimulator } from './simulator';

export const hl7Monitor: DriverDescriptor<MonitorEvent, MonitorSession> = {
  id: 'hl7-monitor',
  kind: 'monitor',
  vendor: 'Mindray, Comen and other IHE PCD-01 monitors',
  model: 'HL7 v2 ORU^R01 over MLLP',
  labelKey: 'devices.hl7Monitor.label',
  descriptionKey: 'devices.hl7Monitor.description',
  transport: { kind: 'tcp', defaultPort: 2575 },
  createParser: createMonitorParser,
  createSession: (transport, options) => new MonitorSession(transport, options),
  createSimulator: (transport, options) => new MonitorSimulator(transport, options),
};
