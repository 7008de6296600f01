/**
 * The clinic's local store of record: RxDB on Dexie (IndexedDB), in the renderer.
 * Every write goes through schema validation (see validation.ts).
 */
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBAttachmentsPlugin } from 'rxdb/plugins/attachments';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { deepEqual } from 'rxdb/plugins/utils';
import {
  type AppointmentDoc,
  type AttachmentDoc,
  type AuditDoc,
  CLINIC_SCHEMAS,
  type FacilityDoc,
  type PatientDoc,
  type ReadingDoc,
  type ReferralCommandDoc,
  type ReferralDoc,
  type SlotDoc,
  type StaffDoc,
  type UserDoc,
  type VisitDoc,
} from '../../sync/protocol/schema';
import { guardAuditTrail } from '../audit/audit-log';
import { rememberCountyBase } from './county-base';
import { MIGRATIONS } from './migrations';
import { wrappedValidateStorage } from './validation';

addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBLocalDocumentsPlugin);
addRxPlugin(RxDBAttachmentsPlugin);

export type ClinicCollections = {
  facilities: RxCollection<FacilityDoc>;
  staff: RxCollection<StaffDoc>;
  users: RxCollection<UserDoc>;
  patients: RxCollection<PatientDoc>;
  visits: RxCollection<VisitDoc>;
  readings: RxCollection<ReadingDoc>;
  referrals: RxCollection<ReferralDoc>;
  referral_commands: RxCollection<ReferralCommandDoc>;
  slots: RxCollection<SlotDoc>;
  appointments: RxCollection<AppointmentDoc>;
  attachments: RxCollection<AttachmentDoc>;
  audit: RxCollection<AuditDoc>;
};

export type ClinicDatabase = RxDatabase<ClinicCollections>;

export interface OpenOptions {
  name?: string;
  /** Tests pass Dexie over fake-indexeddb; the app uses the browser's IndexedDB. */
  storage?: RxStorage<unknown, unknown>;
}

export const DEFAULT_DATABASE_NAME = 'xiangyi-clinic';

export async function openClinicDatabase(options: OpenOptions = {}): Promise<ClinicDatabase> {
  const db = await createRxDatabase<ClinicCollections>({
    name: options.name ?? DEFAULT_DATABASE_NAME,
    storage: wrappedValidateStorage({ storage: options.storage ?? getRxStorageDexie() }),
    localDocuments: true,
    multiInstance: false,
    eventReduce: true,
    // "Waiting for the county" counts scan for documents without a county stamp.
    allowSlowCount: true,
  });
  const collections = Object.fromEntries(
    Object.entries(CLINIC_SCHEMAS).map(([name, schema]) => [
      name,
      { schema, migrationStrategies: MIGRATIONS[name as keyof typeof MIGRATIONS] ?? {}, autoMigrate: true },
    ]),
  );
  await db.addCollections(collections as never);
  guardAuditTrail(db);
  markLocalWrites(db);
  return db;
}

/**
 * A document written here has not reached the county until the gateway stores
 * it and stamps it again; dropping the stamp on every local write is what makes
 * it show as waiting. Replication writes bypass these hooks, so pulled
 * documents keep the stamp the county gave them.
 */
function markLocalWrites(db: ClinicDatabase): void {
  const unstamp = (data: { countySeq?: number; countyTime?: string }) => {
    delete data.countySeq;
    delete data.countyTime;
  };
  for (const collection of Object.values(db.collections)) {
    collection.preInsert(unstamp, false);
    collection.preSave(unstamp, false);
    // What the county holds, for a document the first sync stored without RxDB's copy of it.
    collection.preSave(
      (_data, previous) => rememberCountyBase(db, collection.name, previous as never),
      false,
    );
    collection.preRemove((data) => rememberCountyBase(db, collection.name, data as never), false);
  }
  // Storing a file's bytes (a download on the receiving side) changes no field the county holds.
  // RxDB hands a save hook the previous document data, not a document.
  db.attachments.preSave((data, previous) => {
    const before = previous as unknown as { countySeq?: number; countyTime?: string };
    if (before.countySeq !== undefined && deepEqual(withoutFiles(data), withoutFiles(before))) {
      data.countySeq = before.countySeq;
      data.countyTime = before.countyTime;
    }
  }, false);
}

function withoutFiles(data: object): object {
  const {
    _attachments: _files,
    _meta: _m,
    _rev: _r,
    countySeq: _s,
    countyTime: _t,
    ...fields
  } = data as Record<string, unknown>;
  return fields;
}
