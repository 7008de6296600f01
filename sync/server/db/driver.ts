/**
 * The one small database interface the gateway uses. Two implementations:
 * node-postgres (`pg` Pool, for a real PostgreSQL shared by several gateway
 * processes) and PGlite (embedded, one process). Everything that matters is in
 * the database; notifications between processes go through LISTEN/NOTIFY.
 */

export interface QueryResult<T> {
  rows: T[];
}

export interface Queryable {
  /** One statement with $1.. parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** BEGIN … COMMIT around `fn`; ROLLBACK when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Subscribe to a NOTIFY channel; returns the unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Channel every gateway process listens on for "documents got new seqs". */
export const CHANGES_CHANNEL = 'xiangyi_changes';

/** int8 arrives as string (pg) or number/bigint (PGlite): make it a number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return Number(value);
  throw new TypeError(`not a number: ${String(value)}`);
}

/** timestamptz arrives as Date (both drivers) or string: make it ISO 8601 UTC. */
export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return new Date(value).toISOString();
  throw new TypeError(`not a time: ${String(value)}`);
}
