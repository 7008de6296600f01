/**
 * The archive copy of a referral slip: the A5 PDF kept as an `attachments`
 * document of the referral (kind `slip`), so it travels like any attachment:
 * the metadata replicates, the uploader sends the bytes to the county.
 *
 * One copy per slip: printing or saving the same slip again keeps the first
 * copy; a slip that reads differently (the county confirmed it, a slot was
 * booked) gets a copy of its own, and the newest is shown first. "The same
 * slip" is everything it prints except when it was issued and the signature.
 */
import smCrypto from 'sm-crypto';
import { ATTACHMENT_MAX_BYTES } from '../../../sync/protocol/attachments';
import { canonicalSlip, normaliseSlipText, SLIP_FIELDS } from '../../../sync/protocol/referral/slip';
import type { AttachmentDoc } from '../../../sync/protocol/schema';
import type { Session } from '../../auth/session';
import type { ClinicDatabase } from '../../store/database';
import { FILE_ATTACHMENT_ID } from '../form/attachment-store';
import type { IssuedSlip } from './slip-issue';

export const SLIP_ARCHIVE_KIND = 'slip' satisfies AttachmentDoc['kind'];
export const PDF_MIME = 'application/pdf';

/** Hex digits of the slip digest carried in the archive's id. */
const ID_DIGEST_LENGTH = 20;

type ArchivedSlip = Pick<IssuedSlip, 'facts' | 'content'>;

/**
 * SM3 over what the slip prints, issue time left out: the signed content
 * without issuedAt, plus the full texts the content only cuts or digests
 * (names, diagnosis names, the reason).
 */
export function slipArchiveDigest(slip: ArchivedSlip): string {
  const lines = canonicalSlip(slip.content).split('\n');
  lines.splice(SLIP_FIELDS.indexOf('issuedAt') + 1, 1);
  const { facts } = slip;
  const printed = [
    facts.facility.name,
    facts.patient.name,
    facts.target?.name ?? '',
    facts.department ?? '',
    facts.doctor ?? '',
    facts.slotTime ?? '',
    // The slip prints 号源待县平台确认 beside the time until the county confirms the slot.
    facts.slotPending ? 'slot-pending' : '',
    facts.referringDoctor,
    ...facts.referral.diagnoses.map((d) => `${d.code} ${d.name}`),
    facts.referral.reason,
  ].map(normaliseSlipText);
  return smCrypto.sm3(Array.from(new TextEncoder().encode([...lines, ...printed].join('\n'))));
}

/**
 * The archive's document id: the slip digest and the signing key. Within 40
 * characters; the same slip archived twice on one workstation is one id, and
 * two workstations archiving it offline at once never collide at the county
 * (their PDFs differ: another key signs).
 */
export function slipArchiveId(digest: string, keyId: string): string {
  return `slip-${digest.slice(0, ID_DIGEST_LENGTH)}-${keyId}`;
}

export function isArchiveOf(id: string, digest: string): boolean {
  return id.startsWith(`slip-${digest.slice(0, ID_DIGEST_LENGTH)}-`);
}

export function slipArchiveFileName(slip: ArchivedSlip): string {
  return `referral-slip-${slip.content.serialNo}-${slip.content.issuedAt.replace(/\D/g, '')}.pdf`;
}

export class SlipArchiveTooLarge extends Error {
  constructor(readonly size: number) {
    super(`the slip PDF is ${size} bytes; the county takes files up to ${ATTACHMENT_MAX_BYTES} bytes`);
    this.name = 'SlipArchiveTooLarge';
  }
}

/** The archive copies of a referral's slips, newest first. */
export async function slipArchives(db: ClinicDatabase, referralId: string): Promise<AttachmentDoc[]> {
  const docs = await db.attachments
    .find({
      selector: { ownerId: referralId, kind: SLIP_ARCHIVE_KIND },
      sort: [{ createdAt: 'desc' }],
    })
    .exec();
  return docs.map((doc) => doc.toJSON() as AttachmentDoc);
}

export async function findSlipArchive(
  db: ClinicDatabase,
  referralId: string,
  digest: string,
): Promise<AttachmentDoc | undefined> {
  return (await slipArchives(db, referralId)).find((doc) => isArchiveOf(doc.id, digest));
}

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface SlipArchiveResult {
  doc: AttachmentDoc;
  /** False when this slip was archived already (here or at another workstation of the clinic). */
  created: boolean;
}

/**
 * Keeps the slip's PDF as the referral's archive copy unless the same slip is
 * archived already. `pdf` renders it, and is called only when a copy is made.
 */
export async function archiveSlip(
  db: ClinicDatabase,
  session: Session,
  slip: IssuedSlip,
  pdf: () => Promise<Uint8Array<ArrayBuffer>>,
): Promise<SlipArchiveResult> {
  const referralId = slip.facts.referral.id;
  const digest = slipArchiveDigest(slip);
  const existing = await findSlipArchive(db, referralId, digest);
  if (existing) return { doc: existing, created: false };
  const bytes = await pdf();
  if (bytes.length > ATTACHMENT_MAX_BYTES) throw new SlipArchiveTooLarge(bytes.length);
  const at = new Date().toISOString();
  const doc: AttachmentDoc = {
    id: slipArchiveId(digest, slip.keyId),
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    ownerType: 'referral',
    ownerId: referralId,
    kind: SLIP_ARCHIVE_KIND,
    fileName: slipArchiveFileName(slip),
    mime: PDF_MIME,
    size: bytes.length,
    digest: await sha256Hex(bytes),
    digestAlgorithm: 'sha256',
  };
  let stored: Awaited<ReturnType<typeof db.attachments.insert>>;
  try {
    stored = await db.attachments.insert(doc);
  } catch (error) {
    // A second click that raced this one stored the same slip first: that copy stands.
    const raced = await findSlipArchive(db, referralId, digest);
    if (raced) return { doc: raced, created: false };
    throw error;
  }
  await stored.putAttachment({
    id: FILE_ATTACHMENT_ID,
    data: new Blob([bytes], { type: PDF_MIME }),
    type: PDF_MIME,
  });
  return { doc, created: true };
}

/** The archived PDF's bytes when they are on this workstation. */
export async function archivedBytes(db: ClinicDatabase, id: string): Promise<Uint8Array | undefined> {
  const blob = await (await db.attachments.findOne(id).exec())?.getAttachment(FILE_ATTACHMENT_ID)?.getData();
  return blob ? new Uint8Array(await blob.arrayBuffer()) : undefined;
}

/** The bridge carries PDFs as base64. */
export function bytesFromBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function base64FromBytes(bytes: Uint8Array): string {
  let binary = '';
  // In slices: one String.fromCharCode call per byte of a 300 KB PDF would be slow, all at once too deep.
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
