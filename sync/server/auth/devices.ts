/** Enrolment codes, device credentials and token issue: the I/O around secrets.ts and tokens.ts. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EnrolResponse, TokenResponse } from '../../protocol/replication';
import type { Database, Queryable } from '../db/driver';
import { toIso } from '../db/driver';
import { SyncError } from '../errors';
import { hashEnrolmentCode, hashSecret, newDeviceSecret, newEnrolmentCode, verifySecret } from './secrets';
import { signToken } from './tokens';

export async function issueEnrolmentCode(
  db: Queryable,
  facilityId: string,
  ttlHours = 24,
): Promise<{ code: string; expiresAt: string }> {
  const code = newEnrolmentCode();
  const { rows } = await db.query<{ expires_at: unknown }>(
    `INSERT INTO enrolment_codes (code_hash, facility_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3::int)) RETURNING expires_at`,
    [hashEnrolmentCode(code), facilityId, ttlHours],
  );
  return { code, expiresAt: toIso(rows[0]?.expires_at) };
}

export async function enrolDevice(db: Database, code: string, deviceName: string): Promise<EnrolResponse> {
  const deviceSecret = newDeviceSecret();
  const secretHash = await hashSecret(deviceSecret);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{
      facility_id: string;
      used_at: unknown;
      expired: boolean;
      offline: boolean;
    }>(
      `SELECT c.facility_id, c.used_at, c.expires_at <= now() AS expired, f.offline
         FROM enrolment_codes c JOIN facilities f ON f.id = c.facility_id
        WHERE c.code_hash = $1 FOR UPDATE OF c`,
      [hashEnrolmentCode(code)],
    );
    const row = rows[0];
    if (!row || row.expired) {
      throw new SyncError(
        'enrolment-code-invalid',
        'This enrolment code is not known or has expired. Ask the county for a new one.',
      );
    }
    if (row.used_at) {
      throw new SyncError(
        'enrolment-code-used',
        'This enrolment code has already been used. Ask the county for a new one.',
      );
    }
    if (row.offline) {
      throw new SyncError('facility-offline', 'This facility has been taken offline (下线) by the county.');
    }
    const deviceId = randomUUID();
    await tx.query('INSERT INTO devices (id, facility_id, name, secret_hash) VALUES ($1, $2, $3, $4)', [
      deviceId,
      row.facility_id,
      deviceName,
      secretHash,
    ]);
    await tx.query('UPDATE enrolment_codes SET used_at = now(), used_by_device = $2 WHERE code_hash = $1', [
      hashEnrolmentCode(code),
      deviceId,
    ]);
    return { facilityId: row.facility_id, deviceId, deviceSecret };
  });
}

export interface DeviceState {
  facilityId: string;
  generation: number;
  revoked: boolean;
  facilityOffline: boolean;
  /** Database clock, seconds since epoch: tokens are checked against the county's clock. */
  nowSeconds: number;
}

export async function deviceState(db: Queryable, deviceId: string): Promise<DeviceState | null> {
  const { rows } = await db.query<{
    facility_id: string;
    generation: unknown;
    revoked: boolean;
    offline: boolean;
    now_s: unknown;
  }>(
    `SELECT d.facility_id, d.generation, d.revoked, f.offline, extract(epoch FROM now())::float8 AS now_s
       FROM devices d JOIN facilities f ON f.id = d.facility_id WHERE d.id = $1`,
    [deviceId],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    facilityId: row.facility_id,
    generation: Number(row.generation),
    revoked: row.revoked,
    facilityOffline: row.offline,
    nowSeconds: Number(row.now_s),
  };
}

export function refuseIfBlocked(state: DeviceState): void {
  if (state.revoked) throw new SyncError('device-revoked', 'This computer has been revoked by the county.');
  if (state.facilityOffline) {
    throw new SyncError(
      'facility-offline',
      'This facility has been taken offline (下线) by the county; sync is stopped.',
    );
  }
}

export async function issueToken(
  db: Database,
  key: string,
  request: { deviceId: string; deviceSecret: string; userId: string },
  ttlSeconds: number,
): Promise<TokenResponse> {
  const { rows } = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM devices WHERE id = $1', [
    request.deviceId,
  ]);
  const stored = rows[0];
  // An unknown device and a wrong secret get the same answer.
  if (!stored || !(await verifySecret(request.deviceSecret, stored.secret_hash))) {
    throw new SyncError('token-invalid', 'The device credential is not valid. Enrol this computer again.');
  }
  const state = await deviceState(db, request.deviceId);
  if (!state) throw new SyncError('token-invalid', 'The device credential is not valid.');
  refuseIfBlocked(state);
  const bumped = await db.query<{ generation: unknown; now: unknown }>(
    `UPDATE devices SET generation = generation + 1, last_token_at = now()
      WHERE id = $1 RETURNING generation, now() AS now`,
    [request.deviceId],
  );
  const generation = Number(bumped.rows[0]?.generation);
  const iat = Math.floor(new Date(toIso(bumped.rows[0]?.now)).getTime() / 1000);
  const exp = iat + ttlSeconds;
  const token = signToken(key, {
    fac: state.facilityId,
    dev: request.deviceId,
    usr: request.userId,
    gen: generation,
    iat,
    exp,
  });
  return { token, expiresAt: new Date(exp * 1000).toISOString() };
}

/** XIANGYI_GATEWAY_SECRET, or one key generated once and shared by every process through the database. */
export async function signingKey(db: Queryable, configured?: string): Promise<string> {
  if (configured) return configured;
  await db.query(
    `INSERT INTO settings (key, value) VALUES ('token-signing-key', $1) ON CONFLICT (key) DO NOTHING`,
    [randomBytes(32).toString('base64url')],
  );
  const { rows } = await db.query<{ value: string }>(
    `SELECT value FROM settings WHERE key = 'token-signing-key'`,
  );
  const value = rows[0]?.value;
  if (!value) throw new Error('token signing key missing');
  return value;
}
