import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Device secrets are 256 random bits, so a slow KDF adds no strength against
 * guessing; scrypt with modest cost still keeps a stolen table useless and
 * token requests cheap (300 clinics refresh every 10 minutes).
 */
const SCRYPT = { N: 4096, r: 8, p: 1 } as const;

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

export function newDeviceSecret(): string {
  return randomBytes(32).toString('base64url');
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt);
  return `scrypt$${SCRYPT.N}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, , salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'));
  const expected = Buffer.from(key, 'base64url');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Unambiguous letters and digits (no 0/O, 1/I/L) for a code read over the phone. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A one-time enrolment code like `K7QM-3XRP-WD9T` (about 59 bits). */
export function newEnrolmentCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** Codes are stored hashed; typing is forgiving about case, spaces and dashes. */
export function hashEnrolmentCode(code: string): string {
  const normalised = code.toUpperCase().replace(/[^0-9A-Z]/g, '');
  return createHash('sha256').update(`xiangyi-enrolment:${normalised}`).digest('hex');
}
