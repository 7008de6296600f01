/**
 * The county gateway as a Fastify app: enrol, token, pull, push, stream,
 * health. Stateless apart from open streams: several processes may serve one
 * PostgreSQL.
 */
import compress from '@fastify/compress';
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { API_PREFIX, PROTOCOL_VERSION, type StreamEvent } from '../protocol/replication';
import { registerAttachmentRoutes } from './attachments/routes';
import { enrolDevice, issueToken, signingKey } from './auth/devices';
import { authenticate, type RequestAuth } from './auth/guard';
import { DEFAULT_CONFIG, type GatewayConfig } from './config';
import { CHANGES_CHANNEL, type Database } from './db/driver';
import { openDatabase } from './db/open';
import { SyncError } from './errors';
import { registerSlipKeyRoutes } from './facilities/slip-keys';
import { Metrics } from './health';
import { type ReferralOptions, ReferralService } from './referrals/service';
import { pull } from './replication/pull';
import { applyPush } from './replication/push';
import { StreamHub } from './replication/stream';
import { parseEnrol, parsePullQuery, parsePushRequest, parseTokenRequest } from './replication/validate';
import { registerSlotRoutes } from './slots/routes';

export interface GatewayOptions extends Partial<GatewayConfig> {
  /** Use this database instead of opening one from databaseUrl/dataDir (not closed by the gateway). */
  db?: Database;
  /** false = silent (tests); otherwise pino at `logLevel`. */
  logger?: boolean;
  /** Referral workflow: clock, review configuration, auto-reject sweep interval. */
  referrals?: ReferralOptions;
}

export interface Gateway {
  app: FastifyInstance;
  db: Database;
  hub: StreamHub;
  metrics: Metrics;
  config: GatewayConfig;
  /** The referral workflow authority (its clock can be replaced in tests; `sweep()` auto-rejects). */
  referrals: ReferralService;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

export async function createGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const { db: givenDb, logger, referrals: referralOptions, ...overrides } = options;
  const config: GatewayConfig = { ...DEFAULT_CONFIG, ...overrides };
  const db =
    givenDb ??
    (await openDatabase({
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      ...(config.dataDir ? { dataDir: config.dataDir } : {}),
      poolSize: config.poolSize,
    }));
  const key = await signingKey(db, config.secret);
  const hub = new StreamHub();
  const metrics = new Metrics();
  const unlisten = await db.listen(CHANGES_CHANNEL, (payload) => hub.dispatch(payload));

  const app = Fastify({
    logger: logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    forceCloseConnections: true,
  });
  app.decorateRequest('auth', null);
  const referrals = new ReferralService(
    db,
    {
      ...referralOptions,
      sms: { logger: app.log, ...referralOptions?.sms },
      onJudged: (judgements) => {
        for (const { command, decision } of judgements) {
          app.log.info(
            {
              referral: command.referralId,
              command: command.command,
              outcome: decision.ok ? 'applied' : decision.reason,
            },
            'referral command judged',
          );
        }
        referralOptions?.onJudged?.(judgements);
      },
    },
    (error) => app.log.error({ err: error }, 'referral auto-reject sweep failed'),
  );

  await app.register(compress, { global: true, threshold: 1024, encodings: ['br', 'gzip'] });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: () => ({
      statusCode: 429,
      error: 'rate-limited',
      message: 'Too many attempts; wait a minute and try again.',
    }),
  });

  // CORS for the clinic (app://clinic, or a loopback http origin in headless runs).
  const allowedOrigin = (origin: string | undefined): string | null => {
    if (!origin) return null;
    if (config.corsOrigins.includes(origin) || config.corsOrigins.includes('*')) return origin;
    if (config.allowLoopbackOrigins && /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin)) {
      return origin;
    }
    return null;
  };
  const corsHeaders = (request: FastifyRequest): Record<string, string> => {
    const origin = allowedOrigin(request.headers.origin);
    return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
  };
  app.addHook('onRequest', async (request, reply) => {
    reply.headers(corsHeaders(request));
  });
  app.options('/v1/*', async (request, reply) => {
    if (!allowedOrigin(request.headers.origin)) return reply.code(403).send();
    return reply
      .code(204)
      .headers({
        'access-control-allow-methods': 'GET, POST, PUT, OPTIONS',
        // content-encoding: clinics gzip their pushes, which a thin uplink needs most.
        'access-control-allow-headers': 'authorization, content-type, content-encoding',
        'access-control-max-age': '600',
      })
      .send();
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url;
    if (route && route !== '/v1/*') metrics.record(`${request.method} ${route}`, reply.statusCode);
  });

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    let refusal: SyncError | null = error instanceof SyncError ? error : null;
    if (!refusal && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      refusal = new SyncError(
        'payload-too-large',
        `The upload is larger than ${Math.round(config.bodyLimitBytes / 1024)} KiB; send it in smaller batches.`,
      );
    } else if (!refusal && (error.code?.startsWith('FST_ERR_CTP_') || error instanceof SyntaxError)) {
      refusal = new SyncError('malformed-request', 'The request body is not valid JSON.');
    }
    const auth = request.auth;
    if (refusal) {
      request.log.warn(
        { facility: auth?.facilityId, device: auth?.deviceId, code: refusal.code, status: refusal.status },
        refusal.message,
      );
      return reply.code(refusal.status).send(refusal.body());
    }
    if (error.statusCode === 429) {
      request.log.warn({ code: 'rate-limited' }, error.message);
      return reply.code(429).send({ error: 'rate-limited', message: error.message });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'malformed-request', message: error.message });
    }
    request.log.error({ err: error, facility: auth?.facilityId, device: auth?.deviceId }, 'gateway failure');
    return reply
      .code(500)
      .send({ error: 'internal', message: 'The county gateway failed; the change will be retried.' });
  });

  const requireAuth = async (request: FastifyRequest): Promise<void> => {
    request.auth = await authenticate(db, key, request);
  };
  const authed = (request: FastifyRequest): RequestAuth => {
    if (!request.auth) throw new SyncError('token-missing', 'This request needs a sign-in token.');
    return request.auth;
  };
  const limit = (keyOf: (request: FastifyRequest) => string): { rateLimit?: RateLimitOptions } =>
    config.authRateLimitPerMinute > 0
      ? {
          rateLimit: {
            max: config.authRateLimitPerMinute,
            timeWindow: 60_000,
            hook: 'preHandler',
            keyGenerator: keyOf,
          },
        }
      : {};

  app.post(`${API_PREFIX}/enrol`, { config: limit((request) => request.ip) }, async (request) => {
    const body = parseEnrol(request.body);
    const enrolled = await enrolDevice(db, body.code, body.deviceName);
    request.log.info({ facility: enrolled.facilityId, device: enrolled.deviceId }, 'device enrolled');
    return enrolled;
  });

  app.post(
    `${API_PREFIX}/token`,
    {
      config: limit((request) =>
        String((request.body as { deviceId?: unknown } | null)?.deviceId ?? request.ip),
      ),
    },
    async (request) => issueToken(db, key, parseTokenRequest(request.body), config.tokenTtlSeconds),
  );

  app.get(`${API_PREFIX}/pull`, { preHandler: requireAuth }, async (request, reply) => {
    const auth = authed(request);
    const query = parsePullQuery(request.query, config.pullLimitMax);
    const batch = await pull(db, auth.facilityId, query);
    metrics.documentsServed += batch.documents;
    // Already JSON text (see pull.ts): sent as is.
    return reply.type('application/json; charset=utf-8').send(batch.body);
  });

  app.post(`${API_PREFIX}/push`, { preHandler: requireAuth }, async (request) => {
    const auth = authed(request);
    const push = parsePushRequest(request.body);
    const outcome = await applyPush(db, auth, push, referrals);
    metrics.documentsUploaded += outcome.written;
    request.log.info(
      {
        facility: auth.facilityId,
        device: auth.deviceId,
        user: auth.userId,
        collection: push.collection,
        rows: push.rows.length,
        written: outcome.written,
        conflicts: outcome.response.conflicts.length,
        replayed: outcome.replayed,
      },
      'push',
    );
    return outcome.response;
  });

  app.get(`${API_PREFIX}/stream`, { preHandler: requireAuth }, async (request, reply) => {
    const auth = authed(request);
    openStream(request, reply, auth, hub, config.heartbeatMs, corsHeaders(request));
  });

  await registerSlotRoutes(app, { db, authenticate: requireAuth });
  await registerSlipKeyRoutes(app, { db, authenticate: requireAuth });
  await registerAttachmentRoutes(app, { db, authenticate: requireAuth });

  app.get(`${API_PREFIX}/health`, async () => {
    const [docs, writes, pushes] = await Promise.all([
      db.query<{ collection: string; n: unknown }>(
        'SELECT collection, count(*) AS n FROM documents GROUP BY collection',
      ),
      db.query<{ n: unknown }>('SELECT count(*) AS n FROM write_log'),
      db.query<{ n: unknown }>('SELECT count(*) AS n FROM pushes'),
    ]);
    return {
      status: 'ok',
      protocol: PROTOCOL_VERSION,
      database: db.kind,
      startedAt: metrics.startedAt,
      openStreams: hub.size,
      county: {
        documents: Object.fromEntries(docs.rows.map((row) => [row.collection, Number(row.n)])),
        writes: Number(writes.rows[0]?.n ?? 0),
        pushes: Number(pushes.rows[0]?.n ?? 0),
      },
      thisProcess: {
        documentsUploaded: metrics.documentsUploaded,
        documentsServed: metrics.documentsServed,
        interfaces: metrics.snapshot(),
      },
    };
  });

  return {
    app,
    db,
    hub,
    metrics,
    config,
    referrals,
    async close() {
      await referrals.stop();
      hub.closeAll();
      await app.close();
      await unlisten();
      if (!givenDb) await db.close();
    },
  };
}

/** Server-Sent Events: a hint per change in scope, a comment heartbeat, closed when the token expires. */
function openStream(
  request: FastifyRequest,
  reply: FastifyReply,
  auth: RequestAuth,
  hub: StreamHub,
  heartbeatMs: number,
  cors: Record<string, string>,
): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...cors,
  });
  raw.write('retry: 5000\n: connected\n\n');
  let closed = false;
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), heartbeatMs);
  const expiry = setTimeout(() => close(), Math.max(1000, auth.exp * 1000 - Date.now()));
  const remove = hub.add({
    facilityId: auth.facilityId,
    send: (event: StreamEvent) => {
      if (!closed) raw.write(`data: ${JSON.stringify(event)}\n\n`);
    },
    close: () => close(),
  });
  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    remove();
    raw.end();
  }
  request.raw.on('close', close);
  raw.on('close', close);
}
