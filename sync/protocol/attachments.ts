/**
 * File bytes of `attachments` documents on the wire: the metadata replicates
 * like any document, the bytes go by their own binary routes and are checked
 * against the metadata's digest on both ends.
 */
import smCrypto from 'sm-crypto';
import type { AttachmentDoc } from './schema';

/** `PUT` (raw body, Content-Type = the document's mime) and `GET` of one attachment's bytes. */
export const ATTACHMENT_CONTENT_ROUTE = '/v1/attachments/:id/content';
export const attachmentContentPath = (id: string): string =>
  ATTACHMENT_CONTENT_ROUTE.replace(':id', encodeURIComponent(id));

/**
 * Largest file the county takes (consent scan, report, ECG). The referral form
 * keeps images under 400 KB and PDFs under 1 MB, so this only stops files made
 * elsewhere.
 */
export const ATTACHMENT_MAX_BYTES = 1024 * 1024;

export const ATTACHMENT_ERROR_STATUS = {
  'attachment-unknown': 404,
  'attachment-not-uploaded': 404,
  'attachment-not-owner': 403,
  'attachment-too-large': 413,
  'attachment-type-mismatch': 415,
  'attachment-digest-mismatch': 422,
  'attachment-content-differs': 409,
} as const;
export type AttachmentErrorCode = keyof typeof ATTACHMENT_ERROR_STATUS;

export interface AttachmentErrorBody {
  error: AttachmentErrorCode;
  message: string;
}

/** What `PUT` answers: `stored` false when the same bytes were already there. */
export interface AttachmentUploadResponse {
  id: string;
  stored: boolean;
  size: number;
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The hex digest the metadata declares, by its algorithm. */
export async function fileDigest(
  bytes: Uint8Array<ArrayBuffer>,
  algorithm: AttachmentDoc['digestAlgorithm'],
): Promise<string> {
  if (algorithm === 'sm3') return smCrypto.sm3(Array.from(bytes));
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}
