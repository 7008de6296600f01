import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ClinicBridge } from '../bridge/contract';
import { startHeadlessServer } from './server';

const services = {
  app: {
    info: async () => ({
      name: 'Xiangyi',
      version: '9',
      shell: 'headless',
      platform: 'linux',
      arch: 'x64',
      dataDir: '/d',
      countyGatewayUrl: 'http://g',
    }),
  },
  devices: { list: async () => [] },
} as unknown as ClinicBridge;

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  const server = await startHeadlessServer({ rendererDir: dir, port: 0, services });
  servers.push(server);
  return server;
}

function connect(url: string, origin: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/bridge`, { origin });
  const messages: unknown[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data))));
  const next = () =>
    new Promise<unknown>((resolve) => {
      const poll = () => (messages.length ? resolve(messages.shift()) : setTimeout(poll, 5));
      poll();
    });
  return { ws, next, opened: new Promise((resolve) => ws.once('open', resolve)) };
}

describe('the headless host', () => {
  it('serves the app on loopback and answers bridge calls over a WebSocket', async () => {
    const server = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/patients/123`)).text()).toContain('<title>app</title>');
    const client = connect(server.url, server.url);
    await client.opened;
    client.ws.send(JSON.stringify({ id: 1, method: 'app.info', args: [] }));
    expect(await client.next()).toMatchObject({ id: 1, ok: true, result: { version: '9' } });
    client.ws.send(JSON.stringify({ id: 2, method: 'secrets.get', args: ['../x'] }));
    expect(await client.next()).toMatchObject({ id: 2, ok: false, error: { code: 'bad-arguments' } });
    client.ws.send('{not json');
    expect(await client.next()).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    client.ws.close();
  });

  it('closes a bridge connection opened by a page of another origin', async () => {
    const server = await start();
    const client = connect(server.url, 'http://evil.example');
    const code = await new Promise((resolve) => client.ws.once('close', resolve));
    expect(code).toBe(4403);
  });
});
