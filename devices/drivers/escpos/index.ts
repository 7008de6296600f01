import type { DriverDescriptor } from '../../driver';
import { PrinterSession } from './session';
import { PrinterSimulator } from './simulator';
import { createPrinterStatusParser, type PrinterEvent } from './status';

export const escposPrinter: DriverDescriptor<PrinterEvent, PrinterSession> = {
  id: 'escpos',
  kind: 'printer',
  vendor: 'ESC/POS (Xprinter, Gprinter, ...)',
  model: '58/80 mm thermal receipt printer',
  labelKey: 'devices.escpos.label',
  descriptionKey: 'devices.escpos.description',
  // USB printers usually show up as a serial-like port; 9600 is the common factory setting.
  transport: { kind: 'serial', settings: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } },
  createParser: createPrinterStatusParser,
  createSession: (transport, options) => new PrinterSession(transport, options),
  createSimulator: (transport, options) => new PrinterSimulator(transport, options),
};
