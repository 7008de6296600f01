/**
 * Registering a workstation's slip key with the county. The clinic proves it
 * holds the private key by signing a fixed text naming its facility and the
 * key; the gateway checks that before it publishes the public key in the
 * facility's reference document (so a key cannot be registered for someone
 * else, and a malformed key never reaches every clinic).
 */
import { isSlipPublicKey, signSlipText, slipKeyId, verifySlipSignature } from './signature';

export const SLIP_KEY_ROUTE = '/v1/facilities/slip-key';

export interface SlipKeyRegistration {
  keyId: string;
  publicKey: string;
  /** SM2 signature (128 hex) over registrationText(facilityId, keyId, publicKey). */
  proof: string;
}

export function registrationText(facilityId: string, keyId: string, publicKey: string): string {
  return ['XYS-KEY', facilityId, keyId, publicKey].join('\n');
}

export function proveSlipKey(
  facilityId: string,
  key: { keyId: string; publicKey: string; privateKey: string },
): SlipKeyRegistration {
  return {
    keyId: key.keyId,
    publicKey: key.publicKey,
    proof: signSlipText(registrationText(facilityId, key.keyId, key.publicKey), key),
  };
}

/** Null when the registration is sound, else what is wrong with it. */
export function registrationProblem(facilityId: string, registration: SlipKeyRegistration): string | null {
  if (!isSlipPublicKey(registration.publicKey)) return 'the public key is not an uncompressed SM2 point';
  if (slipKeyId(registration.publicKey) !== registration.keyId)
    return 'the key id does not belong to the key';
  const text = registrationText(facilityId, registration.keyId, registration.publicKey);
  if (!verifySlipSignature(text, registration.proof, registration.publicKey))
    return 'the proof is not signed by this key for this facility';
  return null;
}
