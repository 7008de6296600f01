/**
 * The host side of the bridge: the same services behind Electron IPC and
 * behind the headless WebSocket. Shell-specific parts (how secrets are sealed,
 * how HTML becomes a PDF) are passed in.
 */
import type { AppInfo, ClinicBridge, PdfOptions } from '../bridge/contract';
import type { DeviceHost } from './devices/device-host';
import { saveExport } from './files';
import type { SecretStore } from './secrets';

export interface HostParts {
  info: AppInfo;
  secrets: SecretStore;
  htmlToPdf(html: string, options: PdfOptions): Promise<Buffer>;
  devices: DeviceHost;
}

export function createHostServices(parts: HostParts): ClinicBridge {
  return {
    app: { info: async () => parts.info },
    secrets: {
      get: (key) => parts.secrets.get(key),
      set: (key, value) => parts.secrets.set(key, value),
      delete: (key) => parts.secrets.delete(key),
    },
    files: { saveExport: (name, base64) => saveExport(parts.info.dataDir, name, base64) },
    printing: {
      htmlToPdf: async (html, options) => (await parts.htmlToPdf(html, options)).toString('base64'),
    },
    devices: {
      list: async () => parts.devices.list(),
      drivers: async () => parts.devices.drivers(),
      configure: (binding) => parts.devices.configure(binding),
      remove: (id) => parts.devices.remove(id),
      measure: (id) => parts.devices.measure(id),
      readCard: (id) => parts.devices.readCard(id),
      printReceipt: (id, receipt) => parts.devices.printReceipt(id, receipt),
      simulate: (id, action) => parts.devices.simulate(id, action),
    },
  };
}
