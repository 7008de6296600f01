/**
 * Offline verification of a slip code: decode, find the signing facility's
 * registered public key by key id, check the SM2 signature over the exact
 * canonical text, and check that the key belongs to the facility the slip
 * names (a key of clinic A cannot vouch for a slip claiming to be clinic B's).
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
}

export type SlipProblem = 'not-a-slip' | 'damaged' | 'unknown-key' | 'wrong-facility' | 'bad-signature';

export type SlipVerification =
  | { ok: true; content: SlipContent; keyId: string; key: KnownSlipKey }
  | { ok: false; problem: SlipProblem; message: string; content?: SlipContent; keyId?: string };

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
  return { ok: true, content, keyId: payload.keyId, key: signer };
}
