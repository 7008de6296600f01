/** A minimal clinic-side client of protocol v1 for tests and the bench (fetch on loopback). */
import type {
  EnrolResponse,
  PullResponse,
  PushResponse,
  PushRow,
  ReplicatedCollection,
  StreamEvent,
  SyncErrorBody,
  TokenResponse,
} from '../../protocol/replication';

export interface HttpResult<T> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = unknown>(
  url: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.rawBody !== undefined) {
    body = init.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export class ClinicClient {
  token = '';
  facilityId = '';
  deviceId = '';
  deviceSecret = '';

  constructor(
    readonly baseUrl: string,
    public userId = 'user-1',
  ) {}

  async enrol(code: string, deviceName = 'test-pc'): Promise<EnrolResponse> {
    const result = await call<EnrolResponse & SyncErrorBody>(`${this.baseUrl}/v1/enrol`, {
      body: { code, deviceName },
    });
    if (result.status !== 200)
      throw new Error(`enrol failed: ${result.status} ${JSON.stringify(result.body)}`);
    this.facilityId = result.body.facilityId;
    this.deviceId = result.body.deviceId;
    this.deviceSecret = result.body.deviceSecret;
    return result.body;
  }

  async refreshToken(): Promise<string> {
    const result = await call<TokenResponse & SyncErrorBody>(`${this.baseUrl}/v1/token`, {
      body: { deviceId: this.deviceId, deviceSecret: this.deviceSecret, userId: this.userId },
    });
    if (result.status !== 200)
      throw new Error(`token failed: ${result.status} ${JSON.stringify(result.body)}`);
    this.token = result.body.token;
    return this.token;
  }

  pullRaw(collection: string, seq = 0, limit = 1000): Promise<HttpResult<PullResponse & SyncErrorBody>> {
    return call(`${this.baseUrl}/v1/pull?collection=${collection}&seq=${seq}&limit=${limit}`, {
      token: this.token,
    });
  }

  async pull(collection: ReplicatedCollection, seq = 0, limit = 1000): Promise<PullResponse> {
    const result = await this.pullRaw(collection, seq, limit);
    if (result.status !== 200)
      throw new Error(`pull failed: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Every document in scope, following `more`. */
  async pullAll(collection: ReplicatedCollection, limit = 1000): Promise<PullResponse['documents']> {
    const documents: PullResponse['documents'] = [];
    let seq = 0;
    for (;;) {
      const page = await this.pull(collection, seq, limit);
      documents.push(...page.documents);
      seq = page.checkpoint.seq;
      if (!page.more) return documents;
    }
  }

  pushRaw(
    collection: string,
    rows: PushRow[],
    pushId: string = crypto.randomUUID(),
  ): Promise<HttpResult<PushResponse & SyncErrorBody>> {
    return call(`${this.baseUrl}/v1/push`, { token: this.token, body: { collection, pushId, rows } });
  }

  async push(collection: ReplicatedCollection, rows: PushRow[], pushId?: string): Promise<PushResponse> {
    const result = await this.pushRaw(collection, rows, pushId);
    if (result.status !== 200)
      throw new Error(`push failed: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body;
  }

  /** Opens /v1/stream and collects events until `stop()`. */
  stream(): {
    events: StreamEvent[];
    ready: Promise<void>;
    next(timeoutMs?: number): Promise<StreamEvent>;
    /** Resolves when the gateway ends the stream. */
    ended: Promise<void>;
    /** Resolves once `count` events in all have arrived. */
    atLeast(count: number, timeoutMs?: number): Promise<StreamEvent[]>;
    stop(): void;
  } {
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    const waiters: Array<(event: StreamEvent) => void> = [];
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      markReady = resolve;
    });
    let markEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    void (async () => {
      try {
        const response = await fetch(`${this.baseUrl}/v1/stream?token=${encodeURIComponent(this.token)}`, {
          signal: controller.signal,
        });
        const reader = response.body?.getReader();
        if (!reader) return;
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            markEnded();
            return;
          }
          buffer += decoder.decode(value, { stream: true });
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (block.includes(': connected')) markReady();
            for (const line of block.split('\n')) {
              if (line.startsWith('data: ')) {
                const event = JSON.parse(line.slice(6)) as StreamEvent;
                events.push(event);
                for (const waiter of waiters.splice(0)) waiter(event);
              }
            }
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        // aborted
      }
    })();
    return {
      events,
      ready,
      ended,
      next: (timeoutMs = 5000) =>
        new Promise<StreamEvent>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no stream event')), timeoutMs);
          waiters.push((event) => {
            clearTimeout(timer);
            resolve(event);
          });
        }),
      atLeast: async (count, timeoutMs = 5000) => {
        const until = Date.now() + timeoutMs;
        while (events.length < count) {
          if (Date.now() > until) throw new Error(`only ${events.length} of ${count} stream events`);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return events;
      },
      stop: () => controller.abort(),
    };
  }
}
