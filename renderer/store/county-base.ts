/**
 * The county version a local change started from, for documents the first
 * sync wrote without RxDB's replication bookkeeping (renderer/sync/first-sync.ts).
 *
 * RxDB keeps, per pulled document, the state it assumes the county holds, and
 * pushes a change with it so the gateway can merge field by field or see a
 * conflict. The first sync skips that copy to store a township's 100,000
 * documents in time. It loses nothing: a document that carries the county's
 * stamp is exactly what the county sent (every local write drops the stamp,
 * database.ts), so when such a document is first changed here, its stamped
 * version is kept as the base, and the push sends it as the assumed state.
 * After the push RxDB has its own copy and the base is dropped.
 */
import type { ClinicDatabase } from './database';

/** Only the database's own local documents are used. */
type LocalDocuments = Pick<ClinicDatabase, 'upsertLocal' | 'getLocal'>;

interface Stamped {
  id?: string;
  countySeq?: number;
}

function baseId(collection: string, id: string): string {
  return `county-base:${collection}:${id}`;
}

/** The data RxDB stores beside a document's fields; the county never saw it. */
function fieldsOf(data: Record<string, unknown>): Record<string, unknown> {
  const { _meta: _m, _rev: _r, _attachments: _a, ...fields } = data;
  return fields;
}

/** Called with the document as it was before a local write. */
export async function rememberCountyBase(
  db: LocalDocuments,
  collection: string,
  previous: Stamped | undefined,
): Promise<void> {
  if (!previous?.id || previous.countySeq === undefined) return;
  await db.upsertLocal(baseId(collection, previous.id), {
    doc: fieldsOf(previous as Record<string, unknown>),
  });
}

/** The bases kept for these documents, by id. */
export async function countyBasesOf(
  db: LocalDocuments,
  collection: string,
  ids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const bases = new Map<string, Record<string, unknown>>();
  for (const id of ids) {
    const local = await db.getLocal<{ doc: Record<string, unknown> }>(baseId(collection, id));
    const doc = local?.get('doc') as Record<string, unknown> | undefined;
    if (doc) bases.set(id, doc);
  }
  return bases;
}

/** Once pushed, RxDB holds what the county assumed; the bases are stale. */
export async function forgetCountyBases(
  db: LocalDocuments,
  collection: string,
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    const local = await db.getLocal(baseId(collection, id));
    await local?.remove();
  }
}
