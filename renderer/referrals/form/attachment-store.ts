/**
 * Attaching files to a referral in the browser: images are decoded, scaled
 * and re-encoded with a canvas (attachment-rules.ts says how far), hashed,
 * and stored as an `attachments` document with the bytes as its RxDB
 * attachment. A refusal carries the rule's problem so the screen can name
 * the file and the limit.
 */
import type { AttachmentDoc } from '../../../sync/protocol/schema';
import type { Session } from '../../auth/session';
import type { ClinicDatabase } from '../../store/database';
import {
  ATTACHMENT_LIMITS,
  type AttachmentKind,
  type AttachmentProblem,
  checkCompressed,
  JPEG_QUALITIES,
  PDF_TYPE,
  planAttachment,
  scaledSize,
  storedFileName,
} from './attachment-rules';

export class AttachmentRefused extends Error {
  constructor(readonly problem: AttachmentProblem) {
    super(`${problem.fileName}: ${problem.code}`);
    this.name = 'AttachmentRefused';
  }
}

/** The RxDB attachment id of the file's bytes on its attachments document. */
export const FILE_ATTACHMENT_ID = 'file';

async function encode(bitmap: ImageBitmap, maxSide: number, quality: number): Promise<Blob> {
  const { width, height } = scaledSize(bitmap.width, bitmap.height, maxSide);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  // A transparent PNG would turn black as JPEG: paper is white.
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.drawImage(bitmap, 0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

/** The image scaled and re-encoded until it fits, or the smallest result tried. */
export async function compressImage(file: Blob, fileName: string): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new AttachmentRefused({ code: 'unreadable-image', fileName });
  }
  try {
    let smallest: Blob | undefined;
    for (const side of [ATTACHMENT_LIMITS.maxImageSide, ATTACHMENT_LIMITS.maxImageSide / 2]) {
      for (const quality of JPEG_QUALITIES) {
        const blob = await encode(bitmap, side, quality);
        if (!smallest || blob.size < smallest.size) smallest = blob;
        if (blob.size <= ATTACHMENT_LIMITS.maxImageBytes) return blob;
      }
    }
    return smallest as Blob;
  } finally {
    bitmap.close();
  }
}

async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface AttachInput {
  referralId: string;
  kind: AttachmentKind;
  file: File;
  /** What the referral already carries (count and bytes), for the per-referral limits. */
  stored: { count: number; bytes: number };
}

/** Checks, compresses, hashes and stores one file; returns its attachments document. */
export async function attachFile(
  db: ClinicDatabase,
  session: Session,
  input: AttachInput,
): Promise<AttachmentDoc> {
  const { file } = input;
  const plan = planAttachment(file, input.stored);
  if (!plan.ok) throw new AttachmentRefused(plan.problem);
  let bytes: Blob = file;
  if (plan.action === 'compress-image') {
    bytes = await compressImage(file, file.name);
    const check = checkCompressed(file.name, bytes.size, input.stored.bytes);
    if (!check.ok) throw new AttachmentRefused(check.problem);
  }
  const mime = plan.action === 'keep-pdf' ? PDF_TYPE : 'image/jpeg';
  const at = new Date().toISOString();
  const doc: AttachmentDoc = {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    ownerType: 'referral',
    ownerId: input.referralId,
    kind: input.kind,
    fileName: storedFileName(file.name, mime),
    mime,
    size: bytes.size,
    digest: await sha256Hex(bytes),
    digestAlgorithm: 'sha256',
  };
  const stored = await db.attachments.insert(doc);
  await stored.putAttachment({ id: FILE_ATTACHMENT_ID, data: bytes, type: mime });
  return doc;
}

/** The stored bytes of an attachment (to show a thumbnail or open the PDF). */
export async function attachmentBytes(db: ClinicDatabase, id: string): Promise<Blob | undefined> {
  const doc = await db.attachments.findOne(id).exec();
  return (await doc?.getAttachment(FILE_ATTACHMENT_ID)?.getData()) ?? undefined;
}

/** Takes an attachment off a draft (a tombstone, like every delete). */
export async function removeAttachment(db: ClinicDatabase, id: string): Promise<void> {
  await (await db.attachments.findOne(id).exec())?.remove();
}
