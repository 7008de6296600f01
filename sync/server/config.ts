import { homedir } from 'node:os';
import { join } from 'node:path';

export interface GatewayConfig {
  /** A real PostgreSQL; absent = embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data folder; undefined with no databaseUrl = in memory (tests). */
  dataDir?: string;
  host: string;
  port: number;
  /** HMAC key for tokens; absent = generated once and kept in the database. */
  secret?: string;
  tokenTtlSeconds: number;
  enrolmentCodeTtlHours: number;
  /** Browser origins allowed to call the API (exact), plus any loopback http origin when `allowLoopbackOrigins`. */
  corsOrigins: string[];
  allowLoopbackOrigins: boolean;
  heartbeatMs: number;
  bodyLimitBytes: number;
  pullLimitMax: number;
  /** Per-minute attempts at /v1/enrol (per address) and /v1/token (per device); 0 = unlimited. */
  authRateLimitPerMinute: number;
  poolSize: number;
  logLevel: string;
}

export const DEFAULT_CONFIG: GatewayConfig = {
  host: '127.0.0.1',
  port: 8787,
  tokenTtlSeconds: 600,
  enrolmentCodeTtlHours: 24,
  corsOrigins: ['app://clinic'],
  allowLoopbackOrigins: true,
  heartbeatMs: 15_000,
  bodyLimitBytes: 2 * 1024 * 1024,
  pullLimitMax: 5000,
  authRateLimitPerMinute: 30,
  poolSize: 20,
  logLevel: 'info',
};

/** Reads XIANGYI_GATEWAY_* and DATABASE_URL. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config: GatewayConfig = {
    ...DEFAULT_CONFIG,
    host: env.XIANGYI_GATEWAY_HOST || DEFAULT_CONFIG.host,
    port: env.XIANGYI_GATEWAY_PORT ? Number(env.XIANGYI_GATEWAY_PORT) : DEFAULT_CONFIG.port,
    logLevel: env.XIANGYI_GATEWAY_LOG_LEVEL || DEFAULT_CONFIG.logLevel,
    poolSize: env.XIANGYI_GATEWAY_POOL_SIZE ? Number(env.XIANGYI_GATEWAY_POOL_SIZE) : DEFAULT_CONFIG.poolSize,
  };
  if (env.DATABASE_URL) config.databaseUrl = env.DATABASE_URL;
  else config.dataDir = env.XIANGYI_GATEWAY_DATA || join(homedir(), '.xiangyi-county');
  if (env.XIANGYI_GATEWAY_SECRET) config.secret = env.XIANGYI_GATEWAY_SECRET;
  if (env.XIANGYI_GATEWAY_ORIGINS) {
    config.corsOrigins = env.XIANGYI_GATEWAY_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
  }
  return config;
}
