/**
 * The host side of the bridge: the same services behind Electron IPC and
 * behind the headless WebSocket. Shell-specific parts (how secrets are sealed,
 * how HTML becomes a PDF) are passed in.
 */
import type { AppInfo, ClinicBridge, DeviceStatus, PdfOptions } from '../bridge/contract';
import { saveExport } from './files';
import type { SecretStore } from './secrets';

export interface HostParts {
  info: AppInfo;
  secrets: SecretStore;
  htmlToPdf(html: string, options: PdfOptions): Promise<Buffer>;
  devices(): Promise<DeviceStatus[]>;
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
    devices: { list: () => parts.devices() },
  };
}
