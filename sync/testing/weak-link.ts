/**
 * Weak-link proxy: a loopback-only TCP proxy that makes a fast local connection behave like a
 * clinic's uplink to the county gateway (ADSL, rented VPN, 4G): little bandwidth shared by every
 * connection, long one-way delay, periodic mid-stream cuts and whole outages.
 *
 * Model, per direction (up = client → target, down = target → client):
 *
 *   source socket ─► slices (≤ sliceBytes) ─► per-connection queue ─► shared token bucket
 *                    (round-robin between connections) ─► one-way delay (order kept) ─► destination
 *
 * A FIN travels the same path as data (after the last byte, delayed like it). A cut resets both
 * sockets of a connection (RST, so peers see ECONNRESET) and drops whatever was still queued or
 * "in flight". Buffering per connection and direction is bounded: the source socket is paused while
 * queued + in-flight + unflushed bytes exceed `maxBufferedBytes`, so TCP backpressure reaches the
 * sender.
 *
 * It refuses to listen on, or forward to, anything but 127.0.0.0/8 or ::1.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export const DEFAULT_SLICE_BYTES = 512;
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024;

export interface WeakLinkOptions {
  /** Where to forward to. Loopback only: an IPv4 address in 127.0.0.0/8, `::1`, or `localhost`. */
  target: { host: string; port: number };
  /** 0 (default) picks a free port. */
  listenPort?: number;
  /** Loopback only; default `127.0.0.1`. */
  listenHost?: string;
  /** Per direction, shared by all connections in that direction. Unset/0 = unlimited. */
  bandwidthBitsPerSecond?: number;
  /** One-way delay added to every slice (and to the FIN); order is preserved. */
  latencyMs?: number;
  /** Every N ms, reset all live connections. Unset/0 = never. */
  cutEveryMs?: number;
  /** Start with the link down: new connections are reset as soon as they are accepted. */
  down?: boolean;
  /** Largest slice the shaper moves at once (default 512 bytes). */
  sliceBytes?: number;
  /** Per connection and direction, before the source is paused (default 256 KiB). */
  maxBufferedBytes?: number;
}

export type WeakLinkUpdate = Partial<
  Pick<WeakLinkOptions, 'bandwidthBitsPerSecond' | 'latencyMs' | 'cutEveryMs'>
>;

export interface WeakLinkStats {
  /** Bytes delivered to the target (client → target). */
  bytesUp: number;
  /** Bytes delivered to clients (target → client). */
  bytesDown: number;
  /** Connections accepted and proxied (not counting ones refused while down). */
  connections: number;
  /** Connections severed by a cut (cutNow, cutEveryMs or setDown(true)). */
  cuts: number;
  /** Connections reset on arrival because the link was down. */
  refused: number;
  /** Connections currently open. */
  active: number;
  /** Bytes currently held by the proxy (queued, in flight, or unflushed), both directions. */
  bufferedBytes: number;
}

export interface WeakLink {
  port: number;
  /** `http://127.0.0.1:<port><path>` (the listen host, bracketed if IPv6). */
  url(path?: string): string;
  /** The network drops (cuts live connections, refuses new ones) or comes back. */
  setDown(down: boolean): void;
  /** One cut, now: reset every live connection. */
  cutNow(): void;
  /** Change shaping on the fly; a key present with `undefined` turns that impairment off. */
  update(options: WeakLinkUpdate): void;
  stats(): WeakLinkStats;
  /** Stops listening, resets live connections, clears every timer. Idempotent. */
  close(): Promise<void>;
}

export class WeakLinkAddressError extends Error {
  override name = 'WeakLinkAddressError';
}

/**
 * Returns the address to use for a loopback host, or throws WeakLinkAddressError.
 * Only literal addresses (and `localhost`, mapped to 127.0.0.1 without DNS) are accepted.
 */
export function assertLoopback(host: string, role = 'address'): string {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return '127.0.0.1';
  if (net.isIPv4(h) && h.split('.')[0] === '127') return h;
  if (net.isIPv6(h) && isLoopbackV6(h)) return h;
  throw new WeakLinkAddressError(
    `weak-link: ${role} "${host}" is not a loopback address; only 127.0.0.0/8 and ::1 are allowed ` +
      '(traffic off this machine is forbidden)',
  );
}

function isLoopbackV6(h: string): boolean {
  let canonical: string;
  try {
    canonical = new URL(`http://[${h}]/`).hostname; // compressed, lower-case, IPv4 tail as hex
  } catch {
    return false; // e.g. zone ids
  }
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

function checkNonNegative(name: string, value: number | undefined): number {
  const v = value ?? 0;
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) {
    throw new RangeError(`weak-link: ${name} must be a non-negative number, got ${String(value)}`);
  }
  return v;
}

function resetSocket(socket: net.Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

const FIN = Symbol('FIN');
type Item = Buffer | typeof FIN;

interface Shared {
  latencyMs: number;
  readonly sliceBytes: number;
  readonly maxBufferedBytes: number;
  bytesUp: number;
  bytesDown: number;
}

/** A token bucket shared by every connection in one direction, served round-robin per slice. */
class Lane {
  private bytesPerMs: number | null = null; // null = unlimited
  private capacity = 0;
  private tokens = 0;
  private last = performance.now();
  private readonly ready = new Set<Pipe>();
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;

  constructor(
    bitsPerSecond: number | undefined,
    private readonly sliceBytes: number,
  ) {
    this.setRate(bitsPerSecond);
    this.tokens = this.capacity;
  }

  setRate(bitsPerSecond: number | undefined): void {
    const bps = checkNonNegative('bandwidthBitsPerSecond', bitsPerSecond);
    this.refill();
    if (bps === 0 || !Number.isFinite(bps)) {
      this.bytesPerMs = null;
    } else {
      const bytesPerSecond = bps / 8;
      this.bytesPerMs = bytesPerSecond / 1000;
      // A small burst (50 ms of line rate, at least one slice) keeps pacing smooth.
      this.capacity = Math.max(this.sliceBytes, bytesPerSecond * 0.05);
      this.tokens = Math.min(this.tokens, this.capacity);
    }
    this.clearTimer();
    this.pump();
  }

  enqueue(pipe: Pipe): void {
    this.ready.add(pipe);
    if (!this.timer) this.pump();
  }

  remove(pipe: Pipe): void {
    this.ready.delete(pipe);
    if (this.ready.size === 0) this.clearTimer();
  }

  close(): void {
    this.ready.clear();
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private refill(): void {
    const now = performance.now();
    if (this.bytesPerMs !== null) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.bytesPerMs);
    }
    this.last = now;
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    this.timer = null;
    try {
      this.refill();
      for (;;) {
        const next = this.ready.values().next();
        if (next.done) return;
        const pipe = next.value;
        const item = pipe.peek();
        if (item === undefined) {
          this.ready.delete(pipe);
          continue;
        }
        if (item !== FIN && this.bytesPerMs !== null) {
          if (this.tokens < item.length) {
            const waitMs = (item.length - this.tokens) / this.bytesPerMs;
            this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(waitMs)));
            return;
          }
          this.tokens -= item.length;
        }
        // Round-robin: the pipe goes to the back of the line after each slice.
        this.ready.delete(pipe);
        pipe.transmitHead();
        if (pipe.peek() !== undefined) this.ready.add(pipe);
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** One direction of one connection. */
class Pipe {
  private queue: Item[] = [];
  private queuedBytes = 0;
  private inflight: { due: number; item: Item }[] = [];
  private inflightBytes = 0;
  private lastDue = 0;
  private timer: NodeJS.Timeout | null = null;
  private pausedByUs = false;
  private dead = false;

  constructor(
    private readonly src: net.Socket,
    private readonly dst: net.Socket,
    private readonly lane: Lane,
    private readonly shared: Shared,
    private readonly direction: 'up' | 'down',
  ) {
    src.on('data', (chunk: Buffer) => this.push(chunk));
    src.on('end', () => this.pushFin());
    dst.on('drain', () => this.checkPressure());
  }

  buffered(): number {
    if (this.dead) return 0;
    return this.queuedBytes + this.inflightBytes + (this.dst.destroyed ? 0 : this.dst.writableLength);
  }

  peek(): Item | undefined {
    return this.queue[0];
  }

  private push(chunk: Buffer): void {
    if (this.dead || chunk.length === 0) return;
    const { sliceBytes } = this.shared;
    for (let offset = 0; offset < chunk.length; offset += sliceBytes) {
      this.queue.push(chunk.subarray(offset, offset + sliceBytes));
    }
    this.queuedBytes += chunk.length;
    this.lane.enqueue(this);
    this.checkPressure();
  }

  private pushFin(): void {
    if (this.dead) return;
    this.queue.push(FIN);
    this.lane.enqueue(this);
  }

  /** Called by the lane once the head item has "left" through the bottleneck. */
  transmitHead(): void {
    const item = this.queue.shift();
    if (item === undefined || this.dead) return;
    if (item !== FIN) this.queuedBytes -= item.length;
    const now = performance.now();
    const due = Math.max(now + this.shared.latencyMs, this.lastDue);
    this.lastDue = due;
    if (this.inflight.length === 0 && due <= now) {
      this.deliver(item);
      this.checkPressure();
      return;
    }
    this.inflight.push({ due, item });
    if (item !== FIN) this.inflightBytes += item.length;
    if (!this.timer) this.scheduleDelivery(now);
  }

  private scheduleDelivery(now: number): void {
    const head = this.inflight[0];
    if (!head || this.dead) return;
    this.timer = setTimeout(() => this.deliverDue(), Math.max(1, Math.ceil(head.due - now)));
  }

  private deliverDue(): void {
    this.timer = null;
    if (this.dead) return;
    const now = performance.now();
    const corked = !this.dst.destroyed;
    if (corked) this.dst.cork();
    for (;;) {
      const head = this.inflight[0];
      if (!head || head.due > now) break;
      this.inflight.shift();
      if (head.item !== FIN) this.inflightBytes -= head.item.length;
      this.deliver(head.item);
    }
    if (corked && !this.dst.destroyed) this.dst.uncork();
    this.scheduleDelivery(now);
    this.checkPressure();
  }

  private deliver(item: Item): void {
    const { dst } = this;
    if (dst.destroyed || dst.writableEnded) return;
    if (item === FIN) {
      dst.end();
      return;
    }
    dst.write(item);
    if (this.direction === 'up') this.shared.bytesUp += item.length;
    else this.shared.bytesDown += item.length;
  }

  private checkPressure(): void {
    if (this.dead || this.src.destroyed) return;
    const buffered = this.buffered();
    const limit = this.shared.maxBufferedBytes;
    if (!this.pausedByUs && buffered > limit) {
      this.pausedByUs = true;
      this.src.pause();
    } else if (this.pausedByUs && buffered <= limit / 2) {
      this.pausedByUs = false;
      this.src.resume();
    }
  }

  dispose(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.inflight = [];
    this.queuedBytes = 0;
    this.inflightBytes = 0;
    this.lane.remove(this);
  }
}

class Connection {
  private readonly up: Pipe;
  private readonly down: Pipe;
  private closedSockets = 0;
  private done = false;

  constructor(
    private readonly client: net.Socket,
    private readonly upstream: net.Socket,
    laneUp: Lane,
    laneDown: Lane,
    shared: Shared,
    private readonly onDone: (connection: Connection) => void,
  ) {
    this.up = new Pipe(client, upstream, laneUp, shared, 'up');
    this.down = new Pipe(upstream, client, laneDown, shared, 'down');
    for (const socket of [client, upstream]) {
      // An error on either side (peer reset, target refused) resets the other side too.
      socket.on('error', () => this.reset());
      socket.on('close', () => {
        this.closedSockets += 1;
        if (this.closedSockets === 2) this.finish();
      });
    }
  }

  buffered(): number {
    return this.up.buffered() + this.down.buffered();
  }

  /** Abrupt end: RST both ways, drop everything queued. */
  reset(): void {
    if (this.done) return;
    this.finish();
    resetSocket(this.client);
    resetSocket(this.upstream);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.up.dispose();
    this.down.dispose();
    this.onDone(this);
  }
}

export async function startWeakLink(options: WeakLinkOptions): Promise<WeakLink> {
  const targetHost = assertLoopback(options.target.host, 'target host');
  const listenHost = assertLoopback(options.listenHost ?? '127.0.0.1', 'listen host');
  const targetPort = options.target.port;
  if (!Number.isInteger(targetPort) || targetPort <= 0 || targetPort > 65535) {
    throw new RangeError(`weak-link: target port must be 1..65535, got ${String(targetPort)}`);
  }
  const sliceBytes = Math.floor(options.sliceBytes ?? DEFAULT_SLICE_BYTES);
  if (!(sliceBytes >= 1)) throw new RangeError('weak-link: sliceBytes must be ≥ 1');
  const shared: Shared = {
    latencyMs: checkNonNegative('latencyMs', options.latencyMs),
    sliceBytes,
    maxBufferedBytes: Math.max(sliceBytes, options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES),
    bytesUp: 0,
    bytesDown: 0,
  };
  const laneUp = new Lane(options.bandwidthBitsPerSecond, sliceBytes);
  const laneDown = new Lane(options.bandwidthBitsPerSecond, sliceBytes);
  const live = new Set<Connection>();
  let down = options.down ?? false;
  let connections = 0;
  let cuts = 0;
  let refused = 0;
  let cutTimer: NodeJS.Timeout | null = null;
  let closing: Promise<void> | null = null;

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    client.on('error', () => {});
    if (down || closing) {
      refused += 1;
      resetSocket(client);
      return;
    }
    connections += 1;
    const upstream = net.connect({ host: targetHost, port: targetPort, allowHalfOpen: true });
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    const connection = new Connection(client, upstream, laneUp, laneDown, shared, (c) => live.delete(c));
    live.add(connection);
    client.resume();
  });

  const cutNow = (): void => {
    for (const connection of [...live]) {
      cuts += 1;
      connection.reset();
    }
  };

  const setCutEvery = (ms: number | undefined): void => {
    const every = checkNonNegative('cutEveryMs', ms);
    if (cutTimer) clearInterval(cutTimer);
    cutTimer = null;
    if (every > 0 && Number.isFinite(every) && !closing) cutTimer = setInterval(cutNow, every);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: listenHost, port: options.listenPort ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => {}); // after listening, errors are per-connection and handled there
  setCutEvery(options.cutEveryMs);

  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('weak-link: no TCP address');
  const port = address.port;
  const urlHost = listenHost.includes(':') ? `[${listenHost}]` : listenHost;

  return {
    port,
    url: (path = '') => `http://${urlHost}:${port}${path && !path.startsWith('/') ? `/${path}` : path}`,
    setDown(value: boolean) {
      down = value;
      if (down) cutNow();
    },
    cutNow,
    update(update: WeakLinkUpdate) {
      if ('latencyMs' in update) shared.latencyMs = checkNonNegative('latencyMs', update.latencyMs);
      if ('bandwidthBitsPerSecond' in update) {
        laneUp.setRate(update.bandwidthBitsPerSecond);
        laneDown.setRate(update.bandwidthBitsPerSecond);
      }
      if ('cutEveryMs' in update) setCutEvery(update.cutEveryMs);
    },
    stats() {
      let bufferedBytes = 0;
      for (const connection of live) bufferedBytes += connection.buffered();
      return {
        bytesUp: shared.bytesUp,
        bytesDown: shared.bytesDown,
        connections,
        cuts,
        refused,
        active: live.size,
        bufferedBytes,
      };
    },
    close() {
      if (!closing) {
        closing = new Promise<void>((resolve) => {
          if (cutTimer) clearInterval(cutTimer);
          cutTimer = null;
          server.close(() => resolve());
          for (const connection of [...live]) connection.reset();
          laneUp.close();
          laneDown.close();
        });
      }
      return closing;
    },
  };
}
