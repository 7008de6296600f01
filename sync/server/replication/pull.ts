import type { PullResponse, ReplicatedCollection } from '../../protocol/replication';
import type { Queryable } from '../db/driver';
import { toNumber } from '../db/driver';
import { EVERYONE } from './scope';
import { DOC_COLUMNS, storedFromRow, wireOf } from './store';

/** Documents in the facility's scope after `seq`, in county order. */
export async function pull(
  db: Queryable,
  facilityId: string,
  request: { collection: ReplicatedCollection; seq: number; limit: number },
): Promise<PullResponse> {
  const visible = [facilityId, EVERYONE];
  const batch = await db.query(
    `SELECT ${DOC_COLUMNS} FROM documents
      WHERE collection = $1 AND county_seq > $2 AND scope && $3::text[]
      ORDER BY county_seq LIMIT $4`,
    [request.collection, request.seq, visible, request.limit],
  );
  const documents = batch.rows.map((row) => wireOf(storedFromRow(row)));
  // A short batch is the whole rest; only a full one needs counting (initial sync progress).
  let remaining = documents.length;
  if (documents.length === request.limit) {
    const count = await db.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM documents
        WHERE collection = $1 AND county_seq > $2 AND scope && $3::text[]`,
      [request.collection, request.seq, visible],
    );
    remaining = toNumber(count.rows[0]?.n ?? 0);
  }
  const last = documents.at(-1)?.countySeq ?? request.seq;
  return {
    documents,
    checkpoint: { seq: last },
    more: remaining > documents.length,
    remaining,
  };
}
