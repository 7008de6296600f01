import type { ReplicatedCollection } from '../../protocol/replication';
import type { Database } from '../db/driver';
import { toNumber } from '../db/driver';
import { EVERYONE } from './scope';

export interface PullQuery {
  collection: ReplicatedCollection;
  seq: number;
  limit: number;
  /** Count what remains after a full batch (for the progress bar); clients ask once per sync. */
  count: boolean;
}

/** A PullResponse as JSON text, ready to send, and how many documents it carries. */
export interface PullBatch {
  body: string;
  documents: number;
}

/**
 * The wire document (content, `_deleted`, county stamp) as PostgreSQL's JSON
 * text, the same fields `wireOf` gives: the gateway sends it on without parsing
 * and re-serialising thousands of objects in JavaScript.
 */
const WIRE_TEXT = `(data || jsonb_build_object(
    'id', id, '_deleted', deleted, 'countySeq', county_seq,
    'countyTime', to_char(county_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  ))::text`;

const IN_SCOPE = 'collection = $1 AND county_seq > $2 AND scope && $3::text[]';

/**
 * Documents in the facility's scope after `seq`, in county order.
 *
 * The batch walks the (collection, county_seq) index from the checkpoint and
 * stops once it has `limit` + 1 documents in scope (the extra one only says
 * whether there are more). Left alone, the planner ANDs that index with the
 * GIN index on `scope` and sorts the result instead, which reads everything
 * after the checkpoint for every batch: an initial sync then costs O(n²)
 * (PGlite never has statistics, as it has no autovacuum). Bitmap scans are
 * therefore off for this one read transaction, which leaves the ordered walk.
 * What remains is counted only when asked, for the same reason: a count reads
 * the whole rest.
 */
export async function pull(db: Database, facilityId: string, request: PullQuery): Promise<PullBatch> {
  const visible = [facilityId, EVERYONE];
  const params = [request.collection, request.seq, visible];
  const { rows, remaining } = await db.transaction(async (tx) => {
    await tx.query('SET LOCAL enable_bitmapscan = off');
    const batch = await tx.query<{ seq: unknown; doc: string }>(
      `SELECT county_seq AS seq, ${WIRE_TEXT} AS doc FROM documents
        WHERE ${IN_SCOPE} ORDER BY county_seq LIMIT $4`,
      [...params, request.limit + 1],
    );
    if (!request.count || batch.rows.length <= request.limit)
      return { rows: batch.rows, remaining: undefined };
    const count = await tx.query<{ n: unknown }>(
      `SELECT count(*) AS n FROM documents WHERE ${IN_SCOPE}`,
      params,
    );
    return { rows: batch.rows, remaining: toNumber(count.rows[0]?.n ?? 0) };
  });
  const more = rows.length > request.limit;
  const documents = more ? rows.slice(0, request.limit) : rows;
  const last = documents.length ? toNumber(documents[documents.length - 1]?.seq) : request.seq;
  // A short batch is the whole rest, so its count is free.
  const counted = more ? remaining : documents.length;
  return {
    body:
      `{"documents":[${documents.map((row) => row.doc).join(',')}],"checkpoint":{"seq":${last}},` +
      `"more":${more}${counted === undefined ? '' : `,"remaining":${counted}`}}`,
    documents: documents.length,
  };
}
