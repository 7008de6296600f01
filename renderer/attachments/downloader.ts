/**
 * Opening an attachment on the receiving side: the bytes come from the county
 * the first time, are checked against the metadata's digest, and are kept as
 * the document's RxDB attachment so the next opening needs no link.
 */
import { attachmentContentPath, fileDigest } from '../../sync/protocol/attachments';
import { FILE_ATTACHMENT_ID } from '../referrals/form/attachment-store';
import type { ClinicDatabase } from '../store/database';
import { type CountyApi, CountyError } from '../sync/county-api';

/** A user is waiting for it: before patients and readings, after referral work. */
export const ATTACHMENT_DOWNLOAD_RANK = 1;

export type FetchProblem =
  /** The county has the record but not the file yet (the sender's link has not carried it). */
  | 'not-arrived'
  /** No link to the county from here right now. */
  | 'offline'
  /** What came did not match the digest: nothing was kept. */
  | 'damaged'
  | 'unknown';

export class AttachmentUnavailable extends Error {
  constructor(
    readonly problem: FetchProblem,
    message: string,
  ) {
    super(message);
    this.name = 'AttachmentUnavailable';
  }
}

/** The file's bytes, from here or from the county (then kept here). */
export async function openAttachment(
  db: ClinicDatabase,
  api: CountyApi | undefined,
  id: string,
): Promise<Blob> {
  const doc = await db.attachments.findOne(id).exec();
  if (!doc) throw new AttachmentUnavailable('unknown', `attachment ${id} is not in this clinic's records`);
  const local = doc.getAttachment(FILE_ATTACHMENT_ID);
  if (local) return local.getData();
  if (!api) throw new AttachmentUnavailable('offline', 'this workstation has no link to the county now');
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await api.transfer(attachmentContentPath(id), { method: 'GET', rank: ATTACHMENT_DOWNLOAD_RANK });
  } catch (error) {
    if (error instanceof CountyError && (error.code as string) === 'attachment-not-uploaded')
      throw new AttachmentUnavailable('not-arrived', error.message);
    if (error instanceof CountyError && error.code === 'offline')
      throw new AttachmentUnavailable('offline', error.message);
    throw error;
  }
  if (bytes.length !== doc.size || (await fileDigest(bytes, doc.digestAlgorithm)) !== doc.digest) {
    throw new AttachmentUnavailable(
      'damaged',
      `the file "${doc.fileName}" from the county does not match its record; it was not kept`,
    );
  }
  const blob = new Blob([bytes], { type: doc.mime });
  await doc.putAttachment({ id: FILE_ATTACHMENT_ID, data: blob, type: doc.mime });
  return blob;
}
