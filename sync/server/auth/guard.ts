import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/driver';
import { SyncError } from '../errors';
import { deviceState, refuseIfBlocked } from './devices';
import { type TokenPayload, tokenFromRequest, verifyToken } from './tokens';

export interface RequestAuth {
  facilityId: string;
  deviceId: string;
  userId: string;
  /** Token expiry, seconds since epoch. */
  exp: number;
}

/**
 * Checks the bearer token on every request but enrol/token/health, in this
 * order: missing, format and signature, expiry, device (revoked), facility
 * (下线), generation (superseded by a newer token for this device).
 */
export async function authenticate(db: Database, key: string, request: FastifyRequest): Promise<RequestAuth> {
  const token = tokenFromRequest(
    request.headers.authorization,
    (request.query as { token?: unknown })?.token,
  );
  if (!token)
    throw new SyncError('token-missing', 'This request needs a sign-in token (Authorization: Bearer).');
  // Expiry is checked again below against the database clock; this first pass rejects garbage cheaply.
  const payload: TokenPayload = verifyToken(key, token, 0);
  const state = await deviceState(db, payload.dev);
  if (!state || state.facilityId !== payload.fac) {
    throw new SyncError('token-invalid', 'The sign-in token names a device the county does not know.');
  }
  if (payload.exp <= state.nowSeconds) {
    throw new SyncError(
      'token-expired',
      'The sign-in token has expired; a new one is fetched automatically.',
    );
  }
  refuseIfBlocked(state);
  if (payload.gen < state.generation) {
    throw new SyncError(
      'token-superseded',
      'A newer sign-in token was issued for this computer; this older one no longer works.',
    );
  }
  return { facilityId: payload.fac, deviceId: payload.dev, userId: payload.usr, exp: payload.exp };
}
