/**
 * What may travel with a referral over a village's slow link. Photos are
 * scaled down and re-encoded as JPEG before they are stored (a phone photo of
 * a lab report is 3–5 MB; 1600 px at quality 0.75 is readable and ~300 KB);
 * PDFs cannot be re-encoded here, so they must already be small. Every refusal
 * names the file and the limit, and nothing already attached is lost.
 */
import type { AttachmentDoc } from '../../../sync/protocol/schema';

export const ATTACHMENT_LIMITS = {
  /** A file larger than this is not even opened (a video, a raw scan folder). */
  maxInputBytes: 20 * 1024 * 1024,
  /** After compression: one image. */
  maxImageBytes: 400 * 1024,
  /** A PDF as chosen (no re-encoding in the clinic). */
  maxPdfBytes: 1024 * 1024,
  /** All attachments of one referral together (the consent included). */
  maxTotalBytes: 4 * 1024 * 1024,
  /** Longest side of a stored image, in pixels. */
  maxImageSide: 1600,
  maxFiles: 12,
} as const;

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/gif'] as const;
export const PDF_TYPE = 'application/pdf';

export type AttachmentKind = AttachmentDoc['kind'];
/** Kinds the referring doctor attaches (the slip and ECG come from elsewhere). */
export const REFERRAL_ATTACHMENT_KINDS = [
  'record',
  'prescription',
  'lab-report',
  'exam-report',
  'other',
] as const;

export type AttachmentProblem =
  | { code: 'unsupported-type'; fileName: string; mime: string }
  | { code: 'file-too-large'; fileName: string; size: number; limit: number }
  | { code: 'pdf-too-large'; fileName: string; size: number; limit: number }
  | { code: 'image-still-too-large'; fileName: string; size: number; limit: number }
  | { code: 'total-too-large'; fileName: string; total: number; limit: number }
  | { code: 'too-many-files'; fileName: string; limit: number }
  | { code: 'unreadable-image'; fileName: string };

export interface ChosenFile {
  name: string;
  type: string;
  size: number;
}

export type FilePlan =
  | { ok: true; action: 'compress-image' | 'keep-pdf' }
  | { ok: false; problem: AttachmentProblem };

/** Before reading the file: what to do with it, or why not. `stored` = bytes already attached. */
export function planAttachment(file: ChosenFile, stored: { count: number; bytes: number }): FilePlan {
  const fileName = file.name;
  if (stored.count >= ATTACHMENT_LIMITS.maxFiles)
    return { ok: false, problem: { code: 'too-many-files', fileName, limit: ATTACHMENT_LIMITS.maxFiles } };
  if (file.size > ATTACHMENT_LIMITS.maxInputBytes)
    return {
      ok: false,
      problem: { code: 'file-too-large', fileName, size: file.size, limit: ATTACHMENT_LIMITS.maxInputBytes },
    };
  if (file.type === PDF_TYPE) {
    if (file.size > ATTACHMENT_LIMITS.maxPdfBytes)
      return {
        ok: false,
        problem: { code: 'pdf-too-large', fileName, size: file.size, limit: ATTACHMENT_LIMITS.maxPdfBytes },
      };
    return fitsTotal(fileName, file.size, stored.bytes) ?? { ok: true, action: 'keep-pdf' };
  }
  if ((IMAGE_TYPES as readonly string[]).includes(file.type)) return { ok: true, action: 'compress-image' };
  return { ok: false, problem: { code: 'unsupported-type', fileName, mime: file.type || '?' } };
}

/** After compressing an image: may its result be stored? */
export function checkCompressed(
  fileName: string,
  size: number,
  storedBytes: number,
): { ok: true } | { ok: false; problem: AttachmentProblem } {
  if (size > ATTACHMENT_LIMITS.maxImageBytes)
    return {
      ok: false,
      problem: { code: 'image-still-too-large', fileName, size, limit: ATTACHMENT_LIMITS.maxImageBytes },
    };
  return fitsTotal(fileName, size, storedBytes) ?? { ok: true };
}

function fitsTotal(
  fileName: string,
  size: number,
  storedBytes: number,
): { ok: false; problem: AttachmentProblem } | null {
  const total = storedBytes + size;
  return total > ATTACHMENT_LIMITS.maxTotalBytes
    ? {
        ok: false,
        problem: { code: 'total-too-large', fileName, total, limit: ATTACHMENT_LIMITS.maxTotalBytes },
      }
    : null;
}

/** The size to draw an image at: the longest side at most `maxSide`, proportions kept, never enlarged. */
export function scaledSize(
  width: number,
  height: number,
  maxSide: number = ATTACHMENT_LIMITS.maxImageSide,
): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height };
  const factor = maxSide / longest;
  return { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
}

/** JPEG qualities tried in turn until the image fits (then the side is halved once more). */
export const JPEG_QUALITIES = [0.8, 0.65, 0.5] as const;

/** The stored name: the original's base with the new extension (a re-encoded PNG is a JPEG now). */
export function storedFileName(original: string, mime: string): string {
  const base = original.replace(/\.[^.]+$/, '').slice(0, 180) || 'file';
  return mime === PDF_TYPE ? `${base}.pdf` : `${base}.jpg`;
}

/** "1.5 MB" / "320 KB": sizes as the refusal messages show them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
