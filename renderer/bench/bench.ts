/**
 * The benchmark page (`npm run bench`, see scripts/bench.mjs and docs/benchmarks.md).
 * Built with the app's Vite config and served by the headless host from the
 * app's own origin, so it works on the app's real clinic store: it fills it with
 * synthetic patients through the app's own modules and times the search index
 * the patients page uses. Measures only; asserts nothing. Never shipped: the
 * bench script builds it into a private folder, not dist/.
 */
import type { PatientDoc } from '../../sync/protocol/schema';
import type { Session } from '../auth/session';
import { readClinicIdentity } from '../enrolment/enrol';
import { inputFromPatient, type PatientFields, validatePatientInput } from '../patients/patient-input';
import { newPatientDoc } from '../patients/patient-registry';
import { type IndexablePatient, PatientSearchIndex } from '../patients/search';
import { syntheticPatients } from '../patients/search/synthetic-patients';
import { indexEntry, loadPatientIndex, readAllPatients } from '../patients/use-patient-index';
import { type ClinicDatabase, openClinicDatabase } from '../store/database';

export const QUERY_KINDS = ['pinyin', 'initials', 'name', 'idTail', 'phone'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface RegisterResult {
  count: number;
  batchSize: number;
  /** Wall clock for the whole run: generating, building documents, writing. */
  total_s: number;
  /** Part of total_s spent in syntheticPatients and newPatientDoc (pinyin keys). */
  build_s: number;
  /** Part of total_s spent in db.patients.bulkInsert (schema validation, Dexie, IndexedDB). */
  insert_s: number;
  patientsInStore: number;
}

export interface SearchResult {
  indexSize: number;
  /** loadPatientIndex: one storage query plus building the in-memory index, as at app start. */
  indexLoad_ms: number;
  /** Where indexLoad_ms goes, measured again part by part (diagnostic). */
  indexLoadParts_ms: IndexLoadParts;
  queriesPerKind: number;
  rounds: number;
  samples: number;
  p95_ms: number;
  p50_ms: number;
  max_ms: number;
  p95_msByKind: Record<QueryKind, number>;
  meanHitsByKind: Record<QueryKind, number>;
}

export interface XiangyiBench {
  register(count: number, options?: { seed?: number; batchSize?: number }): Promise<RegisterResult>;
  search(options?: {
    perKind?: number;
    rounds?: number;
    seed?: number;
    limit?: number;
  }): Promise<SearchResult>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    xiangyiBench?: XiangyiBench;
  }
}

/** mulberry32, so the same seed always draws the same queries. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1));
  return sorted[at] ?? 0;
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

let opened: Promise<ClinicDatabase> | undefined;
const database = () => {
  opened ??= openClinicDatabase();
  return opened;
};

/** The enrolled clinic's admin, as sign-in would give it: patients are written as this user. */
async function adminSession(db: ClinicDatabase): Promise<Session> {
  const identity = await readClinicIdentity(db);
  if (!identity) throw new Error('the store is not enrolled: enrol through the first-run form first');
  const facility = await db.facilities.findOne(identity.facilityId).exec();
  const users = await db.users.find({ selector: { facilityId: identity.facilityId } }).exec();
  const admin = users.find((user) => user.roles.includes('admin'));
  if (!facility || !admin) throw new Error('the enrolled facility or its admin is missing');
  return {
    userId: admin.id,
    userName: admin.displayName,
    roles: [...admin.roles],
    facilityId: identity.facilityId,
    facilityName: facility.name,
  };
}

function fieldsOf(p: ReturnType<typeof syntheticPatients>[number]): PatientFields {
  return {
    name: p.name,
    sex: p.sex === 'male' ? 'male' : 'female',
    birthDate: p.birthDate ?? '',
    ...(p.idNumber ? { idNumber: p.idNumber } : {}),
    ...(p.phone ? { phone: p.phone } : {}),
    ...(p.healthCardToken ? { healthCardToken: p.healthCardToken } : {}),
    address: {},
    allergies: [],
    chronicConditions: [],
  };
}

async function register(
  count: number,
  { seed = 2026, batchSize = 1000 }: { seed?: number; batchSize?: number } = {},
): Promise<RegisterResult> {
  const db = await database();
  const session = await adminSession(db);
  let build = 0;
  let insert = 0;
  const t0 = performance.now();
  const synthetic = syntheticPatients(count, seed);
  build += performance.now() - t0;
  for (let start = 0; start < count; start += batchSize) {
    const b0 = performance.now();
    const docs: PatientDoc[] = synthetic
      .slice(start, start + batchSize)
      .map((p) => newPatientDoc(session, fieldsOf(p)));
    const b1 = performance.now();
    const result = await db.patients.bulkInsert(docs);
    insert += performance.now() - b1;
    build += b1 - b0;
    if (result.error.length > 0) {
      throw new Error(
        `bulkInsert refused ${result.error.length} documents: ${JSON.stringify(result.error[0])}`,
      );
    }
    if ((start / batchSize) % 10 === 9) console.log(`registered ${start + docs.length} of ${count}`);
  }
  const total = performance.now() - t0;

  // Untimed: the same fields pass the registration form's rules, so the data is what the desk would write.
  for (let i = 0; i < synthetic.length; i += 97) {
    const p = synthetic[i];
    if (!p) continue;
    const checked = validatePatientInput(inputFromPatient(fieldsOf(p)));
    if (!checked.ok)
      throw new Error(`synthetic patient ${p.name} fails the form: ${JSON.stringify(checked.errors)}`);
  }
  return {
    count,
    batchSize,
    total_s: round(total / 1000, 3),
    build_s: round(build / 1000, 3),
    insert_s: round(insert / 1000, 3),
    patientsInStore: await db.patients.count().exec(),
  };
}

export interface IndexLoadParts {
  /** Reading every patient as loadPatientIndex does (one getAll of the collection's table). */
  read: number;
  /** Building the search index from them in bulk, as loadPatientIndex does. */
  indexBuild: number;
}

/** The two parts of loadPatientIndex, timed apart with the app's own functions. */
async function indexLoadParts(db: ClinicDatabase): Promise<IndexLoadParts> {
  const t0 = performance.now();
  const docs = await readAllPatients(db);
  const t1 = performance.now();
  new PatientSearchIndex().upsertMany(docs.map(indexEntry));
  const t2 = performance.now();
  return { read: Math.round(t1 - t0), indexBuild: Math.round(t2 - t1) };
}

function drawQueries(records: readonly IndexablePatient[], perKind: number, seed: number) {
  const r = rng(seed);
  const draw = (pick: (p: IndexablePatient) => string | undefined): string[] => {
    const out: string[] = [];
    for (let tries = 0; out.length < perKind && tries < perKind * 100; tries++) {
      const p = records[Math.floor(r() * records.length)];
      const q = p ? pick(p) : undefined;
      if (q) out.push(q);
    }
    return out;
  };
  return {
    // Full pinyin as typed without tones or spaces: 'zhangwei'.
    pinyin: draw((p) => p.pinyinFull),
    // Initials: 'zw', 'zwf'. The broadest queries: thousands of names share them.
    initials: draw((p) => p.pinyinInitials),
    // The name in characters: '张伟'.
    name: draw((p) => p.name),
    // The last four characters of the ID number, as clerks read them back.
    idTail: draw((p) => p.idNumber?.slice(-4)),
    // The whole mobile number.
    phone: draw((p) => p.phone),
  } satisfies Record<QueryKind, string[]>;
}

async function search({
  perKind = 200,
  rounds = 5,
  seed = 7,
  limit = 40,
}: {
  perKind?: number;
  rounds?: number;
  seed?: number;
  limit?: number;
} = {}): Promise<SearchResult> {
  const db = await database();
  const l0 = performance.now();
  const { index } = await loadPatientIndex(db);
  const indexLoad = performance.now() - l0;
  const parts = await indexLoadParts(db);
  const queries = drawQueries(index.values(), perKind, seed);

  const all: number[] = [];
  const p95ByKind = {} as Record<QueryKind, number>;
  const meanHits = {} as Record<QueryKind, number>;
  for (const kind of QUERY_KINDS) {
    // One untimed pass to warm up the JIT and merge any pending index inserts.
    let hits = 0;
    for (const q of queries[kind]) {
      const found = index.search(q, limit).length;
      if (found === 0)
        throw new Error(`${kind} query ${q} found nothing, though drawn from a stored patient`);
      hits += found;
    }
    meanHits[kind] = round(hits / Math.max(1, queries[kind].length), 1);
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const q of queries[kind]) {
        const t0 = performance.now();
        index.search(q, limit);
        times.push(performance.now() - t0);
      }
    }
    times.sort((a, b) => a - b);
    p95ByKind[kind] = round(percentile(times, 0.95));
    all.push(...times);
  }
  all.sort((a, b) => a - b);
  return {
    indexSize: index.size,
    indexLoad_ms: Math.round(indexLoad),
    indexLoadParts_ms: parts,
    queriesPerKind: perKind,
    rounds,
    samples: all.length,
    p95_ms: round(percentile(all, 0.95)),
    p50_ms: round(percentile(all, 0.5)),
    max_ms: round(all[all.length - 1] ?? 0),
    p95_msByKind: p95ByKind,
    meanHitsByKind: meanHits,
  };
}

async function close(): Promise<void> {
  const db = opened;
  opened = undefined;
  // The app opens the store with multiInstance false: it must be closed here before the app page opens it.
  if (db) await (await db).close();
}

window.xiangyiBench = { register, search, close };
document.body.dataset.benchReady = 'true';
