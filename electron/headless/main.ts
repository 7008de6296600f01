/**
 * The headless host assembled from its parts: the same services the Electron
 * main process offers, behind a WebSocket instead of IPC.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BridgePush } from '../bridge/contract';
import { createChromiumPdf } from '../host/chromium-pdf';
import { loadHostConfig } from '../host/config';
import { simulatorsWanted, startDevices } from '../host/devices';
import { createFileSecretStore, keyFileCipher } from '../host/secrets';
import { createHostServices } from '../host/services';
import { startHeadlessServer } from './server';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function runHeadlessHost(env: NodeJS.ProcessEnv = process.env) {
  const config = loadHostConfig(env);
  const pdf = createChromiumPdf(config.chromiumPath);
  // Device events go out over the page's WebSocket once the server is up.
  let push: (push: BridgePush) => void = () => undefined;
  const devices = await startDevices({
    dataDir: config.dataDir,
    emit: (event) => push({ event }),
    simulators: simulatorsWanted(env),
  });
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
    devices: devices.host,
  });
  const server = await startHeadlessServer({
    rendererDir: env.XIANGYI_RENDERER_DIR ?? join(root, 'dist', 'renderer'),
    port: config.port,
    services,
  });
  push = server.push;
  return {
    url: server.url,
    devices,
    async close() {
      await server.close();
      await devices.close();
      await pdf.close();
    },
  };
}
