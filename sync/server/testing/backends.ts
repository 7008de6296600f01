/**
 * Run the same gateway tests on PGlite and on a real PostgreSQL. One PGlite
 * (reset between tests) and one PostgreSQL cluster (a fresh database per test)
 * per test file: PGlite takes seconds to boot, a PostgreSQL database ~50 ms.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Database } from '../db/driver';
import { openDatabase } from '../db/open';
import { hasPostgres, type PostgresCluster, startPostgres } from './postgres';

export type BackendKind = 'pglite' | 'postgres';

/**
 * Without Debian's PostgreSQL a developer still gets the PGlite half; CI (where
 * `npm test` installs it) must never quietly skip the real database.
 */
export const BACKENDS: BackendKind[] = hasPostgres() ? ['pglite', 'postgres'] : ['pglite'];
if (!hasPostgres() && process.env.CI) {
  throw new Error(
    'PostgreSQL is not installed: the gateway tests must run against it in CI (apt-get install postgresql)',
  );
}

const RESET_SQL = `
  TRUNCATE documents, pushes, write_log, devices, enrolment_codes, facility_relations, facilities, settings,
    slots, slot_allocation_rules, slot_uploads, slot_no_shows, sms_outbox, review_config, facility_slip_keys,
    attachment_content
    RESTART IDENTITY CASCADE;
  ALTER SEQUENCE county_seq RESTART;`;

export interface Backend {
  kind: BackendKind;
  /** An empty, migrated database for one test. Closed (or reset) after the test. */
  fresh(): Promise<Database>;
  /** PostgreSQL only: the URL of a fresh database (for gateways that open their own). */
  freshUrl(): Promise<string>;
}

export function useBackend(kind: BackendKind): Backend {
  let shared: Database | null = null;
  let cluster: PostgresCluster | null = null;
  const opened: Database[] = [];

  beforeAll(async () => {
    if (kind === 'pglite') shared = await openDatabase({});
    else cluster = await startPostgres();
  });
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });
  afterAll(async () => {
    await shared?.close();
    await cluster?.stop();
  });

  return {
    kind,
    async fresh() {
      if (kind === 'pglite') {
        if (!shared) throw new Error('PGlite not started');
        await shared.exec(RESET_SQL);
        // Shared across tests: closing is a no-op; afterAll closes it.
        return { ...shared, close: async () => {} } as Database;
      }
      if (!cluster) throw new Error('PostgreSQL not started');
      const db = await openDatabase({ databaseUrl: await cluster.createDatabase(), poolSize: 5 });
      opened.push(db);
      return db;
    },
    async freshUrl() {
      if (!cluster) throw new Error('freshUrl needs PostgreSQL');
      return cluster.createDatabase();
    },
  };
}
