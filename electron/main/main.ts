/**
 * Electron main process: one hardened window, the app:// protocol serving the
 * built renderer, the bridge over IPC. Logic lives in small modules beside
 * this one so it can be tested without Electron.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session, type WebContents } from 'electron';
import { BRIDGE_EVENT_CHANNEL, type PdfOptions, type PrintOptions } from '../bridge/contract';
import { createBridgeRouter } from '../bridge/router';
import { loadHostConfig } from '../host/config';
import { simulatorsWanted, startDevices } from '../host/devices';
import { osPrinters, pdfSettings, printOnOsPrinter } from '../host/os-print';
import { createFileSecretStore } from '../host/secrets';
import { createHostServices } from '../host/services';
import {
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  hardenedWebPreferences,
  isAllowedNavigation,
  resolveAppAsset,
} from './hardening';
import { registerBridgeIpc } from './ipc';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererDir = join(here, '..', 'renderer');

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

/** A hidden, script-less window holding one self-contained page while it is printed. */
async function withPage<T>(html: string, work: (contents: WebContents) => Promise<T>): Promise<T> {
  const window = new BrowserWindow({
    show: false,
    webPreferences: { ...hardenedWebPreferences(''), preload: undefined, javascript: false },
  });
  try {
    await window.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await work(window.webContents);
  } finally {
    window.destroy();
  }
}

const printers = async (contents: WebContents) => osPrinters(await contents.getPrintersAsync());

const printing = {
  htmlToPdf: (html: string, options: PdfOptions) =>
    withPage(html, (contents) => contents.printToPDF(pdfSettings(options))),
  printHtml: (html: string, options: PrintOptions) =>
    withPage(html, (contents) =>
      printOnOsPrinter(
        {
          printers: () => printers(contents),
          print: (settings) =>
            new Promise((resolve) =>
              contents.print(settings, (success, failureReason) => resolve({ success, failureReason })),
            ),
        },
        options,
      ),
    ),
  printers: () => withPage('<!doctype html>', printers),
};

app.whenReady().then(async () => {
  const config = loadHostConfig({
    ...process.env,
    XIANGYI_DATA_DIR: process.env.XIANGYI_DATA_DIR ?? app.getPath('userData'),
  });
  const csp = contentSecurityPolicy(config.countyGatewayUrl);

  protocol.handle(APP_SCHEME, (request) => {
    const file = resolveAppAsset(request.url, rendererDir);
    if (!file) return new Response('not found', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  // Device events go to the app window's page; before it exists there is no one to tell.
  let appWindow: BrowserWindow | undefined;
  const devices = await startDevices({
    dataDir: config.dataDir,
    emit: (event) => {
      if (appWindow && !appWindow.isDestroyed()) appWindow.webContents.send(BRIDGE_EVENT_CHANNEL, event);
    },
    simulators: simulatorsWanted(process.env),
  });
  app.on('will-quit', () => void devices.close());

  const services = createHostServices({
    info: {
      name: app.getName(),
      version: app.getVersion(),
      shell: 'electron',
      platform: process.platform,
      arch: process.arch,
      dataDir: config.dataDir,
      countyGatewayUrl: config.countyGatewayUrl,
    },
    secrets: createFileSecretStore(join(config.dataDir, 'secrets.bin'), {
      encrypt: async (plain) => safeStorage.encryptString(plain),
      decrypt: async (sealed) => safeStorage.decryptString(sealed),
    }),
    ...printing,
    devices: devices.host,
  });
  registerBridgeIpc(ipcMain, createBridgeRouter(services));

  appWindow = new BrowserWindow({
    width: 1280,
    height: 800,
    title: '乡医 Xiangyi',
    webPreferences: hardenedWebPreferences(join(here, 'preload.cjs')),
  });
  await appWindow.loadURL(`${APP_ORIGIN}/`);
});

app.on('window-all-closed', () => app.quit());
