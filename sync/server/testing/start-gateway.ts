/**
 * Start an in-process county gateway on a free loopback port for tests and
 * tools: PGlite in a temp dir by default, or a given DATABASE_URL / database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type Gateway } from '../app';
import { issueEnrolmentCode } from '../auth/devices';
import type { GatewayConfig } from '../config';
import type { Database } from '../db/driver';
import { type CountySeed, DEMO_COUNTY, seedCounty } from '../facilities/demo';
import { type FacilityRow, facilityByCode } from '../facilities/registry';
import { ClinicClient } from './client';

export interface TestGateway {
  url: string;
  gateway: Gateway;
  db: Database;
  facilities: Record<string, FacilityRow>;
  /** A one-time enrolment code for the facility with this code. */
  issueCode(facilityCode: string): Promise<string>;
  /** Enrolled device with a fresh token for the facility with this code. */
  clinic(facilityCode: string, userId?: string): Promise<ClinicClient>;
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  databaseUrl?: string;
  /** PGlite data folder (default: a new temp dir, deleted on close). */
  dataDir?: string;
  /** An already open database (kept open on close). */
  db?: Database;
  /** County to seed; default the demo county; false = none. */
  seed?: CountySeed | false;
  config?: Partial<GatewayConfig>;
  logger?: boolean;
}

export async function startGateway(options: StartGatewayOptions = {}): Promise<TestGateway> {
  let tempDir: string | null = null;
  let dataDir = options.dataDir;
  if (!options.db && !options.databaseUrl && !dataDir) {
    tempDir = mkdtempSync(join(tmpdir(), 'xiangyi-gateway-'));
    dataDir = tempDir;
  }
  const gateway = await createGateway({
    authRateLimitPerMinute: 0,
    ...options.config,
    ...(options.db ? { db: options.db } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(dataDir ? { dataDir } : {}),
    logger: options.logger ?? false,
    host: '127.0.0.1',
  });
  const address = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  const url = address.replace('localhost', '127.0.0.1');
  const facilities = options.seed === false ? {} : await seedCounty(gateway.db, options.seed ?? DEMO_COUNTY);
  const issueCode = async (facilityCode: string): Promise<string> => {
    const facility = await facilityByCode(gateway.db, facilityCode);
    return (await issueEnrolmentCode(gateway.db, facility.id)).code;
  };
  return {
    url,
    gateway,
    db: gateway.db,
    facilities,
    issueCode,
    async clinic(facilityCode, userId = `user-${facilityCode}`) {
      const client = new ClinicClient(url, userId);
      await client.enrol(await issueCode(facilityCode), `pc-${facilityCode}`);
      await client.refreshToken();
      return client;
    },
    async close() {
      await gateway.close();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}
