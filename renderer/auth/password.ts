/**
 * Offline sign-in: passwords and PINs are hashed with Argon2id (memory-hard),
 * so a stolen clinic PC's database does not give up its passwords cheaply.
 * Parameters are stored with each hash so they can be raised later.
 */
import { argon2id, argon2Verify } from 'hash-wasm';
import type { Credential } from '../../sync/protocol/schema';

/** OWASP's Argon2id baseline (19 MiB, 2 passes); about 100 ms on a clinic PC. */
export const DEFAULT_KDF = { memoryKiB: 19 * 1024, iterations: 2, parallelism: 1 } as const;

export type SecretKind = 'password' | 'pin';
export type SecretProblem = 'too-short' | 'too-long' | 'pin-digits' | 'too-simple';

export function checkNewSecret(kind: SecretKind, value: string): SecretProblem | null {
  if (kind === 'pin') {
    if (!/^\d+$/.test(value)) return 'pin-digits';
    if (value.length < 6) return 'too-short';
    if (value.length > 12) return 'too-long';
    if (/^(\d)\1+$/.test(value) || '01234567890'.includes(value) || '09876543210'.includes(value))
      return 'too-simple';
    return null;
  }
  if (value.length < 8) return 'too-short';
  if (value.length > 128) return 'too-long';
  if (/^\d+$/.test(value) || new Set(value).size < 4) return 'too-simple';
  return null;
}

export async function hashSecret(
  secret: string,
  params: Omit<Credential, 'kdf' | 'salt' | 'hash'> = DEFAULT_KDF,
): Promise<Credential> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const encoded = await argon2id({
    password: secret.normalize('NFC'),
    salt,
    iterations: params.iterations,
    parallelism: params.parallelism,
    memorySize: params.memoryKiB,
    hashLength: 32,
    outputType: 'encoded',
  });
  return { kdf: 'argon2id', salt: bytesToBase64(salt), hash: encoded, ...params };
}

export async function verifySecret(secret: string, credential: Credential): Promise<boolean> {
  return argon2Verify({ password: secret.normalize('NFC'), hash: credential.hash });
}

function bytesToBase64(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}
