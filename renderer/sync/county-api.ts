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
  private jobs: Job[] = [];
  private active = 0;
  private order = 0;
  constructor(private readonly concurrency: number) {}

  submit<T>(priority: number, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ priority, order: this.order++, run: () => task().then(resolve, reject) });
      this.jobs.sort((a, b) => a.priority - b.priority || a.order - b.order);
      this.pump();
    });
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

async function readBody(response: Response): Promise<{ text: string; bytes: number }> {
  const text = await response.text();
  // Content-Length is what crossed the wire when compressed; fall back to the text size.
  const length = Number(response.headers.get('content-length'));
  return {
    text,
    bytes: Number.isFinite(length) && length > 0 ? length : new TextEncoder().encode(text).length,
  };
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
  const { text } = await readBody(response);
  if (!response.ok) throw await countyError(response, text);
  return JSON.parse(text) as EnrolResponse;
}

export class CountyApi {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly queue: RequestQueue;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: CountyApiOptions) {
    this.queue = new RequestQueue(options.concurrency ?? 2);
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  private async call(path: string, init: RequestInit & { rank: number; auth?: boolean }): Promise<string> {
    return this.queue.submit(init.rank, async () => {
      const headers = new Headers(init.headers);
      if (init.auth !== false) headers.set('authorization', `Bearer ${await this.currentToken()}`);
      let response: Response;
      try {
        response = await this.fetcher(`${this.options.baseUrl}${path}`, { ...init, headers });
      } catch (error) {
        throw new CountyError(
          'offline',
          `the county gateway could not be reached: ${(error as Error).message}`,
        );
      }
      const { text, bytes } = await readBody(response);
      const sent =
        typeof init.body === 'string'
          ? new TextEncoder().encode(init.body).length
          : init.body instanceof Uint8Array
            ? init.body.length
            : 0;
      this.options.onBytes?.(sent + path.length, bytes);
      if (response.ok) return text;
      const error = await countyError(response, text);
      // An old or expired token is renewed once; anything else is the caller's to handle.
      if (init.auth !== false && (error.code === 'token-expired' || error.code === 'token-superseded'))
        this.token = undefined;
      throw error;
    });
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
      response = await this.fetcher(`${baseUrl}${API_PREFIX}/token`, {
        method: 'POST',
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
    const { text } = await readBody(response);
    if (!response.ok) throw await countyError(response, text);
    const body = JSON.parse(text) as TokenResponse;
    this.token = { value: body.token, expiresAt: Date.parse(body.expiresAt) };
    return body.token;
  }

  async pull(collection: ReplicatedCollection, seq: number, limit: number): Promise<PullResponse> {
    const query = new URLSearchParams({ collection, seq: String(seq), limit: String(limit) });
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

  /** URL of the live stream; EventSource cannot send headers, so the token rides in the query. */
  async streamUrl(): Promise<string> {
    return `${this.options.baseUrl}${API_PREFIX}/stream?token=${encodeURIComponent(await this.currentToken())}`;
  }
}
