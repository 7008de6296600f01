import { describe, expect, it, vi } from 'vitest';
import type { ClinicBridge } from './contract';
import { BridgeError, createBridgeRouter } from './router';

function fakeServices(): ClinicBridge {
  return {
    app: {
      info: vi.fn(async () => ({
        name: 'Xiangyi',
        version: '1',
        shell: 'headless' as const,
        platform: 'linux',
        arch: 'x64',
        dataDir: '/d',
        countyGatewayUrl: 'http://127.0.0.1:8787',
      })),
    },
    secrets: {
      get: vi.fn(async () => 'token'),
      set: vi.fn(async () => undefined),
      delete: vi.fn(async () => undefined),
    },
    files: { saveExport: vi.fn(async () => ({ path: '/d/exports/a.pdf', bytes: 3 })) },
    printing: {
      htmlToPdf: vi.fn(async () => 'JVBERi0='),
      printHtml: vi.fn(async () => ({ ok: true as const })),
      printers: vi.fn(async () => [{ name: 'HP_LaserJet_M1136', displayName: 'HP LaserJet M1136' }]),
    },
    slip: {
      sign: vi.fn(async () => ({ keyId: 'k', signature: 's' })),
      rotate: vi.fn(async () => ({ keyId: 'bbbbbbbbbbbb', publicKey: '04', createdAt: '' })),
    } as unknown as ClinicBridge['slip'],
    devices: { list: vi.fn(async () => []) } as unknown as ClinicBridge['devices'],
  };
}

describe('the bridge router', () => {
  it('routes a listed method with valid arguments to the service', async () => {
    const services = fakeServices();
    const route = createBridgeRouter(services);
    expect(await route('secrets.get', ['gateway.token'])).toBe('token');
    expect(services.secrets.get).toHaveBeenCalledWith('gateway.token');
    await route('printing.htmlToPdf', ['<p>slip</p>', { pageSize: 'A5', landscape: false }]);
    expect(services.printing.htmlToPdf).toHaveBeenCalledWith('<p>slip</p>', {
      pageSize: 'A5',
      landscape: false,
    });
  });

  it('routes the OS print with the chosen printer, the printer list and the key rotation', async () => {
    const services = fakeServices();
    const route = createBridgeRouter(services);
    const options = { pageSize: 'A5', landscape: false, printer: 'HP_LaserJet_M1136' };
    expect(await route('printing.printHtml', ['<p>slip</p>', options])).toEqual({ ok: true });
    expect(services.printing.printHtml).toHaveBeenCalledWith('<p>slip</p>', options);
    expect(await route('printing.printers', [])).toEqual([
      { name: 'HP_LaserJet_M1136', displayName: 'HP LaserJet M1136' },
    ]);
    await route('slip.rotate', ['aaaaaaaaaaaa']);
    expect(services.slip.rotate).toHaveBeenCalledWith('aaaaaaaaaaaa');
  });

  it.each([
    ['unknown method', 'shell.exec', ['rm -rf /'], 'unknown-method'],
    ['prototype key', 'constructor', [], 'unknown-method'],
    ['missing argument', 'secrets.get', [], 'bad-arguments'],
    ['extra argument', 'app.info', ['x'], 'bad-arguments'],
    ['bad secret key', 'secrets.get', ['../etc/passwd'], 'bad-arguments'],
    ['not base64', 'files.saveExport', ['a.pdf', 'not base64!'], 'bad-arguments'],
    [
      'unknown page size',
      'printing.htmlToPdf',
      ['<p/>', { pageSize: 'A3', landscape: false }],
      'bad-arguments',
    ],
    [
      'extra option',
      'printing.htmlToPdf',
      ['<p/>', { pageSize: 'A5', landscape: false, javascript: true }],
      'bad-arguments',
    ],
    ['arguments not a list', 'secrets.get', 'gateway.token', 'bad-arguments'],
    // A printer is chosen for the OS print only; the PDF has no printer.
    [
      'printer for a PDF',
      'printing.htmlToPdf',
      ['<p/>', { pageSize: 'A5', landscape: false, printer: 'HP' }],
      'bad-arguments',
    ],
    [
      'empty printer name',
      'printing.printHtml',
      ['<p/>', { pageSize: 'A5', landscape: false, printer: '' }],
      'bad-arguments',
    ],
    [
      'silent printing asked for',
      'printing.printHtml',
      ['<p/>', { pageSize: 'A5', landscape: false, silent: true }],
      'bad-arguments',
    ],
    ['not a key id', 'slip.rotate', ['../../secrets'], 'bad-arguments'],
  ])('refuses %s before any service runs', async (_case, method, args, code) => {
    const services = fakeServices();
    const route = createBridgeRouter(services);
    await expect(route(method, args)).rejects.toMatchObject({ code });
    await expect(route(method, args)).rejects.toBeInstanceOf(BridgeError);
    for (const group of Object.values(services))
      for (const fn of Object.values(group)) expect(fn).not.toHaveBeenCalled();
  });
});
