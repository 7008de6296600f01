import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertLoopback, startWeakLink, type WeakLink, type WeakLinkOptions } from './weak-link';
import { parseCliArgs, parseDuration } from './weak-link-cli';

const KIB = 1024;
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Everything a test opens is closed afterwards, even when it fails.
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tcpServer(onConnection: (socket: net.Socket) => void, allowHalfOpen = true) {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen }, (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as net.AddressInfo).port;
  return { port, accepted: () => accepted };
}

async function httpServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as net.AddressInfo).port;
}

async function link(options: Omit<WeakLinkOptions, 'target'> & { targetPort: number }): Promise<WeakLink> {
  const { targetPort, ...rest } = options;
  const weak = await startWeakLink({ target: { host: '127.0.0.1', port: targetPort }, ...rest });
  cleanups.push(() => weak.close());
  return weak;
}

interface Received {
  data: Buffer;
  error: NodeJS.ErrnoException | undefined;
  /** ms from the call to the socket's close */
  elapsedMs: number;
}

/** Connects, sends `payload` (then FIN), collects everything until the socket closes. */
function exchange(port: number, payload: Uint8Array = new Uint8Array()): Promise<Received> {
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: NodeJS.ErrnoException | undefined;
    const socket = net.connect({ host: '127.0.0.1', port });
    cleanups.push(() => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e) => {
      error = e;
    });
    socket.on('close', () =>
      resolve({ data: Buffer.concat(chunks), error, elapsedMs: performance.now() - started }),
    );
    socket.end(payload);
  });
}

/** Resolves once `socket` has received at least `bytes` bytes. */
async function firstBytes(socket: net.Socket, bytes: number): Promise<Buffer> {
  let got = Buffer.alloc(0);
  while (got.length < bytes) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    got = Buffer.concat([got, chunk]);
  }
  return got;
}

/** Resolves on 'close' (unlike events.once, an 'error' first does not reject). */
const closed = (socket: net.Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

/** Deterministic pseudo-random bytes (xorshift32), so fast-check can shrink and replay. */
function bytes(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const payload = fc.oneof(
  fc.uint8Array({ maxLength: 2 * KIB }),
  fc.tuple(fc.nat({ max: 200 * KIB }), fc.integer()).map(([length, seed]) => bytes(length, seed)),
);

function connect(port: number): net.Socket {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  cleanups.push(() => socket.destroy());
  return socket;
}

describe('weak link: bytes', () => {
  it('passes random payloads through unchanged in both directions, whatever the shaping', async () => {
    let reply: Uint8Array = new Uint8Array();
    const seenByServer: string[] = [];
    const { port } = await tcpServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('end', () => seenByServer.push(sha(Buffer.concat(chunks))));
      socket.end(reply); // the reply races the upload: both directions are busy at once
    });
    await fc.assert(
      fc.asyncProperty(
        payload,
        payload,
        fc.record({
          latencyMs: fc.integer({ min: 0, max: 15 }),
          bandwidthBitsPerSecond: fc.constantFrom(0, 8_000_000, 32_000_000),
          sliceBytes: fc.constantFrom(1 * KIB, 512, 97),
        }),
        async (upload, download, shaping) => {
          reply = download;
          const weak = await link({ targetPort: port, ...shaping });
          const before = seenByServer.length;
          const got = await exchange(weak.port, upload);
          expect(got.error).toBeUndefined();
          expect(sha(got.data)).toBe(sha(download));
          await expect.poll(() => seenByServer.length).toBe(before + 1);
          expect(seenByServer[before]).toBe(sha(upload));
          expect(weak.stats()).toMatchObject({
            bytesUp: upload.length,
            bytesDown: download.length,
            connections: 1,
            cuts: 0,
          });
          await weak.close();
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps order when the latency drops mid-stream', async () => {
    const payload = randomBytes(96 * KIB);
    const { port } = await tcpServer((socket) => socket.end(payload));
    const weak = await link({ targetPort: port, latencyMs: 200, bandwidthBitsPerSecond: 4_000_000 });
    const pending = exchange(weak.port);
    await sleep(250);
    weak.update({ latencyMs: 0, bandwidthBitsPerSecond: undefined });
    const got = await pending;
    expect(sha(got.data)).toBe(sha(payload));
  });

  it('bounds its own buffering: a reader that stops reading pushes back on the sender', async () => {
    const block = randomBytes(64 * KIB);
    let written = 0;
    let blocked = false;
    const { port } = await tcpServer((socket) => {
      const pump = () => {
        while (written < 256 * 1024 * KIB) {
          written += block.length;
          if (!socket.write(block)) {
            blocked = true;
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const weak = await link({ targetPort: port, latencyMs: 5, maxBufferedBytes: 128 * KIB });
    const client = connect(weak.port);
    await firstBytes(client, 1);
    client.pause(); // a clinic PC that stopped reading
    await sleep(400);
    const settled = written;
    await sleep(200);
    expect(blocked).toBe(true);
    expect(written).toBe(settled); // the server is held back, not streaming into proxy memory
    expect(written).toBeLessThan(256 * 1024 * KIB);
    // the paused direction holds at most its limit plus one socket read
    expect(weak.stats().bufferedBytes).toBeLessThan(2 * (128 * KIB + 64 * KIB));
    expect(weak.stats().bufferedBytes).toBeGreaterThan(0);
  });
});

describe('weak link: bandwidth', () => {
  it('takes about 2 s to move 16 KiB at 64 kbit/s', async () => {
    const payload = randomBytes(16 * KIB);
    const { port } = await tcpServer((socket) => socket.end(payload));
    const weak = await link({ targetPort: port, bandwidthBitsPerSecond: 64_000 });
    const got = await exchange(weak.port);
    expect(got.data.length).toBe(payload.length);
    expect(got.elapsedMs).toBeGreaterThanOrEqual(1600);
    expect(weak.stats().bytesDown).toBe(16 * KIB);
  });

  it('shares one budget between concurrent connections', async () => {
    const payload = randomBytes(8 * KIB); // alone: ~1 s each; together: ~2 s for both
    const { port } = await tcpServer((socket) => socket.end(payload));
    const weak = await link({ targetPort: port, bandwidthBitsPerSecond: 64_000 });
    const [a, b] = await Promise.all([exchange(weak.port), exchange(weak.port)]);
    expect(a.data.equals(payload) && b.data.equals(payload)).toBe(true);
    // Round-robin per slice: neither finishes early, both take about the 16 KiB time.
    expect(Math.min(a.elapsedMs, b.elapsedMs)).toBeGreaterThanOrEqual(1500);
    expect(weak.stats().connections).toBe(2);
  });
});

describe('weak link: latency', () => {
  it('adds the delay each way: an HTTP round trip over a 300 ms link takes ≥ 600 ms', async () => {
    const port = await httpServer((_req, res) => res.end('pong'));
    const weak = await link({ targetPort: port, latencyMs: 300 });
    const started = performance.now();
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(weak.url('/ping'), { agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('pong');
    expect(performance.now() - started).toBeGreaterThanOrEqual(600);
  });
});

describe('weak link: cuts', () => {
  it('cuts a long download mid-stream every cutEveryMs', async () => {
    const payload = randomBytes(64 * KIB); // ~8 s at 64 kbit/s
    const { port } = await tcpServer((socket) => socket.end(payload));
    const weak = await link({ targetPort: port, bandwidthBitsPerSecond: 64_000, cutEveryMs: 500 });
    const got = await exchange(weak.port);
    expect(got.data.length).toBeGreaterThan(0);
    expect(got.data.length).toBeLessThan(payload.length);
    expect(got.data.equals(payload.subarray(0, got.data.length))).toBe(true); // a clean prefix
    expect(got.error?.code).toBe('ECONNRESET');
    expect(got.elapsedMs).toBeLessThan(4000); // the whole download would take ~8 s
    expect(weak.stats().cuts).toBe(1);
    expect(weak.stats().active).toBe(0);
  });

  it('makes an HTTP request fail with ECONNRESET when the cut lands mid-response', async () => {
    const body = randomBytes(64 * KIB);
    const port = await httpServer((_req, res) => {
      res.setHeader('content-type', 'application/octet-stream');
      res.end(body);
    });
    const weak = await link({ targetPort: port, bandwidthBitsPerSecond: 64_000, cutEveryMs: 500 });
    const outcome = await new Promise<{ status?: number; received: number; error: NodeJS.ErrnoException }>(
      (resolve) => {
        let status: number | undefined;
        let received = 0;
        const req = http.get(weak.url('/records'), { agent: false }, (res) => {
          status = res.statusCode;
          res.on('data', (chunk: Buffer) => {
            received += chunk.length;
          });
          res.on('error', (error) => resolve({ status, received, error }));
          res.on('end', () => resolve({ status, received, error: new Error('completed') }));
        });
        req.on('error', (error) => resolve({ status, received, error }));
      },
    );
    expect(outcome.status).toBe(200); // headers made it; the body did not
    expect(outcome.received).toBeLessThan(body.length);
    expect(outcome.error.code === 'ECONNRESET' || /socket hang up|aborted/.test(outcome.error.message)).toBe(
      true,
    );
    expect(weak.stats().cuts).toBeGreaterThanOrEqual(1);
  });

  it('cutNow before the response: the request fails with socket hang up', async () => {
    const port = await httpServer((_req, res) => {
      const timer = setTimeout(() => res.end('late'), 2000);
      res.on('close', () => clearTimeout(timer));
    });
    const weak = await link({ targetPort: port, latencyMs: 20 });
    const failure = new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      http
        .get(weak.url('/slow'), { agent: false }, () => reject(new Error('got a response')))
        .on('error', resolve);
    });
    await expect.poll(() => weak.stats().bytesUp).toBeGreaterThan(0);
    weak.cutNow();
    const error = await failure;
    expect(error.code).toBe('ECONNRESET');
    expect(weak.stats().cuts).toBe(1);
  });
});

describe('weak link: outages', () => {
  const greeter = () =>
    tcpServer((socket) => {
      socket.write('hello');
      socket.pipe(socket);
    }, false);

  it('setDown(true) cuts live connections and refuses new ones; setDown(false) restores', async () => {
    const server = await greeter();
    const weak = await link({ targetPort: server.port });

    const live = connect(weak.port);
    expect((await firstBytes(live, 5)).toString()).toBe('hello');
    const liveClosed = closed(live);
    weak.setDown(true);
    await liveClosed;
    expect(weak.stats()).toMatchObject({ cuts: 1, active: 0 });

    const refused = await exchange(weak.port, Buffer.from('anyone there?'));
    expect(refused.data.length).toBe(0);
    expect(server.accepted()).toBe(1); // the proxy never dialled the target while down
    expect(weak.stats().refused).toBe(1);

    weak.setDown(false);
    const back = await exchange(weak.port, Buffer.from(' again'));
    expect(back.data.toString()).toBe('hello again');
    expect(server.accepted()).toBe(2);
  });

  it('can start down', async () => {
    const server = await greeter();
    const weak = await link({ targetPort: server.port, down: true });
    expect((await exchange(weak.port)).data.length).toBe(0);
    weak.setDown(false);
    expect((await exchange(weak.port)).data.toString()).toBe('hello');
    expect(weak.stats()).toMatchObject({ connections: 1, refused: 1, cuts: 0 });
  });

  it('reset the client when the target is not listening', async () => {
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve)); // nothing listens there now
    const weak = await link({ targetPort: port });
    const got = await exchange(weak.port, Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(got.data.length).toBe(0);
    expect(got.error?.code).toBe('ECONNRESET');
  });
});

describe('weak link: safety and lifecycle', () => {
  it.each([
    '10.0.0.1',
    '192.168.1.20',
    '0.0.0.0',
    '128.0.0.1',
    '::',
    '::2',
    '::ffff:10.0.0.1',
    'gateway.county.example',
    '',
  ])('refuses to forward to %j', async (host) => {
    await expect(startWeakLink({ target: { host, port: 8787 } })).rejects.toThrow(/not a loopback address/);
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(
      startWeakLink({ target: { host: '127.0.0.1', port: 8787 }, listenHost: '0.0.0.0' }),
    ).rejects.toThrow(/listen host "0.0.0.0" is not a loopback address/);
  });

  it('accepts 127.0.0.0/8, ::1 and localhost', () => {
    expect(assertLoopback('127.0.0.1')).toBe('127.0.0.1');
    expect(assertLoopback('127.10.20.30')).toBe('127.10.20.30');
    expect(assertLoopback('::1')).toBe('::1');
    expect(assertLoopback('[0:0:0:0:0:0:0:1]')).toBe('0:0:0:0:0:0:0:1');
    expect(assertLoopback('::ffff:127.0.0.1')).toBe('::ffff:127.0.0.1');
    expect(assertLoopback('LOCALHOST')).toBe('127.0.0.1');
  });

  it('update() changes shaping and close() clears every timer and connection', async () => {
    // Track every timer created from here on: pending until it fires (one-shot) or is cleared.
    const pending = new Set<unknown>();
    const real = { setTimeout, setInterval, clearTimeout, clearInterval };
    type Callback = (...args: unknown[]) => void;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      fn: Callback,
      ms?: number,
      ...args: unknown[]
    ) => {
      const timer = real.setTimeout(() => {
        pending.delete(timer);
        fn(...args);
      }, ms);
      pending.add(timer);
      return timer;
    }) as unknown as typeof setTimeout);
    vi.spyOn(globalThis, 'setInterval').mockImplementation(((
      fn: Callback,
      ms?: number,
      ...args: unknown[]
    ) => {
      const timer = real.setInterval(fn, ms, ...args);
      pending.add(timer);
      return timer;
    }) as unknown as typeof setInterval);
    for (const name of ['clearTimeout', 'clearInterval'] as const) {
      vi.spyOn(globalThis, name).mockImplementation((timer?: NodeJS.Timeout | string | number) => {
        pending.delete(timer);
        real[name](timer);
      });
    }
    cleanups.push(() => vi.restoreAllMocks());

    const { port } = await tcpServer((socket) => socket.end(randomBytes(64 * KIB)));
    const weak = await link({
      targetPort: port,
      bandwidthBitsPerSecond: 64_000,
      latencyMs: 50,
      cutEveryMs: 10_000,
    });
    weak.update({ cutEveryMs: 60_000, latencyMs: 80, bandwidthBitsPerSecond: 256_000 });
    const client = connect(weak.port);
    await firstBytes(client, 1);
    await new Promise((resolve) => real.setTimeout(resolve, 30));
    expect(pending.size).toBeGreaterThanOrEqual(2); // the cut interval plus pacing/latency timers
    const clientClosed = closed(client);
    await weak.close();
    await clientClosed;
    await weak.close(); // idempotent
    expect(pending.size).toBe(0);
    expect(weak.stats()).toMatchObject({ cuts: 0, active: 0 }); // closing is not a cut
  });

  it('url() points at the proxy', async () => {
    const weak = await link({ targetPort: 9 });
    expect(weak.url()).toBe(`http://127.0.0.1:${weak.port}`);
    expect(weak.url('/sync/pull?since=3')).toBe(`http://127.0.0.1:${weak.port}/sync/pull?since=3`);
  });
});

describe('weak link CLI', () => {
  it('parses the manual-use flags', () => {
    expect(
      parseCliArgs(['--target', '127.0.0.1:8787', '--kbps', '64', '--latency', '300', '--cut-every', '20s']),
    ).toEqual({
      target: { host: '127.0.0.1', port: 8787 },
      bandwidthBitsPerSecond: 64_000,
      latencyMs: 300,
      cutEveryMs: 20_000,
    });
    expect(parseCliArgs(['--target=[::1]:80', '--port', '9000', '--down'])).toEqual({
      target: { host: '::1', port: 80 },
      listenPort: 9000,
      down: true,
    });
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(() => parseCliArgs(['--kbps', '64'])).toThrow(/--target/);
    expect(() => parseDuration('soon')).toThrow(/bad duration/);
  });

  it('prints the proxy URL and forwards', async () => {
    const { port } = await tcpServer((socket) => socket.end('from the county'));
    const cli = fileURLToPath(new URL('./weak-link-cli.ts', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, '--target', `127.0.0.1:${port}`, '--kbps', '64'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    cleanups.push(() => child.kill('SIGKILL'));
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const url = new URL(line.toString().trim());
    expect(url.hostname).toBe('127.0.0.1');
    const got = await exchange(Number(url.port));
    expect(got.data.toString()).toBe('from the county');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  }, 15_000);
});
