/**
 * The one contract between the renderer and the machine. The renderer sees only
 * `ClinicBridge`; whether the calls travel over Electron IPC (preload) or over a
 * WebSocket to the headless Node host is invisible to it.
 *
 * Every method is listed in BRIDGE_METHODS with a schema for its arguments, so
 * both transports validate what crosses the process boundary the same way.
 */
import { z } from 'zod';
import type { ThermalReferralSlip } from '../../devices/drivers/escpos/referral-slip';
import type { DeviceKind, DeviceStatusCode, FaultReason, IdCardPerson } from '../../devices/readings';

/** A referral slip for an 80 mm thermal roll, described by the renderer (already translated). */
export type { ThermalReferralSlip };

export interface AppInfo {
  name: string;
  version: string;
  shell: 'electron' | 'headless';
  platform: string;
  arch: string;
  /** Where this workstation keeps its files (exports, archives, device captures). */
  dataDir: string;
  /** The county gateway this workstation talks to, from the embedded default config. */
  countyGatewayUrl: string;
}

export interface SavedFile {
  path: string;
  bytes: number;
}

export interface PdfOptions {
  pageSize: 'A4' | 'A5';
  landscape: boolean;
}

export interface PrintOptions extends PdfOptions {
  /** The OS printer (its system name) the print dialog starts on; else the system default. */
  printer?: string;
}

/** A printer the OS offers (Electron); the headless host has none. */
export interface OsPrinter {
  /** The system name, as PrintOptions.printer takes it. */
  name: string;
  displayName: string;
}

export interface DeviceStatus {
  id: string;
  driver: string;
  port: string;
  state: 'connected' | 'connecting' | 'disconnected' | 'error';
  detail?: string;
  /** What the device measures or does (from its driver), so the UI can offer it in the right place. */
  kind?: DeviceKind;
  /** Frames in and out are logged to the capture file under the data folder. */
  capture?: boolean;
  /** A simulator on a pseudo-terminal stands in for the device (development and tests). */
  simulated?: boolean;
}

/** A driver the workstation can bind to a port. */
export interface DriverInfo {
  id: string;
  kind: DeviceKind;
  vendor: string;
  model: string;
  labelKey: string;
  transport: 'serial' | 'hid' | 'tcp';
  /** The host can start a measurement (SunTech NIBP, oximeter spot check); others push on their own. */
  startable: boolean;
}

/** Which device sits on which port at this workstation; remembered by the host. */
export interface DeviceBinding {
  id: string;
  driver: string;
  port: string;
  settings?: { baudRate?: number; parity?: 'none' | 'even' | 'odd' };
  capture?: boolean;
}

/** A reading as it crosses the bridge: JSON-safe, the device's own fields only. */
export interface WireReading {
  kind: 'bp' | 'spo2' | 'vitals';
  systolic?: number;
  diastolic?: number;
  mean?: number;
  pulse?: number;
  spo2?: number;
  temperatureC?: number;
  /** Device clock, local time without zone, when the device gave one. */
  deviceTime?: string;
}

/** Device events made JSON-safe (photos and raw bytes stay in the host). */
export type WireDeviceEvent =
  /** `at`: when the host received the last byte of it (ISO). */
  | { type: 'reading'; reading: WireReading; at: string }
  | { type: 'cuff-pressure'; mmHg: number }
  | { type: 'spo2-live'; spo2: number; pulse: number }
  | { type: 'status'; status: DeviceStatusCode }
  | { type: 'fault'; reason: FaultReason; detail: string; deviceCode?: string }
  | { type: 'idcard'; person: IdCardPerson }
  | { type: 'scan'; token: string };

export type DeviceFailure = FaultReason | 'not-configured' | 'not-connected' | 'not-supported';

export type DeviceOutcome<T> = ({ ok: true } & T) | { ok: false; reason: DeviceFailure; detail: string };

/** A vitals slip as the renderer describes it (already translated); the host turns it into ESC/POS. */
export interface VitalsReceipt {
  facility: string;
  title: string;
  patient: string;
  lines: Array<{ label: string; value: string }>;
  footer: string;
  /** Encoded as a QR code under the lines. */
  qr: string;
}

/** This workstation's public slip key (the private half stays in the host). */
export interface SlipKeyInfo {
  keyId: string;
  publicKey: string;
  createdAt: string;
}

export type PrintFailure = 'no-printer' | 'cancelled' | 'failed';
export type PrintOutcome = { ok: true } | { ok: false; reason: PrintFailure; detail: string };

/** Development and test control of the simulated devices (refused when no simulators run). */
export type SimulatorAction =
  | { do: 'measure'; systolic?: number; diastolic?: number; pulse?: number }
  | { do: 'scan'; token?: string }
  | { do: 'card'; present: boolean; person?: IdCardPerson }
  | { do: 'fault'; fault: SimulatedFault | null }
  | { do: 'unplug' };

export type SimulatedFault = 'bad-checksum' | 'truncated' | 'garbage' | 'unplug' | 'error';

/** Pushed from the machine to the renderer without being asked. */
export type BridgeEvent =
  | { type: 'device-status'; status: DeviceStatus }
  | { type: 'device-event'; deviceId: string; event: WireDeviceEvent };

export interface ClinicBridge {
  app: {
    info(): Promise<AppInfo>;
  };
  /** Small secrets (credentials for the county gateway), encrypted at rest by the host. */
  secrets: {
    get(key: string): Promise<string | null>;
    set(key: string, value: string): Promise<void>;
    delete(key: string): Promise<void>;
  };
  files: {
    /** Writes into the workstation's export folder; the name is sanitised there. */
    saveExport(name: string, base64: string): Promise<SavedFile>;
  };
  printing: {
    /** Renders self-contained HTML to PDF (the archive copy of a printed slip). */
    htmlToPdf(html: string, options: PdfOptions): Promise<string>;
    /** Sends self-contained HTML to the OS printer (print dialog); the headless host has none. */
    printHtml(html: string, options: PrintOptions): Promise<PrintOutcome>;
    /** The OS printers, for the workstation's choice of slip printer. */
    printers(): Promise<OsPrinter[]>;
  };
  /** Referral slip signatures (SM2 with SM3) with this workstation's key. */
  slip: {
    /** The public key, made on first use. */
    key(): Promise<SlipKeyInfo>;
    /** Signs a canonical slip text (see sync/protocol/referral/slip); anything else is refused. */
    sign(text: string): Promise<{ keyId: string; signature: string }>;
    /** The key with a proof of possession, for registering it with the county. */
    register(facilityId: string): Promise<{ keyId: string; publicKey: string; proof: string }>;
    /** Makes a new key when the current one is the one the county retired; returns the key in use. */
    rotate(retiredKeyId: string): Promise<SlipKeyInfo>;
  };
  devices: {
    list(): Promise<DeviceStatus[]>;
    drivers(): Promise<DriverInfo[]>;
    /** Binds a driver to a port (or changes the binding) and connects; remembered across restarts. */
    configure(binding: DeviceBinding): Promise<DeviceStatus>;
    remove(id: string): Promise<void>;
    /** Starts a measurement where the device can be started; the reading also arrives as an event. */
    measure(id: string): Promise<DeviceOutcome<{ reading: WireReading }>>;
    readCard(id: string): Promise<DeviceOutcome<{ person: IdCardPerson }>>;
    printReceipt(id: string, receipt: VitalsReceipt): Promise<DeviceOutcome<{ bytes: number }>>;
    printReferralSlip(id: string, slip: ThermalReferralSlip): Promise<DeviceOutcome<{ bytes: number }>>;
    simulate(id: string, action: SimulatorAction): Promise<DeviceOutcome<{ at: string }>>;
  };
}

const secretKey = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'secret keys are short lower-case names');
const MAX_EXPORT_BASE64 = 40 * 1024 * 1024;
const MAX_HTML = 5 * 1024 * 1024;
const deviceId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'device ids are short lower-case names');
const receiptText = z.string().max(200);
const pdfOptions = z.object({ pageSize: z.enum(['A4', 'A5']), landscape: z.boolean() }).strict();
const printOptions = pdfOptions.extend({ printer: z.string().min(1).max(200).optional() }).strict();
const receiptLines = z.array(z.object({ label: receiptText, value: receiptText }).strict());
const vital = z.number().int().min(0).max(300);
const idCardPerson = z
  .object({
    name: z.string().min(1).max(30),
    sex: z.enum(['male', 'female', 'unknown']),
    ethnicityCode: z.string().regex(/^\d{2}$/),
    birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    address: z.string().max(70),
    idNumber: z.string().regex(/^\d{17}[\dX]$/),
    issuingAuthority: z.string().max(30),
    validFrom: z.string().max(10),
    validTo: z.string().max(10),
  })
  .strict();

/** Argument schemas, one per method: the allow-list of what may cross. */
export const BRIDGE_METHODS = {
  'app.info': z.tuple([]),
  'secrets.get': z.tuple([secretKey]),
  'secrets.set': z.tuple([secretKey, z.string().max(16 * 1024)]),
  'secrets.delete': z.tuple([secretKey]),
  'files.saveExport': z.tuple([
    z.string().min(1).max(120),
    z
      .string()
      .max(MAX_EXPORT_BASE64)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'expected base64'),
  ]),
  'printing.htmlToPdf': z.tuple([z.string().max(MAX_HTML), pdfOptions]),
  'printing.printHtml': z.tuple([z.string().max(MAX_HTML), printOptions]),
  'printing.printers': z.tuple([]),
  'slip.key': z.tuple([]),
  'slip.sign': z.tuple([z.string().min(1).max(2000)]),
  'slip.register': z.tuple([z.string().min(1).max(40)]),
  'slip.rotate': z.tuple([z.string().regex(/^[0-9a-f]{12}$/, 'a slip key id is 12 hex digits')]),
  'devices.list': z.tuple([]),
  'devices.drivers': z.tuple([]),
  'devices.configure': z.tuple([
    z
      .object({
        id: deviceId,
        driver: z.string().min(1).max(60),
        port: z.string().min(1).max(260),
        settings: z
          .object({
            baudRate: z.number().int().min(300).max(921_600).optional(),
            parity: z.enum(['none', 'even', 'odd']).optional(),
          })
          .strict()
          .optional(),
        capture: z.boolean().optional(),
      })
      .strict(),
  ]),
  'devices.remove': z.tuple([deviceId]),
  'devices.measure': z.tuple([deviceId]),
  'devices.readCard': z.tuple([deviceId]),
  'devices.printReceipt': z.tuple([
    deviceId,
    z
      .object({
        facility: receiptText,
        title: receiptText,
        patient: receiptText,
        lines: receiptLines.max(20),
        footer: receiptText,
        qr: z.string().min(1).max(500),
      })
      .strict(),
  ]),
  'devices.printReferralSlip': z.tuple([
    deviceId,
    z
      .object({
        facility: receiptText,
        title: receiptText,
        serialNo: z.string().min(1).max(40),
        notice: receiptText.optional(),
        lines: receiptLines.max(24),
        qr: z
          .string()
          .min(1)
          .max(1200)
          .regex(/^[A-Z0-9.]+$/, 'a slip code is upper-case letters, digits and dots'),
        footer: receiptText,
      })
      .strict(),
  ]),
  'devices.simulate': z.tuple([
    deviceId,
    z.discriminatedUnion('do', [
      z
        .object({
          do: z.literal('measure'),
          systolic: vital.optional(),
          diastolic: vital.optional(),
          pulse: vital.optional(),
        })
        .strict(),
      z.object({ do: z.literal('scan'), token: z.string().min(1).max(200).optional() }).strict(),
      z.object({ do: z.literal('card'), present: z.boolean(), person: idCardPerson.optional() }).strict(),
      z
        .object({
          do: z.literal('fault'),
          fault: z.enum(['bad-checksum', 'truncated', 'garbage', 'unplug', 'error']).nullable(),
        })
        .strict(),
      z.object({ do: z.literal('unplug') }).strict(),
    ]),
  ]),
} as const;

export type BridgeMethod = keyof typeof BRIDGE_METHODS;

/** Names of the Electron IPC channels and the WebSocket path: one place, both transports. */
export const BRIDGE_INVOKE_CHANNEL = 'xiangyi:invoke';
export const BRIDGE_EVENT_CHANNEL = 'xiangyi:event';
export const BRIDGE_WS_PATH = '/bridge';

/** The wire shape over WebSocket (IPC carries the same request body). */
export type BridgeRequest = { id: number; method: string; args: unknown[] };
export type BridgeResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: string; message: string } };
export type BridgePush = { event: BridgeEvent };
