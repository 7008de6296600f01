import type { Parser } from './framing/parser';
import type { DeviceEvent, DeviceKind, Fault } from './readings';
import type { SessionOptions } from './session/session';
import type { Simulator, SimulatorOptions } from './sim/simulator';
import type { SerialSettings, Transport } from './transport/transport';

export type TransportSpec =
  | { kind: 'serial'; settings: SerialSettings }
  | { kind: 'hid'; vendorId: number; productId: number; reportSize: number }
  | { kind: 'tcp'; defaultPort: number };

/**
 * Everything the app needs to offer a device: adding a vendor means one folder exporting one of
 * these, plus a line in registry.ts.
 */
/** What the device host can do with any session without knowing the driver. */
export interface SessionLike {
  on(listener: (event: DeviceEvent) => void): () => void;
  close(): Promise<void>;
}

export interface DriverDescriptor<E extends DeviceEvent = DeviceEvent, S extends SessionLike = SessionLike> {
  id: string;
  kind: DeviceKind;
  vendor: string;
  model: string;
  /** i18n keys; the renderer owns the strings. */
  labelKey: string;
  descriptionKey: string;
  transport: TransportSpec;
  createParser(options: { deviceId: string }): Parser<E | Fault>;
  createSession(transport: Transport, options: SessionOptions): S;
  createSimulator(transport: Transport, options: SimulatorOptions): Simulator;
}
