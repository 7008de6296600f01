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
    },
    slip: { sign: vi.fn(async () => ({ keyId: 'k', signature: 's' })) } as unknown as ClinicBridge['slip'],
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
  ])('refuses %s before any service runs', async (_case, method, args, code) => {
    const services = fakeServices();
    const route = createBridgeRouter(services);
    await expect(route(method, args)).rejects.toMatchObject({ code });
    await expect(route(method, args)).rejects.toBeInstanceOf(BridgeError);
    for (const group of Object.values(services))
      for (const fn of Object.values(group)) expect(fn).not.toHaveBeenCalled();
  });
});
