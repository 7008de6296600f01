/**
 * The one contract between the renderer and the machine. The renderer sees only
 * `ClinicBridge`; whether the calls travel over Electron IPC (preload) or over a
 * WebSocket to the headless Node host is invisible to it.
 *
 * Every method is listed in BRIDGE_METHODS with a schema for its arguments, so
 * both transports validate what crosses the process boundary the same way.
 */
import { z } from 'zod';

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

export interface DeviceStatus {
  id: string;
  driver: string;
  port: string;
  state: 'connected' | 'connecting' | 'disconnected' | 'error';
  detail?: string;
}

/** Pushed from the machine to the renderer without being asked. */
export type BridgeEvent =
  | { type: 'device-status'; status: DeviceStatus }
  | { type: 'device-event'; deviceId: string; event: Record<string, unknown> };

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
  };
  devices: {
    list(): Promise<DeviceStatus[]>;
  };
}

const secretKey = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'secret keys are short lower-case names');
const MAX_EXPORT_BASE64 = 40 * 1024 * 1024;
const MAX_HTML = 5 * 1024 * 1024;

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
  'printing.htmlToPdf': z.tuple([
    z.string().max(MAX_HTML),
    z.object({ pageSize: z.enum(['A4', 'A5']), landscape: z.boolean() }).strict(),
  ]),
  'devices.list': z.tuple([]),
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
