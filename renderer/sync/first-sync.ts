/**
 * A collection's first sync: a bulk load straight into the store, then RxDB's
 * replication from where the load ended.
 *
 * Why not RxDB's replication from the start: for every pulled document it
 * reads the local copy and its bookkeeping copy (what the county is assumed to
 * hold), then writes both, each write reading again first: six IndexedDB
 * requests a document, and a township's first sync is 120,000 documents. A
 * collection that holds nothing yet has nothing to compare, so the load writes
 * each document once, with no bookkeeping copy (see store/county-base.ts for
 * why none is needed), while the next batch is on the wire.
 *
 * Where the replication starts afterwards:
 * - its pull from the last sequence the load stored;
 * - its push after the loaded documents: they are dated at the store's earliest
 *   possible last-write time, so the push never re-reads them, while anything a
 *   user writes (during the load or after, dated by the clock) goes up. Not the
 *   time the load began: a write is dated before it lands, so a write in flight
 *   when the load looked at the store could be dated before that moment.
 *
 * The load records its progress in a local document after every batch, so a
 * restart continues it; a document written twice (a crash between a batch and
 * its progress, or a document the county changed during the load) is replaced
 * only by a newer county version, never over a local change.
 */
import { createRevision, getChangedDocumentsSince, RX_META_LWT_MINIMUM, type RxCollection } from 'rxdb';
import type { Checkpoint, PullResponse, WireDocument } from '../../sync/protocol/replication';
import type { ClinicDatabase } from '../store/database';

/** RxDB's default storage checkpoint: the push walks the store by last-write time, then id. */
export interface StoreCheckpoint {
  id: string;
  lwt: number;
}

export interface FirstSyncStart {
  pull: Checkpoint;
  push: StoreCheckpoint;
}

interface Progress {
  seq: number;
  done: boolean;
}

/** RxDB's earliest last-write time; every write of its own is dated by the clock. */
const LOADED_LWT = RX_META_LWT_MINIMUM;

/**
 * Pulled documents come through the replication's context, so listeners treat
 * them as the county's (they do not mark anything as waiting to go up).
 */
export const FIRST_SYNC_CONTEXT = 'replication-downstream-first-sync';

export interface FirstSyncLink {
  /** Up to `limit` documents after `seq`; throws when the county cannot be reached (the caller's back-off applies). */
  fetch(seq: number, limit: number): Promise<PullResponse>;
  stopped(): boolean;
}

/**
 * Loads the collection if this is its first sync (it holds no document and no
 * load was begun) or finishes a load a restart interrupted. Returns where the
 * replication starts, or undefined when the replication should do everything
 * itself. Returns undefined also when stopped part way (the next start resumes).
 */
export async function firstSync(
  db: ClinicDatabase,
  collection: RxCollection,
  identifier: string,
  link: FirstSyncLink,
): Promise<FirstSyncStart | undefined> {
  const progressId = `first-sync:${identifier}`;
  const saved = (await db.getLocal<Progress>(progressId))?.toJSON().data as Progress | undefined;
  let progress: Progress;
  if (saved) progress = saved;
  else {
    const any = await getChangedDocumentsSince(collection.storageInstance, 1);
    if (any.documents.length > 0) return undefined;
    progress = { seq: 0, done: false };
    await db.upsertLocal(progressId, progress);
  }
  const start = (): FirstSyncStart => ({
    pull: { seq: progress.seq },
    push: { id: '', lwt: LOADED_LWT + 1 },
  });
  if (progress.done) return start();

  let next: Promise<PullResponse> | undefined;
  const size = new BatchSize();
  const fetch = (seq: number) => {
    const limit = size.next();
    const began = Date.now();
    const pending = link.fetch(seq, limit);
    pending.then(
      () => size.took(Date.now() - began),
      () => size.failed(),
    );
    // Awaited below; a rejection before then must not count as unhandled.
    pending.catch(() => undefined);
    return pending;
  };
  while (!link.stopped()) {
    let response: PullResponse;
    try {
      response = await (next ?? fetch(progress.seq));
    } catch {
      // The county could not be reached: the link's back-off paces the next try.
      next = undefined;
      continue;
    }
    const last = response.documents.length === 0 || !response.more;
    next = last ? undefined : fetch(response.checkpoint.seq);
    await store(collection, db.token, response.documents);
    progress = { ...progress, seq: response.checkpoint.seq, done: last };
    await db.upsertLocal(progressId, progress);
    if (last) return start();
  }
  return undefined;
}

/**
 * How many documents to ask for at once: larger while batches come back fast
 * (fewer requests and store transactions on a clinic's good day), smaller when
 * they are slow or cut, so on a thin link that drops every few seconds a batch
 * still gets through whole. The gateway caps it at 5,000.
 */
export class BatchSize {
  static readonly MIN = 250;
  static readonly MAX = 5_000;
  static readonly FAST_MS = 1_500;
  static readonly SLOW_MS = 6_000;
  private size = 1_000;

  next(): number {
    return this.size;
  }

  took(ms: number): void {
    if (ms < BatchSize.FAST_MS) this.size = Math.min(BatchSize.MAX, this.size * 2);
    else if (ms > BatchSize.SLOW_MS) this.size = Math.max(BatchSize.MIN, Math.floor(this.size / 2));
  }

  failed(): void {
    this.size = Math.max(BatchSize.MIN, Math.floor(this.size / 2));
  }
}

export class FirstSyncRefused extends Error {
  constructor(
    readonly collection: string,
    readonly documentId: string,
    detail: string,
  ) {
    super(`the first sync could not store ${collection}/${documentId}: ${detail}`);
    this.name = 'FirstSyncRefused';
  }
}

/**
 * Below the collection's own wrapper, which stamps every write with the time of
 * the write: the load dates its documents before any write of the clinic's.
 * And below schema validation (store/validation.ts): every one of these
 * documents passed the same schemas (sync/protocol/schema) at the gateway when
 * it was pushed, and checking 120,000 of them again costs a tenth of a
 * township's first sync. The collection still hears every change.
 */
function storageOf(collection: RxCollection) {
  const validated = collection.storageInstance
    .originalStorageInstance as typeof collection.storageInstance & {
    originalStorageInstance?: typeof collection.storageInstance;
  };
  return validated.originalStorageInstance ?? validated;
}

async function store(
  collection: RxCollection,
  token: string,
  documents: readonly WireDocument[],
): Promise<void> {
  if (documents.length === 0) return;
  const asStored = (doc: WireDocument) => ({
    ...doc,
    _deleted: doc._deleted === true,
    _attachments: {},
    _meta: { lwt: LOADED_LWT },
  });
  const rows = documents.map((doc) => ({
    document: { ...asStored(doc), _rev: createRevision(token) },
  }));
  const written = await storageOf(collection).bulkWrite(rows as never, FIRST_SYNC_CONTEXT);
  const replace = [];
  for (const error of written.error) {
    const incoming = documents.find((doc) => doc.id === error.documentId);
    const inStore = (error as { documentInDb?: Record<string, unknown> }).documentInDb;
    if (error.status !== 409 || !incoming || !inStore) {
      throw new FirstSyncRefused(collection.name, error.documentId, JSON.stringify(error));
    }
    // Without a county stamp the stored one is a local change: it goes up, the county merges it.
    const storedSeq = inStore.countySeq as number | undefined;
    if (storedSeq === undefined || storedSeq >= Number(incoming.countySeq)) continue;
    replace.push({
      previous: inStore,
      document: { ...asStored(incoming), _rev: createRevision(token, inStore as never) },
    });
  }
  if (replace.length === 0) return;
  const replaced = await storageOf(collection).bulkWrite(replace as never, FIRST_SYNC_CONTEXT);
  // A conflict here is a local write in the meantime: it wins, as above.
  const failed = replaced.error.find((error) => error.status !== 409);
  if (failed) throw new FirstSyncRefused(collection.name, failed.documentId, JSON.stringify(failed));
}
