import type { DriverDescriptor } from '../../driver';
import { createQrLineParser, type ScanEvent } from './parser';
import { QrScannerSession } from './session';
import { QrScannerSimulator } from './simulator';

/** Serial mode. In keyboard mode the renderer feeds key events to `KeyboardWedge` instead. */
export const healthCardQr: DriverDescriptor<ScanEvent, QrScannerSession> = {
  id: 'health-card-qr',
  kind: 'qr',
  vendor: 'Generic 2D scanner',
  model: 'Health-card QR scanner (serial mode)',
  labelKey: 'devices.healthCardQr.label',
  descriptionKey: 'devices.healthCardQr.description',
  transport: { kind: 'serial', settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } },
  createParser: createQrLineParser,
  createSession: (transport, options) => new QrScannerSession(transport, options),
  createSimulator: (transport, options) => new QrScannerSimulator(transport, options),
};
