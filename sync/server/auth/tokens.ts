/**
 * Short-lived device tokens: base64url(JSON payload) "." base64url(HMAC-SHA256).
 * Pure functions; the generation check against the device row is in guard.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SyncError } from '../errors';

export interface TokenPayload {
  /** Facility id. */
  fac: string;
  /** Device id. */
  dev: string;
  /** Signed-in user at the clinic. */
  usr: string;
  /** Device generation when issued; a newer token supersedes this one. */
  gen: number;
  /** Issued at / expires at, seconds since epoch (gateway clock). */
  iat: number;
  exp: number;
}

function sign(key: string, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}

export function signToken(key: string, payload: TokenPayload): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(key, body)}`;
}

/** Checks format, signature and expiry; throws token-invalid / token-expired. */
export function verifyToken(key: string, token: string, nowSeconds: number): TokenPayload {
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) {
    throw new SyncError('token-invalid', 'The sign-in token is not valid. Sign in again.');
  }
  const [body, signature] = parts as [string, string];
  const expected = Buffer.from(sign(key, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new SyncError('token-invalid', 'The sign-in token is not valid. Sign in again.');
  }
  let payload: TokenPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
  } catch {
    throw new SyncError('token-invalid', 'The sign-in token is not valid. Sign in again.');
  }
  if (
    typeof payload?.fac !== 'string' ||
    typeof payload.dev !== 'string' ||
    typeof payload.usr !== 'string' ||
    typeof payload.gen !== 'number' ||
    typeof payload.exp !== 'number'
  ) {
    throw new SyncError('token-invalid', 'The sign-in token is not valid. Sign in again.');
  }
  if (payload.exp <= nowSeconds) {
    throw new SyncError(
      'token-expired',
      'The sign-in token has expired; a new one is fetched automatically.',
    );
  }
  return payload;
}

/** `Authorization: Bearer <token>`, or `?token=` for EventSource which cannot set headers. */
export function tokenFromRequest(authorization: string | undefined, queryToken: unknown): string | null {
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) throw new SyncError('token-invalid', 'The Authorization header is not a Bearer token.');
    return match[1] ?? null;
  }
  if (typeof queryToken === 'string' && queryToken.length > 0) return queryToken;
  return null;
}
