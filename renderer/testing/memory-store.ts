/**
 * The real store (RxDB + Dexie + validation + migrations) over fake-indexeddb,
 * for Node tests that need speed. Each call gets its own IndexedDB factory, so
 * tests never see each other's data.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { openClinicDatabase } from '../store/database';

export function memoryStorage(indexedDB = new IDBFactory()) {
  return getRxStorageDexie({ indexedDB, IDBKeyRange });
}

export async function openMemoryClinic(name = `clinic-${crypto.randomUUID().slice(0, 8)}`) {
  const storage = memoryStorage();
  const db = await openClinicDatabase({ name, storage });
  return { db, storage, name };
}
