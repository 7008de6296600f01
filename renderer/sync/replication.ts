/**
 * Replicates the clinic's collections with the county gateway: one RxDB
 * replication per collection, pulling by the county's sequence and pushing
 * each change with the state it assumed. Started after sign-in, resumed after a
 * restart from the checkpoints RxDB keeps, retried with backoff.
 */

import { type RxReplicationState, replicateRxCollection } from 'rxdb/plugins/replication';
import { type Observable, Subject } from 'rxjs';
import {
  type Checkpoint,
  type PullResponse,
  type PushRow,
  REPLICATED_COLLECTIONS,
  type ReplicatedCollection,
  type StreamEvent,
} from '../../sync/protocol/replication';
import { keepLocalFiles, metadataToPush } from '../attachments/replication-rules';
import { countyBasesOf, forgetCountyBases } from '../store/county-base';
import type { ClinicDatabase } from '../store/database';
import { retryDelayMs } from './backoff';
import { type CountyApi, CountyError } from './county-api';
import { type FirstSyncStart, firstSync } from './first-sync';
import { type SyncSnapshot, useSync } from './sync-store';
import { WaitingCount } from './waiting-count';

/** Where progress is reported: the app's store, or a test's own. */
export interface SyncStatus {
  get(): SyncSnapshot;
  set(patch: Partial<SyncSnapshot>): void;
}

export const appSyncStatus: SyncStatus = {
  get: () => useSync.getState(),
  set: (patch) => useSync.getState().set(patch),
};

/** Reference data comes from the county only; clinics never push it. */
const PULL_ONLY = new Set<ReplicatedCollection>(['facilities', 'staff']);
/** Slots arrive in bulk every night: the overnight puller (renderer/slots) fetches them in its window, under its cap. */
const OVERNIGHT = new Set<ReplicatedCollection>(['slots']);

export const SYNCED_COLLECTIONS = REPLICATED_COLLECTIONS.filter((name) => !OVERNIGHT.has(name));
export const PUSHED_COLLECTIONS = SYNCED_COLLECTIONS.filter((name) => !PULL_ONLY.has(name));
/** Collections whose first sync is a bulk load (first-sync.ts). Attachments keep the files stored beside their metadata, which only the replication's pull merges. */
const BULK_LOADED = new Set<ReplicatedCollection>(
  SYNCED_COLLECTIONS.filter((name) => name !== 'attachments'),
);

/**
 * RxDB's pull batch, and the size of each pull request: RxDB takes a shorter
 * batch for the end of the data, so the handler fills it even from a gateway
 * that serves smaller pages.
 */
export const PULL_BATCH = 1000;
const PUSH_BATCH = 100;

/**
 * What each collection still has to pull, for the progress bar. The gateway
 * counts once per sync (a count reads everything that remains); after that the
 * clinic counts down by what arrives.
 */
class PullProgress {
  private readonly left = new Map<ReplicatedCollection, number>();

  wantsCount(name: ReplicatedCollection): boolean {
    return !this.left.has(name);
  }

  /** Records one response; returns what all collections still have to pull. */
  record(name: ReplicatedCollection, response: PullResponse): number {
    if (!response.more) this.left.delete(name);
    else {
      const before = response.remaining ?? this.left.get(name) ?? 0;
      this.left.set(name, Math.max(0, before - response.documents.length));
    }
    return [...this.left.values()].reduce((a, b) => a + b, 0);
  }
}

/** Consecutive failures, shared by all collections: the link is one link. */
class RetryGate {
  private failures = 0;
  /** Every collection waiting out its back-off; "sync now" wakes them all. */
  private readonly sleepers = new Set<() => void>();
  constructor(private readonly status: SyncStatus) {}

  async beforeAttempt(): Promise<void> {
    const delay = retryDelayMs(this.failures);
    if (delay === 0) return;
    this.status.set({ nextRetryAt: new Date(Date.now() + delay).toISOString() });
    await new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delay);
      this.sleepers.add(wake);
    });
  }

  succeeded(): void {
    this.failures = 0;
    this.status.set({ online: true, lastSuccessAt: new Date().toISOString(), nextRetryAt: undefined });
  }

  failed(error: unknown): void {
    this.failures++;
    const code = error instanceof CountyError ? error.code : 'client-error';
    const message = error instanceof Error ? error.message : String(error);
    this.status.set({
      online: code !== 'offline',
      lastError: { code, message, at: new Date().toISOString() },
    });
  }

  /** "Sync now": skip the rest of every wait. */
  now(): void {
    this.failures = 0;
    for (const wake of [...this.sleepers]) wake();
  }
}

export interface CountySync {
  /** The link's one API client: other county calls share its queue and its token (a second token would supersede it). */
  readonly api: CountyApi;
  syncNow(): void;
  /** Resolves when every collection has pulled and pushed what it had (tests, the sync panel). */
  awaitInSync(): Promise<void>;
  stop(): Promise<void>;
}

/** A scan of the whole collection (the stamp is not indexed): run it only when it can have changed. */
function countWaitingIn(db: ClinicDatabase, name: ReplicatedCollection): Promise<number> {
  return db[name].count({ selector: { countySeq: { $exists: false } } }).exec();
}

async function countWaiting(db: ClinicDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const name of PUSHED_COLLECTIONS) counts[name] = await countWaitingIn(db, name);
  return counts;
}

interface ReplicationHooks {
  live: boolean;
  guarded<T>(work: () => Promise<T>): Promise<T>;
  stream$?: Observable<'RESYNC'>;
  /** Whether the gateway should count what remains (default: yes). */
  wantsCount?(): boolean;
  onPulled?(response: PullResponse): void;
  onPushed?(): void;
}

/**
 * One collection's replication. The identifier carries the gateway and the
 * facility, so checkpoints survive a restart and a re-enrolled workstation
 * starts afresh; a one-off pull and the live replication share it.
 */
function replicationIdentifier(api: CountyApi, facilityId: string, name: ReplicatedCollection): string {
  return `county-v1:${api.baseUrl}:${facilityId}:${name}`;
}

function replicateCollection(
  db: ClinicDatabase,
  api: CountyApi,
  facilityId: string,
  name: ReplicatedCollection,
  hooks: ReplicationHooks,
  start?: FirstSyncStart,
): RxReplicationState<unknown, Checkpoint> {
  return replicateRxCollection<unknown, Checkpoint>({
    replicationIdentifier: replicationIdentifier(api, facilityId, name),
    collection: db[name] as never,
    live: hooks.live,
    retryTime: 1_000,
    waitForLeadership: false,
    autoStart: true,
    pull: {
      batchSize: PULL_BATCH,
      ...(start ? { initialCheckpoint: start.pull } : {}),
      // Attachments replicate as metadata; their bytes have their own route (renderer/attachments).
      ...(name === 'attachments'
        ? { modifier: (doc: unknown) => keepLocalFiles(db, doc as never) as never }
        : {}),
      ...(hooks.stream$ ? { stream$: hooks.stream$ } : {}),
      handler: (checkpoint, batchSize) =>
        hooks.guarded(async () => {
          const documents: PullResponse['documents'] = [];
          let seq = checkpoint?.seq ?? 0;
          let more = true;
          while (more && documents.length < batchSize) {
            const response = await api.pull(
              name,
              seq,
              batchSize - documents.length,
              hooks.wantsCount?.() ?? true,
            );
            hooks.onPulled?.(response);
            for (const document of response.documents) documents.push(document);
            seq = response.checkpoint.seq;
            more = response.more && response.documents.length > 0;
          }
          return { documents: documents as never[], checkpoint: { seq } };
        }),
    },
    push:
      PULL_ONLY.has(name) || !hooks.live
        ? undefined
        : {
            batchSize: PUSH_BATCH,
            ...(start ? { initialCheckpoint: start.push as never } : {}),
            ...(name === 'attachments'
              ? { modifier: (doc: unknown) => metadataToPush(doc as never, facilityId) as never }
              : {}),
            handler: async (rows) => {
              const ids = rows.map((row) => (row.newDocumentState as unknown as { id: string }).id);
              // RxDB has no copy of what the county holds for documents the first sync stored.
              const bases = await countyBasesOf(
                db,
                name,
                ids.filter((_, i) => !rows[i]?.assumedMasterState),
              );
              const conflicts = await hooks.guarded(async () => {
                const response = await api.push({
                  collection: name,
                  pushId: crypto.randomUUID(),
                  // RxDB leaves the assumed state out for new documents; the protocol says null.
                  rows: rows.map((row, i) => ({
                    assumedMasterState: (row.assumedMasterState ??
                      bases.get(ids[i] ?? '') ??
                      null) as PushRow['assumedMasterState'],
                    newDocumentState: row.newDocumentState as unknown as PushRow['newDocumentState'],
                  })),
                });
                return response.conflicts;
              });
              await forgetCountyBases(db, name, ids);
              hooks.onPushed?.();
              // RxDB takes the county's state for a conflict as it is: a file stored here stays.
              if (name === 'attachments')
                return (await Promise.all(
                  conflicts.map((doc) => keepLocalFiles(db, doc as never)),
                )) as never[];
              return conflicts as never[];
            },
          },
  });
}

/**
 * Pulls reference collections once, before the clinic has a signed-in user
 * (enrolment needs the facility record the county holds). Throws what the
 * county answered, so the first-run screen can say it.
 */
export async function pullOnce(
  db: ClinicDatabase,
  api: CountyApi,
  facilityId: string,
  names: ReplicatedCollection[],
): Promise<void> {
  let failure: unknown;
  const replications = names.map((name) =>
    replicateCollection(db, api, facilityId, name, {
      live: false,
      guarded: async (work) => {
        try {
          return await work();
        } catch (error) {
          failure ??= error;
          throw error;
        }
      },
    }),
  );
  const cancelAll = () => Promise.all(replications.map((replication) => replication.cancel()));
  const errors = replications.map((replication) =>
    replication.error$.subscribe(() => {
      void cancelAll();
    }),
  );
  await Promise.all(
    replications.map((replication) => replication.awaitInitialReplication().catch(() => undefined)),
  );
  for (const subscription of errors) subscription.unsubscribe();
  await cancelAll();
  if (failure) throw failure;
}

export function startCountySync(
  db: ClinicDatabase,
  api: CountyApi,
  facilityId: string,
  status: SyncStatus = appSyncStatus,
): CountySync {
  const gate = new RetryGate(status);
  const resync = new Subject<'RESYNC'>();
  const progress = new PullProgress();
  status.set({ linked: true, running: true });

  let stopped = false;
  const guarded = async <T>(work: () => Promise<T>): Promise<T> => {
    await gate.beforeAttempt();
    try {
      const result = await work();
      gate.succeeded();
      return result;
    } catch (error) {
      if (!stopped) gate.failed(error);
      throw error;
    }
  };

  const hooksOf = (name: ReplicatedCollection): ReplicationHooks => ({
    live: true,
    guarded,
    stream$: resync.asObservable(),
    wantsCount: () => progress.wantsCount(name),
    // The county stamps what it stored; pulling it back clears the "waiting" marks
    // even where the live stream cannot get through.
    onPushed: () => resync.next('RESYNC'),
    onPulled(response) {
      status.set({
        pulled: status.get().pulled + response.documents.length,
        remaining: progress.record(name, response),
      });
    },
  });
  const replications: RxReplicationState<unknown, Checkpoint>[] = [];
  // Each collection starts once its first sync (if it has one) is stored; referral commands
  // go first on the link whatever the others do (the API's queue orders by collection).
  const started = Promise.all(
    SYNCED_COLLECTIONS.map(async (name) => {
      const hooks = hooksOf(name);
      const start = BULK_LOADED.has(name)
        ? await firstSync(db, db[name] as never, replicationIdentifier(api, facilityId, name), {
            fetch: (seq, limit) =>
              guarded(async () => {
                const response = await api.pull(name, seq, limit, hooks.wantsCount?.() ?? true);
                hooks.onPulled?.(response);
                return response;
              }),
            stopped: () => stopped,
          })
        : undefined;
      if (stopped) return;
      const replication = replicateCollection(db, api, facilityId, name, hooks, start);
      replications.push(replication);
      // Errors are retried by RxDB and reported through the gate; a subscriber keeps RxDB from rethrowing them.
      replication.error$.subscribe(() => undefined);
    }),
  ).catch((error: unknown) => {
    // A document the store refuses stops that collection's first sync; the panel says why.
    status.set({
      lastError: {
        code: 'client-error',
        message: error instanceof Error ? error.message : String(error),
        at: new Date().toISOString(),
      },
    });
  });

  // The live stream only says "something changed"; the pull fetches it.
  let stream: EventSource | undefined;
  let streamRetry: ReturnType<typeof setTimeout> | undefined;
  const openStream = async () => {
    if (stopped || typeof EventSource === 'undefined') return;
    try {
      stream = new EventSource(await api.streamUrl());
    } catch {
      streamRetry = setTimeout(openStream, 10_000);
      return;
    }
    stream.onopen = () => resync.next('RESYNC');
    stream.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as StreamEvent;
      if (event.collection) resync.next('RESYNC');
    };
    stream.onerror = () => {
      stream?.close();
      if (!stopped) streamRetry = setTimeout(openStream, 10_000);
    };
  };
  void openStream();

  const waiting = new WaitingCount<ReplicatedCollection>(
    (name) => countWaitingIn(db, name),
    (counts) => status.set({ waiting: counts }),
  );
  const subscriptions = [
    ...PUSHED_COLLECTIONS.map((name) =>
      db[name].eventBulks$.subscribe((bulk) => {
        if (bulk.context.startsWith('replication-downstream')) waiting.pulled(name);
        else waiting.changed(name);
      }),
    ),
  ];
  for (const name of PUSHED_COLLECTIONS) waiting.changed(name);

  return {
    api,
    syncNow() {
      gate.now();
      resync.next('RESYNC');
      for (const replication of replications) replication.reSync();
    },
    async awaitInSync() {
      await started;
      await Promise.all(replications.map((replication) => replication.awaitInSync()));
      status.set({ waiting: await countWaiting(db) });
    },
    async stop() {
      stopped = true;
      clearTimeout(streamRetry);
      waiting.stop();
      stream?.close();
      for (const subscription of subscriptions) subscription.unsubscribe();
      // First the link, so handlers waiting in its queue end now instead of being sent.
      api.close();
      // A first sync waiting out its back-off ends now rather than after it.
      gate.now();
      await started;
      await Promise.all(replications.map((replication) => replication.cancel()));
      status.set({ running: false });
    },
  };
}
