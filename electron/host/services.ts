/**
 * The host side of the bridge: the same services behind Electron IPC and
 * behind the headless WebSocket. Shell-specific parts (how secrets are sealed,
 * how HTML becomes a PDF) are passed in.
 */
import type {
  AppInfo,
  ClinicBridge,
  OsPrinter,
  PdfOptions,
  PrintOptions,
  PrintOutcome,
} from '../bridge/contract';
import type { DeviceHost } from './devices/device-host';
import { saveExport } from './files';
import type { SecretStore } from './secrets';
import { createSlipKeys, HOST_ONLY_SECRET_PREFIX } from './slip-keys';

export interface HostParts {
  info: AppInfo;
  secrets: SecretStore;
  htmlToPdf(html: string, options: PdfOptions): Promise<Buffer>;
  /** The OS print dialog (Electron); absent where there is no OS printer (headless host). */
  printHtml?(html: string, options: PrintOptions): Promise<PrintOutcome>;
  printers?(): Promise<OsPrinter[]>;
  devices: DeviceHost;
}

/** Entries the host keeps for itself (the slip private key): never handed to the renderer. */
function guardHostOnly(key: string): void {
  if (key.startsWith(HOST_ONLY_SECRET_PREFIX))
    throw new Error(`secret "${key}" is kept by the host and cannot be read or changed over the bridge`);
}

export function createHostServices(parts: HostParts): ClinicBridge {
  const slipKeys = createSlipKeys(parts.secrets);
  return {
    app: { info: async () => parts.info },
    secrets: {
      get: async (key) => {
        guardHostOnly(key);
        return parts.secrets.get(key);
      },
      set: async (key, value) => {
        guardHostOnly(key);
        await parts.secrets.set(key, value);
      },
      delete: async (key) => {
        guardHostOnly(key);
        await parts.secrets.delete(key);
      },
    },
    files: { saveExport: (name, base64) => saveExport(parts.info.dataDir, name, base64) },
    printing: {
      htmlToPdf: async (html, options) => (await parts.htmlToPdf(html, options)).toString('base64'),
      printHtml: async (html, options) =>
        parts.printHtml
          ? parts.printHtml(html, options)
          : {
              ok: false,
              reason: 'no-printer',
              detail:
                'this workstation runs without an OS printer (headless host): save the PDF and print it',
            },
      printers: async () => (parts.printers ? parts.printers() : []),
    },
    slip: {
      key: () => slipKeys.key(),
      sign: (text) => slipKeys.sign(text),
      register: (facilityId) => slipKeys.register(facilityId),
      rotate: (retiredKeyId) => slipKeys.rotate(retiredKeyId),
    },
    devices: {
      list: async () => parts.devices.list(),
      drivers: async () => parts.devices.drivers(),
      configure: (binding) => parts.devices.configure(binding),
      remove: (id) => parts.devices.remove(id),
      measure: (id) => parts.devices.measure(id),
      readCard: (id) => parts.devices.readCard(id),
      printReceipt: (id, receipt) => parts.devices.printReceipt(id, receipt),
      printReferralSlip: (id, slip) => parts.devices.printReferralSlip(id, slip),
      simulate: (id, action) => parts.devices.simulate(id, action),
    },
  };
}
