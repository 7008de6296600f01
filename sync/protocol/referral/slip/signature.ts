/**
 * SM2 signatures over the canonical slip text (GB/T 32918: SM3 over the
 * signer's Z value and the message, default user id), through sm-crypto.
 *
 * A facility may hold several keys (one per workstation that prints, each
 * registered with the county); the key id names which one signed, so a
 * verifier needs only the registered public keys.
 */
import smCrypto, { type KeyPairHex, type KeyPairPoint } from 'sm-crypto';

const { sm2, sm3 } = smCrypto;

export interface SlipKeyPair {
  keyId: string;
  /** Uncompressed point, 130 hex digits starting 04. */
  publicKey: string;
  /** 64 hex digits. Never leaves the host's secret store. */
  privateKey: string;
}

const PUBLIC_KEY = /^04[0-9a-f]{128}$/;
const SIGNATURE = /^[0-9a-f]{128}$/;

export function isSlipPublicKey(publicKey: string): boolean {
  return PUBLIC_KEY.test(publicKey);
}

/** First 12 hex digits of SM3 over the public key's bytes. */
export function slipKeyId(publicKey: string): string {
  if (!isSlipPublicKey(publicKey))
    throw new Error('not an uncompressed SM2 public key (04 + 128 hex digits)');
  return sm3(hexBytes(publicKey)).slice(0, 12);
}

/**
 * A key pair from 32 bytes of the caller's randomness (the OS's, in the host):
 * sm-crypto's own generator is an RC4 stream seeded once, which is not where a
 * long-lived private key should come from.
 */
export function slipKeyPairFrom(random: Uint8Array): SlipKeyPair {
  if (random.length !== 32) throw new Error('an SM2 private key needs 32 random bytes');
  // sm-crypto takes a seed as jsbn BigInteger arguments (hex string, radix); its types omit them.
  const fromSeed = sm2.generateKeyPairHex as unknown as (seed: string, radix: number) => KeyPairHex;
  const { privateKey, publicKey } = fromSeed(bytesHex(random), 16);
  return { keyId: slipKeyId(publicKey), publicKey, privateKey };
}

export function utf8Bytes(text: string): number[] {
  return Array.from(new TextEncoder().encode(text));
}

type BigIntegerClass = new (hex: string, radix: number) => unknown;
let bigInteger: BigIntegerClass | undefined;

/**
 * The per-signature secret k, from 32 bytes of the caller's randomness. A
 * biased k leaks the private key over many signatures, so the host does not
 * leave it to sm-crypto's RC4 stream. sm-crypto wants k and x1 as its own
 * (jsbn) big integers; the class is taken from a point it made once.
 */
export function slipNonceFrom(random: Uint8Array): KeyPairPoint {
  bigInteger ??= (sm2.getPoint().k as unknown as { constructor: BigIntegerClass }).constructor;
  const { privateKey, publicKey } = slipKeyPairFrom(random);
  return {
    privateKey,
    publicKey,
    k: new bigInteger(privateKey, 16),
    x1: new bigInteger(publicKey.slice(2, 66), 16),
  } as unknown as KeyPairPoint;
}

/** r‖s as 128 hex digits; `nonce` from slipNonceFrom (else sm-crypto draws one). */
export function signSlipText(
  text: string,
  key: Pick<SlipKeyPair, 'privateKey' | 'publicKey'>,
  nonce?: KeyPairPoint,
): string {
  return sm2.doSignature(utf8Bytes(text), key.privateKey, {
    hash: true,
    publicKey: key.publicKey,
    der: false,
    ...(nonce ? { pointPool: [nonce] } : {}),
  });
}

export function verifySlipSignature(text: string, signature: string, publicKey: string): boolean {
  if (!SIGNATURE.test(signature) || !isSlipPublicKey(publicKey)) return false;
  try {
    return sm2.doVerifySignature(utf8Bytes(text), signature, publicKey, { hash: true, der: false });
  } catch {
    // A signature that is not a point on the curve is simply not valid.
    return false;
  }
}

export function hexBytes(hex: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(Number.parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

export function bytesHex(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
