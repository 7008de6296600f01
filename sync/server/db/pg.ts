import pg from 'pg';
import type { Database, Queryable, QueryResult } from './driver';

/** A real PostgreSQL through a node-postgres pool, plus one dedicated LISTEN connection. */
export async function openPostgres(url: string, options: { poolSize?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: 'xiangyi-gateway',
  });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => {});
  await pool.query('SELECT 1');

  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.Client | null = null;
  let listenReady: Promise<pg.Client> | null = null;
  let closed = false;

  async function connectListener(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: url, application_name: 'xiangyi-gateway-listen' });
    client.on('notification', (message) => {
      for (const fn of listeners.get(message.channel) ?? []) fn(message.payload ?? '');
    });
    client.on('error', () => {
      // Reconnect and re-LISTEN: notifications missed meanwhile only delay a pull
      // (clients also pull on their own schedule).
      listenClient = null;
      listenReady = null;
      if (!closed && listeners.size > 0) setTimeout(() => void ensureListener().catch(() => {}), 500);
    });
    await client.connect();
    for (const channel of listeners.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    listenClient = client;
    return client;
  }

  function ensureListener(): Promise<pg.Client> {
    if (listenClient) return Promise.resolve(listenClient);
    if (!listenReady) listenReady = connectListener();
    return listenReady;
  }

  const wrap = (runner: pg.Pool | pg.PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]): Promise<QueryResult<T>> {
      const result = await runner.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as T[] };
    },
    async exec(sql: string): Promise<void> {
      await runner.query(sql);
    },
  });

  const base = wrap(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      let set = listeners.get(channel);
      const fresh = !set;
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
      }
      set.add(onPayload);
      const client = await ensureListener();
      if (fresh && client === listenClient) await client.query(`LISTEN ${quoteIdent(channel)}`);
      return async () => {
        set.delete(onPayload);
      };
    },
    async close() {
      closed = true;
      const client = listenClient;
      listenClient = null;
      if (client) await client.end().catch(() => {});
      await pool.end();
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
