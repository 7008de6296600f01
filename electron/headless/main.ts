/**
 * The headless host assembled from its parts: the same services the Electron
 * main process offers, behind a WebSocket instead of IPC.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createChromiumPdf } from '../host/chromium-pdf';
import { loadHostConfig } from '../host/config';
import { createFileSecretStore, keyFileCipher } from '../host/secrets';
import { createHostServices } from '../host/services';
import { startHeadlessServer } from './server';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function runHeadlessHost(env: NodeJS.ProcessEnv = process.env) {
  const config = loadHostConfig(env);
  const pdf = createChromiumPdf(config.chromiumPath);
  const services = createHostServices({
    info: {
      name: 'Xiangyi',
      version: process.env.npm_package_version ?? '0.1.0',
      shell: 'headless',
      platform: process.platform,
      arch: process.arch,
      dataDir: config.dataDir,
      countyGatewayUrl: config.countyGatewayUrl,
    },
    secrets: createFileSecretStore(join(config.dataDir, 'secrets.bin'), await keyFileCipher(config.dataDir)),
    htmlToPdf: pdf.htmlToPdf,
    devices: async () => [],
  });
  const server = await startHeadlessServer({
    rendererDir: env.XIANGYI_RENDERER_DIR ?? join(root, 'dist', 'renderer'),
    port: config.port,
    services,
  });
  return {
    url: server.url,
    async close() {
      await server.close();
      await pdf.close();
    },
  };
}
