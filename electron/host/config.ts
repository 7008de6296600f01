/**
 * The embedded default configuration: a fresh install runs with no file to edit.
 * Environment variables override it for tests and for a county's deployment.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface HostConfig {
  dataDir: string;
  countyGatewayUrl: string;
  /** Headless host only: 127.0.0.1 and this port (0 picks a free one). */
  port: number;
  chromiumPath: string;
}

export function loadHostConfig(env: NodeJS.ProcessEnv = process.env): HostConfig {
  return {
    dataDir: env.XIANGYI_DATA_DIR ?? join(homedir(), '.xiangyi'),
    countyGatewayUrl: env.XIANGYI_GATEWAY_URL ?? 'http://127.0.0.1:8787',
    port: env.XIANGYI_PORT ? Number(env.XIANGYI_PORT) : 5199,
    chromiumPath: env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  };
}
