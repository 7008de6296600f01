/**
 * One clinic in its own worker thread. RxDB's open-source build counts open
 * collections per JavaScript realm (13 at most), so two clinics with the full
 * schema cannot share one; a worker is a realm of its own. The thread answers
 * a handful of named calls over postMessage (see clinic-in-worker.ts).
 * A feature's tests add calls of their own from a module of theirs (see
 * `ExtraCalls`), so every worker shares one enrolment, sync and store.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ClinicBridge } from '../../electron/bridge/contract';
import type { CollectionName } from '../../sync/protocol/schema';
import type { Session } from '../auth/session';
import { EMPTY_PATIENT_INPUT, inputFromPatient, type PatientInput } from '../patients/patient-input';
import { editPatient, registerPatient } from '../patients/patient-registry';
import { type ClinicDatabase, openClinicDatabase } from '../store/database';
import { countyApi, enrolWithCounty, readCountyLink } from '../sync/county-link';
import { type CountySync, type SyncStatus, startCountySync } from '../sync/replication';
import { EMPTY_SYNC, type SyncSnapshot } from '../sync/sync-store';
import { openMemoryClinic } from './memory-store';

let db: ClinicDatabase;
/** Kept so `reopen` finds the same IndexedDB (fake-indexeddb lives in this worker's memory). */
let opened: Awaited<ReturnType<typeof openMemoryClinic>> | undefined;
let session: Session;
let sync: CountySync | undefined;
let snapshot: SyncSnapshot = { ...EMPTY_SYNC };
const secrets = new Map<string, string>();
const bridge = {
  secrets: {
    get: async (key: string) => secrets.get(key) ?? null,
    set: async (key: string, value: string) => void secrets.set(key, value),
    delete: async (key: string) => void secrets.delete(key),
  },
} as unknown as ClinicBridge;
const status: SyncStatus = {
  get: () => snapshot,
  set: (patch) => {
    snapshot = { ...snapshot, ...patch };
  },
};

const json = (doc: { toJSON(): unknown } | null) => (doc ? JSON.parse(JSON.stringify(doc.toJSON())) : null);

const calls = {
  async enrol(args: { baseUrl: string; code: string; username: string; roles?: Session['roles'] }) {
    opened = await openMemoryClinic();
    ({ db } = opened);
    const enrolled = await enrolWithCounty(db, bridge, {
      baseUrl: args.baseUrl,
      code: args.code,
      deviceName: `pc-${args.username}`,
      admin: { displayName: args.username, username: args.username, password: 'Clinic-2026!' },
    });
    session = { ...enrolled, roles: args.roles ?? enrolled.roles };
    return session;
  },
  async startSync() {
    const link = await readCountyLink(bridge);
    if (!link) throw new Error('not linked to a county');
    sync = startCountySync(
      db,
      countyApi(link, session.userId, (up, down) =>
        status.set({ bytesUp: snapshot.bytesUp + up, bytesDown: snapshot.bytesDown + down }),
      ),
      session.facilityId,
      status,
    );
  },
  /** Pull and push until nothing is left, a few rounds so changes bounced by the county come back. */
  async settle(args: { rounds?: number } = {}) {
    for (let round = 0; round < (args.rounds ?? 2); round++) {
      sync?.syncNow();
      await sync?.awaitInSync();
    }
    return snapshot;
  },
  async stopSync() {
    await sync?.stop();
    sync = undefined;
  },
  async register(input: Partial<PatientInput>) {
    return registerPatient(db, session, { ...EMPTY_PATIENT_INPUT, ...input });
  },
  async edit(args: { id: string; changes: Partial<PatientInput> }) {
    const current = (await db.patients.findOne(args.id).exec())?.toMutableJSON();
    if (!current) throw new Error(`no patient ${args.id} here`);
    return editPatient(db, session, args.id, { ...inputFromPatient(current), ...args.changes });
  },
  async insert(args: { collection: CollectionName; docs: unknown[] }) {
    await (db[args.collection] as unknown as { bulkInsert(docs: unknown[]): Promise<unknown> }).bulkInsert(
      args.docs,
    );
  },
  async get(args: { collection: CollectionName; id: string }) {
    return json(
      await (
        db[args.collection] as unknown as {
          findOne(id: string): { exec(): Promise<{ toJSON(): unknown } | null> };
        }
      )
        .findOne(args.id)
        .exec(),
    );
  },
  async count(args: { collection: CollectionName }) {
    return (db[args.collection] as unknown as { count(): { exec(): Promise<number> } }).count().exec();
  },
  async status() {
    return snapshot;
  },
  /**
   * A restart of the app without losing its store: stop the replication, close
   * the database, open it again on the same IndexedDB. The status snapshot
   * starts afresh, as the app's does; checkpoints are whatever RxDB kept.
   * `downMs`: how long the app stays closed (requests the old replication still
   * had on the wire end meanwhile, and cannot count towards the new run).
   */
  async reopen(args: { downMs?: number } = {}) {
    if (!opened) throw new Error('no store to reopen');
    await sync?.stop();
    sync = undefined;
    await db.close();
    await new Promise((resolve) => setTimeout(resolve, args.downMs ?? 0));
    db = await openClinicDatabase({ name: opened.name, storage: opened.storage });
    snapshot = { ...EMPTY_SYNC, linked: true };
  },
  async close() {
    await sync?.stop();
    await db?.close();
  },
};

export type ClinicCalls = typeof calls;

/** What a feature's extra calls reach of this worker's clinic, once `enrol` (and `startSync`) ran. */
export interface WorkerClinic {
  readonly db: ClinicDatabase;
  readonly session: Session;
  readonly sync: CountySync | undefined;
}

/**
 * A module of extra calls exports `extraCalls` of this shape; clinicInWorker
 * names the module, the worker loads it in its own realm.
 */
export type ExtraCalls = (clinic: WorkerClinic) => Record<string, (args: never) => Promise<unknown>>;

const clinic: WorkerClinic = {
  get db() {
    return db;
  },
  get session() {
    return session;
  },
  get sync() {
    return sync;
  },
};

type Call = (args: unknown) => Promise<unknown>;

async function loadCalls(extraModule: string | undefined): Promise<Record<string, Call>> {
  const shared = calls as unknown as Record<string, Call>;
  if (!extraModule) return shared;
  const extra = (await import(extraModule)).extraCalls as ExtraCalls | undefined;
  if (typeof extra !== 'function') throw new Error(`${extraModule} exports no extraCalls`);
  const added = extra(clinic) as Record<string, Call>;
  // A feature's call must not quietly replace the shared one its tests rely on elsewhere.
  const clash = Object.keys(added).find((name) => name in shared);
  if (clash) throw new Error(`${extraModule}: the call ${clash} is already the clinic worker's`);
  return { ...shared, ...added };
}

const table = loadCalls((workerData as { extraCalls?: string } | null)?.extraCalls);
// Until a call arrives, a failed load is only remembered; each call then reports it.
table.catch(() => undefined);

parentPort?.on('message', async (message: { id: number; call: string; args: unknown }) => {
  try {
    const call = (await table)[message.call];
    if (!call) throw new Error(`the clinic worker has no call ${message.call}`);
    const result = await call(message.args);
    // Documents may carry getters and prototypes; only plain JSON crosses the thread boundary.
    parentPort?.postMessage({
      id: message.id,
      ok: true,
      result: result === undefined ? undefined : JSON.parse(JSON.stringify(result)),
    });
  } catch (error) {
    parentPort?.postMessage({
      id: message.id,
      ok: false,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }
});
