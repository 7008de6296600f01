import type { Database } from './driver';
import { migrate } from './migrate';
import { openPostgres } from './pg';
import { openPglite } from './pglite';

/** DATABASE_URL → PostgreSQL; otherwise PGlite in `dataDir` (memory when undefined). Migrates. */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
}): Promise<Database> {
  const db = options.databaseUrl
    ? await openPostgres(options.databaseUrl, { poolSize: options.poolSize ?? 10 })
    : await openPglite(options.dataDir);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
