/**
 * Offline verification of a slip code: decode, find the signing facility's
 * registered public key by key id, check the SM2 signature over the exact
 * canonical text, and check that the key belongs to the facility the slip
 * names (a key of clinic A cannot vouch for a slip claiming to be clinic B's).
 * A key the county retired still vouches for slips issued before it was
 * retired (they were printed in good faith), never for later ones.
 */
import { parseCanonicalSlip, type SlipContent, SlipContentError } from './content';
import { decodeSlipPayload, SlipPayloadError } from './payload';
import { verifySlipSignature } from './signature';

/** A registered slip key, as the verifier knows it (from the facilities reference data). */
export interface KnownSlipKey {
  keyId: string;
  publicKey: string;
  facilityCode: string;
  facilityName?: string;
  /** ISO instant the county retired the key at; absent while it is in use. */
  retiredAt?: string;
}

export type SlipProblem =
  | 'not-a-slip'
  | 'damaged'
  | 'unknown-key'
  | 'wrong-facility'
  | 'bad-signature'
  | 'key-retired';

export type SlipVerification =
  | { ok: true; content: SlipContent; keyId: string; key: KnownSlipKey }
  | {
      ok: false;
      problem: SlipProblem;
      message: string;
      content?: SlipContent;
      keyId?: string;
      /** With `key-retired`: when the key was retired. */
      retiredAt?: string;
    };

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as local wall-clock time, YYYY-MM-DD HH:mm: the form a slip's issuedAt takes. */
export function localSlipMinute(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A retirement instant as the verifier shows it (local minute); text that is no date, as given. */
export function retiredOn(retiredAt: string): string {
  const at = new Date(retiredAt);
  return Number.isNaN(at.getTime()) ? retiredAt : localSlipMinute(at);
}

/**
 * Whether a slip issued at `issuedAt` (the issuer's wall clock, YYYY-MM-DD
 * HH:mm) falls at or after the retirement. The slip carries no zone: issuer and
 * verifier are taken to share one (a county does), so the retirement instant is
 * read on the verifier's clock. The minute of the retirement counts as after;
 * a retirement that is no date retires the key for every slip.
 */
export function issuedAfterRetirement(issuedAt: string, retiredAt: string): boolean {
  const retired = new Date(retiredAt);
  if (Number.isNaN(retired.getTime())) return true;
  return issuedAt >= localSlipMinute(retired);
}

export function verifySlipCode(scanned: string, keys: readonly KnownSlipKey[]): SlipVerification {
  let payload: ReturnType<typeof decodeSlipPayload>;
  try {
    payload = decodeSlipPayload(scanned);
  } catch (error) {
    if (!(error instanceof SlipPayloadError)) throw error;
    const problem = /not a Xiangyi/.test(error.message) ? 'not-a-slip' : 'damaged';
    return { ok: false, problem, message: error.message };
  }
  let content: SlipContent;
  try {
    content = parseCanonicalSlip(payload.text);
  } catch (error) {
    if (!(error instanceof SlipContentError)) throw error;
    return { ok: false, problem: 'damaged', message: error.message, keyId: payload.keyId };
  }
  const candidates = keys.filter((key) => key.keyId === payload.keyId);
  if (candidates.length === 0)
    return {
      ok: false,
      problem: 'unknown-key',
      message: `key ${payload.keyId} is not registered for any facility this workstation knows`,
      content,
      keyId: payload.keyId,
    };
  const signer = candidates.find((key) =>
    verifySlipSignature(payload.text, payload.signature, key.publicKey),
  );
  if (!signer)
    return {
      ok: false,
      problem: 'bad-signature',
      message: 'the signature does not match the slip content: it was changed or forged',
      content,
      keyId: payload.keyId,
    };
  if (signer.facilityCode !== content.facilityCode)
    return {
      ok: false,
      problem: 'wrong-facility',
      message: `signed with a key of ${signer.facilityCode}, but the slip claims to come from ${content.facilityCode}`,
      content,
      keyId: payload.keyId,
    };
  if (signer.retiredAt && issuedAfterRetirement(content.issuedAt, signer.retiredAt))
    return {
      ok: false,
      problem: 'key-retired',
      message: `signed with a key retired on ${retiredOn(signer.retiredAt)}, after which it vouches for no slip`,
      content,
      keyId: payload.keyId,
      retiredAt: signer.retiredAt,
    };
  return { ok: true, content, keyId: payload.keyId, key: signer };
}
