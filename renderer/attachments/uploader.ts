/**
 * Sends the bytes of this facility's attachments to the county, after their
 * metadata got there (the document carries the county's stamp). Lowest
 * priority on the link, one file at a time, with back-off on failure. What was
 * sent (or refused for good) is remembered in a local document per attachment,
 * so a restart resumes with what is left.
 */
import type { RxDocument } from 'rxdb';
import type { Subscription } from 'rxjs';
import { type AttachmentErrorCode, attachmentContentPath } from '../../sync/protocol/attachments';
import type { AttachmentDoc } from '../../sync/protocol/schema';
import { FILE_ATTACHMENT_ID } from '../referrals/form/attachment-store';
import type { ClinicDatabase } from '../store/database';
import { retryDelayMs } from '../sync/backoff';
import { type CountyApi, CountyError } from '../sync/county-api';

/** Below every collection's PRIORITY: files wait for commands, records and reference data. */
export const ATTACHMENT_UPLOAD_RANK = 3;

/** Refusals that the same bytes would get again: recorded, not retried. */
const FINAL_REFUSALS: ReadonlySet<string> = new Set<AttachmentErrorCode>([
  'attachment-too-large',
  'attachment-type-mismatch',
  'attachment-digest-mismatch',
  'attachment-content-differs',
  'attachment-not-owner',
]);

export interface UploadRecord {
  state: 'uploaded' | 'refused';
  digest: string;
  at: string;
  code?: string;
  message?: string;
}

const recordKey = (id: string) => `attachment-upload:${id}`;

/** What became of an attachment's upload, or null while it waits. */
export async function uploadRecord(db: ClinicDatabase, id: string): Promise<UploadRecord | null> {
  const local = await db.getLocal<UploadRecord>(recordKey(id));
  return local ? (local.toJSON().data as UploadRecord) : null;
}

/** Own attachments whose metadata the county holds and whose bytes were not sent yet. */
export async function waitingUploads(
  db: ClinicDatabase,
  facilityId: string,
): Promise<Array<RxDocument<AttachmentDoc>>> {
  const docs = (await db.attachments
    .find({ selector: { facilityId, countySeq: { $exists: true } }, sort: [{ createdAt: 'asc' }] })
    .exec()) as Array<RxDocument<AttachmentDoc>>;
  const waiting: Array<RxDocument<AttachmentDoc>> = [];
  for (const doc of docs) {
    if (!doc.getAttachment(FILE_ATTACHMENT_ID)) continue;
    const record = await uploadRecord(db, doc.id);
    if (!record || record.digest !== doc.digest) waiting.push(doc);
  }
  return waiting;
}

/** Sends one file; returns what the county answered. */
export async function uploadOne(
  db: ClinicDatabase,
  api: CountyApi,
  doc: RxDocument<AttachmentDoc>,
): Promise<UploadRecord> {
  const file = doc.getAttachment(FILE_ATTACHMENT_ID);
  if (!file) throw new Error(`attachment ${doc.id} has no bytes here`);
  const bytes = new Uint8Array(await (await file.getData()).arrayBuffer());
  let record: UploadRecord;
  try {
    await api.transfer(attachmentContentPath(doc.id), {
      method: 'PUT',
      body: bytes,
      contentType: doc.mime,
      rank: ATTACHMENT_UPLOAD_RANK,
    });
    record = { state: 'uploaded', digest: doc.digest, at: new Date().toISOString() };
  } catch (error) {
    if (!(error instanceof CountyError) || !FINAL_REFUSALS.has(error.code)) throw error;
    record = {
      state: 'refused',
      digest: doc.digest,
      at: new Date().toISOString(),
      code: error.code,
      message: error.message,
    };
  }
  await db.upsertLocal<UploadRecord>(recordKey(doc.id), record);
  return record;
}

export interface AttachmentUploader {
  /** Resolves once nothing is waiting (tests, the sync panel). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startAttachmentUploader(
  db: ClinicDatabase,
  api: CountyApi,
  facilityId: string,
  delayMs: (failures: number) => number = retryDelayMs,
): AttachmentUploader {
  let stopped = false;
  let wake: (() => void) | undefined;
  let idleWaiters: Array<() => void> = [];
  let dirty = true;
  let idleNow = false;
  const nap = (ms?: number) =>
    new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
      wake = done;
    });
  // A new file or the county's stamp on one: look again.
  const changes: Subscription = db.attachments.$.subscribe(() => {
    dirty = true;
    wake?.();
  });

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      if (!dirty) {
        for (const resolve of idleWaiters.splice(0)) resolve();
        idleNow = true;
        await nap();
        idleNow = false;
        continue;
      }
      dirty = false;
      const waiting = await waitingUploads(db, facilityId);
      for (const doc of waiting) {
        if (stopped) return;
        try {
          await uploadOne(db, api, doc);
          failures = 0;
        } catch {
          if (stopped) return;
          failures++;
          dirty = true;
          await nap(delayMs(failures));
          break;
        }
      }
    }
  };
  const running = loop();

  return {
    idle() {
      if (idleNow || stopped) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopped = true;
      changes.unsubscribe();
      wake?.();
      await running.catch(() => undefined);
      for (const resolve of idleWaiters.splice(0)) resolve();
      idleWaiters = [];
    },
  };
}
