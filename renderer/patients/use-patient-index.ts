/**
 * Keeps the in-memory search index in step with the patients collection: one
 * full load when the app opens, then each change as it is written (locally or,
 * later, by replication).
 */
import { useSyncExternalStore } from 'react';
import type { PatientDoc } from '../../sync/protocol/schema';
import type { ClinicDatabase } from '../store/database';
import { PatientSearchIndex } from './search';

export type PatientSummary = Pick<
  PatientDoc,
  | 'id'
  | 'name'
  | 'sex'
  | 'birthDate'
  | 'idNumber'
  | 'phone'
  | 'status'
  | 'healthCardToken'
  | 'mergedInto'
  | 'countySeq'
>;

/**
 * Merged-away records stay searchable (a patient may still give the old phone
 * number), but a hit on one opens the record it was merged into.
 */
export function survivorOf(summaries: Map<string, PatientSummary>, id: string): string {
  let current = id;
  for (let hops = 0; hops < 10; hops++) {
    const next = summaries.get(current)?.mergedInto;
    if (!next) return current;
    current = next;
  }
  return current;
}

export interface PatientIndex {
  index: PatientSearchIndex;
  summaries: Map<string, PatientSummary>;
  ready: boolean;
  /** Bumps on every change so views re-run their query. */
  version: number;
}

function summary(doc: PatientDoc): PatientSummary {
  return {
    id: doc.id,
    name: doc.name,
    sex: doc.sex,
    birthDate: doc.birthDate,
    idNumber: doc.idNumber,
    phone: doc.phone,
    status: doc.status,
    healthCardToken: doc.healthCardToken,
    mergedInto: doc.mergedInto,
    countySeq: doc.countySeq,
  };
}

/** What the search index keeps of a patient document. */
export function indexEntry(doc: PatientDoc) {
  return {
    id: doc.id,
    name: doc.name,
    idNumber: doc.idNumber,
    phone: doc.phone,
    healthCardToken: doc.healthCardToken,
    birthDate: doc.birthDate,
    sex: doc.sex,
    deceased: doc.status === 'deceased',
    pinyinFull: doc.namePinyin,
    pinyinInitials: doc.nameInitials,
  };
}

/** Every live patient document, read in one go. */
export async function readAllPatients(db: ClinicDatabase): Promise<PatientDoc[]> {
  // RxDB's query path walks IndexedDB with a cursor, one step per document (seconds
  // for 50,000); its Dexie storage keeps each collection in one table we can read
  // with a single getAll. Anything else falls back to the query.
  const internals = await (
    db.patients.storageInstance as unknown as {
      internals?: Promise<{ dexieTable?: { toArray(): Promise<Array<PatientDoc & { _deleted: unknown }>> } }>;
    }
  ).internals;
  if (internals?.dexieTable) {
    const rows = await internals.dexieTable.toArray();
    return rows.filter((row) => row._deleted !== true && row._deleted !== '1');
  }
  const result = await db.patients.storageInstance.query(db.patients.find().getPreparedQuery());
  return result.documents as unknown as PatientDoc[];
}

export async function loadPatientIndex(db: ClinicDatabase): Promise<Omit<PatientIndex, 'version'>> {
  const index = new PatientSearchIndex();
  const summaries = new Map<string, PatientSummary>();
  const docs = await readAllPatients(db);
  index.upsertMany(docs.map(indexEntry));
  for (const doc of docs) summaries.set(doc.id, summary(doc));
  return { index, summaries, ready: true };
}

type Listener = () => void;

/**
 * The clinic's patient index, one per open store, kept for the whole session:
 * loading starts as soon as the store opens (while the sign-in screen shows),
 * and changes are followed from before the load begins, so a patient that
 * arrives by sync during the load is not missed.
 */
class LivePatientIndex {
  state: PatientIndex = { index: new PatientSearchIndex(), summaries: new Map(), ready: false, version: 0 };
  failure: string | undefined;
  private readonly listeners = new Set<Listener>();

  constructor(db: ClinicDatabase) {
    const early: PatientDoc[] = [];
    let loaded: Omit<PatientIndex, 'version'> | undefined;
    db.patients.$.subscribe((change) => {
      const doc = change.documentData as PatientDoc;
      if (!loaded) {
        early.push(doc);
        return;
      }
      this.apply(loaded, doc, change.operation === 'DELETE');
      this.publish({ ...loaded, version: this.state.version + 1 });
    });
    loadPatientIndex(db).then(
      (result) => {
        loaded = result;
        for (const doc of early) this.apply(result, doc, Boolean((doc as { _deleted?: boolean })._deleted));
        this.publish({ ...result, version: this.state.version + 1 });
      },
      (error: unknown) => {
        this.failure = error instanceof Error ? error.message : String(error);
        this.publish({ ...this.state, version: this.state.version + 1 });
      },
    );
  }

  private apply(target: Omit<PatientIndex, 'version'>, doc: PatientDoc, deleted: boolean): void {
    if (deleted) {
      target.index.remove(doc.id);
      target.summaries.delete(doc.id);
    } else {
      target.index.upsert(indexEntry(doc));
      target.summaries.set(doc.id, summary(doc));
    }
  }

  private publish(next: PatientIndex): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

const live = new WeakMap<ClinicDatabase, LivePatientIndex>();

/** Starts (once per store) loading the patient index; boot calls it before sign-in. */
export function startPatientIndex(db: ClinicDatabase): LivePatientIndex {
  let index = live.get(db);
  if (!index) {
    index = new LivePatientIndex(db);
    live.set(db, index);
  }
  return index;
}

export function usePatientIndex(db: ClinicDatabase): PatientIndex & { failure?: string } {
  const index = startPatientIndex(db);
  const state = useSyncExternalStore(index.subscribe, () => index.state);
  return index.failure ? { ...state, failure: index.failure } : state;
}
