/**
 * Keeps the in-memory search index in step with the patients collection: one
 * full load when the app opens, then each change as it is written (locally or,
 * later, by replication).
 */
import { useEffect, useState } from 'react';
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

function indexEntry(doc: PatientDoc) {
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

export async function loadPatientIndex(db: ClinicDatabase): Promise<Omit<PatientIndex, 'version'>> {
  const index = new PatientSearchIndex();
  const summaries = new Map<string, PatientSummary>();
  // Straight from storage: 50,000 RxDocument objects would cost seconds at start-up.
  const result = await db.patients.storageInstance.query(db.patients.find().getPreparedQuery());
  for (const doc of result.documents as unknown as PatientDoc[]) {
    index.upsert(indexEntry(doc));
    summaries.set(doc.id, summary(doc));
  }
  return { index, summaries, ready: true };
}

export function usePatientIndex(db: ClinicDatabase): PatientIndex {
  const [state, setState] = useState<PatientIndex>(() => ({
    index: new PatientSearchIndex(),
    summaries: new Map(),
    ready: false,
    version: 0,
  }));

  useEffect(() => {
    let cancelled = false;
    let subscription: { unsubscribe(): void } | undefined;
    void loadPatientIndex(db).then((loaded) => {
      if (cancelled) return;
      setState({ ...loaded, version: 1 });
      subscription = db.patients.$.subscribe((change) => {
        const doc = change.documentData as PatientDoc;
        if (change.operation === 'DELETE') {
          loaded.index.remove(change.documentId);
          loaded.summaries.delete(change.documentId);
        } else {
          loaded.index.upsert(indexEntry(doc));
          loaded.summaries.set(doc.id, summary(doc));
        }
        setState((previous) => ({ ...previous, version: previous.version + 1 }));
      });
    });
    return () => {
      cancelled = true;
      subscription?.unsubscribe();
    };
  }, [db]);

  return state;
}
