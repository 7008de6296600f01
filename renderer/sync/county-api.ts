/**
 * The clinic's side of the county protocol (sync/protocol/replication.ts) over
 * fetch. Requests go through one queue ordered by priority, so on a thin link
 * referral commands go before patients, and patients before reference data.
 * Tokens are fetched and renewed here; the device secret never leaves it.
 */
import {
  API_PREFIX,
  type EnrolResponse,
  PRIORITY,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type ReplicatedCollection,
  type SyncErrorBody,
  type TokenResponse,
} from '../../sync/protocol/replication';

/** Gzip with the platform's CompressionStream (browsers and Node 18+); null where there is none. */
export async function gzip(text: string): Promise<Uint8Array<ArrayBuffer> | null> {
  if (typeof CompressionStream === 'undefined') return null;
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class CountyError extends Error {
  constructor(
    /** A protocol error code, or `offline` when the county could not be reached at all. */
    readonly code: SyncErrorBody['error'] | 'offline' | 'server-error',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CountyError';
  }
}

export interface DeviceCredential {
  deviceId: string;
  deviceSecret: string;
}

export interface CountyApiOptions {
  baseUrl: string;
  credential: DeviceCredential;
  userId: string;
  fetch?: typeof fetch;
  /** How many requests may be on the link at once; 1 keeps priorities strict on a thin link. */
  concurrency?: number;
  onBytes?(up: number, down: number): void;
}

type Job = { priority: number; order: number; run(): Promise<void> };

/** A tiny priority queue: lower class first, then first come first served. */
class RequestQueue {
  private jobs: Array<Job & { reject(error: unknown): void }> = [];
  private active = 0;
  private order = 0;
  private closed: Error | undefined;
  constructor(private readonly concurrency: number) {}

  submit<T>(priority: number, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) return reject(this.closed);
      this.jobs.push({ priority, order: this.order++, run: () => task().then(resolve, reject), reject });
      this.jobs.sort((a, b) => a.priority - b.priority || a.order - b.order);
      this.pump();
    });
  }

  /** Refuses what waits and whatever comes later. */
  close(reason: Error): void {
    this.closed = reason;
    for (const job of this.jobs.splice(0)) job.reject(reason);
  }

  private pump(): void {
    while (this.active < this.concurrency && this.jobs.length > 0) {
      const job = this.jobs.shift() as Job;
      this.active++;
      void job.run().finally(() => {
        this.active--;
        this.pump();
      });
    }
  }
}

async function readBody(response: Response): Promise<{ data: Uint8Array<ArrayBuffer>; bytes: number }> {
  const data = new Uint8Array(await response.arrayBuffer());
  // Content-Length is what crossed the wire when compressed; fall back to the body's size.
  const length = Number(response.headers.get('content-length'));
  return { data, bytes: Number.isFinite(length) && length > 0 ? length : data.length };
}

async function countyError(response: Response, text: string): Promise<CountyError> {
  try {
    const body = JSON.parse(text) as SyncErrorBody;
    if (body.error) return new CountyError(body.error, body.message, response.status);
  } catch {
    // Not a protocol answer (a proxy page, a crash): reported by status below.
  }
  return new CountyError('server-error', `the county gateway answered ${response.status}`, response.status);
}

export async function enrolWithCode(
  baseUrl: string,
  code: string,
  deviceName: string,
  fetcher: typeof fetch = fetch,
): Promise<EnrolResponse> {
  let response: Response;
  try {
    response = await fetcher(`${baseUrl}${API_PREFIX}/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: code.trim(), deviceName }),
    });
  } catch (error) {
    throw new CountyError(
      'offline',
      `the county gateway at ${baseUrl} could not be reached: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  if (!response.ok) throw await countyError(response, text);
  return JSON.parse(text) as EnrolResponse;
}

/** Answers that say only the token was stale: the request is renewed, not failed. */
const STALE_TOKEN = new Set<string>(['token-expired', 'token-superseded']);

export class CountyApi {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly queue: RequestQueue;
  private readonly fetcher: typeof fetch;
  private readonly closing = new AbortController();

  constructor(private readonly options: CountyApiOptions) {
    this.queue = new RequestQueue(options.concurrency ?? 2);
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  private async call(
    path: string,
    init: RequestInit & { rank: number; auth?: boolean; onReceived?(bytes: number): void },
  ): Promise<string> {
    return new TextDecoder().decode(await this.callForBytes(path, init));
  }

  private async callForBytes(
    path: string,
    init: RequestInit & { rank: number; auth?: boolean; onReceived?(bytes: number): void },
  ): Promise<Uint8Array<ArrayBuffer>> {
    return this.queue.submit(init.rank, async () => {
      try {
        return await this.send(path, init);
      } catch (error) {
        // A token another client of this device superseded, or one that expired on the way, is
        // renewed and the request sent once more: the gateway refused it before doing anything, and
        // counting it as a failure would make the sync back off for nothing.
        if (init.auth === false || !(error instanceof CountyError) || !STALE_TOKEN.has(error.code))
          throw error;
        return this.send(path, init);
      }
    });
  }

  private async send(
    path: string,
    init: RequestInit & { rank: number; auth?: boolean; onReceived?(bytes: number): void },
  ): Promise<Uint8Array<ArrayBuffer>> {
    const headers = new Headers(init.headers);
    if (init.auth !== false) headers.set('authorization', `Bearer ${await this.currentToken()}`);
    let response: Response;
    try {
      response = await this.fetcher(`${this.options.baseUrl}${path}`, {
        ...init,
        headers,
        signal: this.closing.signal,
      });
    } catch (error) {
      throw new CountyError(
        'offline',
        `the county gateway could not be reached: ${(error as Error).message}`,
      );
    }
    const { data, bytes } = await readBody(response);
    const sent =
      typeof init.body === 'string'
        ? new TextEncoder().encode(init.body).length
        : init.body instanceof Uint8Array
          ? init.body.length
          : 0;
    this.options.onBytes?.(sent + path.length, bytes);
    init.onReceived?.(bytes);
    if (response.ok) return data;
    const error = await countyError(response, new TextDecoder().decode(data));
    // The next request asks for a fresh token.
    if (init.auth !== false && (error.code === 'token-expired' || error.code === 'token-superseded'))
      this.token = undefined;
    throw error;
  }

  private tokenRequest: Promise<string> | undefined;

  /**
   * One token request at a time: each new token supersedes the device's older
   * ones at the gateway, so two parallel requests would invalidate each other.
   */
  private currentToken(): Promise<string> {
    if (this.token && this.token.expiresAt - Date.now() > 30_000) return Promise.resolve(this.token.value);
    this.tokenRequest ??= this.requestToken().finally(() => {
      this.tokenRequest = undefined;
    });
    return this.tokenRequest;
  }

  private async requestToken(): Promise<string> {
    const { credential, userId, baseUrl } = this.options;
    let response: Response;
    try {
      if (this.closing.signal.aborted) throw new Error('the link was closed');
      response = await this.fetcher(`${baseUrl}${API_PREFIX}/token`, {
        method: 'POST',
        signal: this.closing.signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          deviceId: credential.deviceId,
          deviceSecret: credential.deviceSecret,
          userId,
        }),
      });
    } catch (error) {
      throw new CountyError(
        'offline',
        `the county gateway could not be reached: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    if (!response.ok) throw await countyError(response, text);
    const body = JSON.parse(text) as TokenResponse;
    this.token = { value: body.token, expiresAt: Date.parse(body.expiresAt) };
    return body.token;
  }

  /**
   * An authenticated JSON request beside replication (the slot API, the
   * overnight slot pull), through the same queue and token. `bytes` is the
   * answer's size on the wire, for callers that keep to a bandwidth cap.
   */
  async request<T>(
    path: string,
    init: { method: 'GET' | 'POST'; body?: unknown; rank: 0 | 1 | 2 },
  ): Promise<{ body: T; bytes: number }> {
    let bytes = 0;
    const text = await this.call(path, {
      method: init.method,
      rank: init.rank,
      ...(init.body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
      onReceived: (received) => {
        bytes = received;
      },
    });
    return { body: JSON.parse(text) as T, bytes };
  }

  /**
   * Raw bytes up or down (attachment files), through the same queue and token.
   * `rank` may be below every collection's (a number past PRIORITY's).
   */
  transfer(
    path: string,
    init: { method: 'GET' | 'PUT'; body?: Uint8Array<ArrayBuffer>; contentType?: string; rank: number },
  ): Promise<Uint8Array<ArrayBuffer>> {
    return this.callForBytes(path, {
      method: init.method,
      rank: init.rank,
      ...(init.body
        ? { body: init.body, headers: { 'content-type': init.contentType ?? 'application/octet-stream' } }
        : {}),
    });
  }

  /** `count`: have the gateway count what remains after a full batch (once per sync is enough). */
  async pull(
    collection: ReplicatedCollection,
    seq: number,
    limit: number,
    count = true,
  ): Promise<PullResponse> {
    const query = new URLSearchParams({ collection, seq: String(seq), limit: String(limit) });
    if (!count) query.set('count', '0');
    const text = await this.call(`${API_PREFIX}/pull?${query}`, {
      method: 'GET',
      rank: PRIORITY[collection],
    });
    return JSON.parse(text) as PullResponse;
  }

  /**
   * Pushes go up gzipped: on a clinic's thin uplink the upload is the slow half
   * (a batch of 100 readings is about 65 kB as JSON and 12 kB gzipped).
   */
  async push(request: PushRequest): Promise<PushResponse> {
    const json = JSON.stringify(request);
    const gzipped = await gzip(json);
    const text = await this.call(`${API_PREFIX}/push`, {
      method: 'POST',
      headers: gzipped
        ? { 'content-type': 'application/json', 'content-encoding': 'gzip' }
        : { 'content-type': 'application/json' },
      body: gzipped ?? json,
      rank: PRIORITY[request.collection],
    });
    return JSON.parse(text) as PushResponse;
  }

  /**
   * Ends this link: queued requests are refused and those on the wire aborted.
   * A stopped sync must not go on asking: each token it fetched would supersede
   * the token of the sync that replaced it, and the two would take turns
   * refusing each other's requests.
   */
  close(): void {
    this.queue.close(new CountyError('offline', 'the link to the county was closed'));
    this.closing.abort();
  }

  /** URL of the live stream; EventSource cannot send headers, so the token rides in the query. */
  async streamUrl(): Promise<string> {
    return `${this.options.baseUrl}${API_PREFIX}/stream?token=${encodeURIComponent(await this.currentToken())}`;
  }
}
