/**
 * POST /v1/facilities/slip-key: a clinic workstation registers the public key
 * it signs referral slips with. The gateway checks the proof of possession,
 * stores the key for the token's facility and republishes that facility's
 * reference document, so every clinic receives the key by replication and can
 * verify the facility's slips offline. Registering the same key again is a
 * no-op; a facility keeps at most MAX_SLIP_KEYS keys in use.
 *
 * Retiring (county-cli `retire-slip-key`, or POST /v1/facilities/slip-key/retire
 * by the facility's own admin): the key stays published with its retirement
 * date, so slips issued before still verify and later ones are refused; it can
 * never be registered again, so the workstation makes a new one.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registrationProblem, SLIP_KEY_ROUTE } from '../../protocol/referral/slip/registration';
import { ROLES, type Role } from '../../protocol/schema';
import type { RequestAuth } from '../auth/guard';
import type { Database, Queryable } from '../db/driver';
import { WriteBatch } from '../replication/store';
import { facilityByCode, publishFacilities, RegistryError } from './registry';

export const MAX_SLIP_KEYS = 16;
export const SLIP_KEY_RETIRE_ROUTE = '/v1/facilities/slip-key/retire';

const body = z
  .object({
    keyId: z.string().regex(/^[0-9a-f]{12}$/),
    publicKey: z.string().regex(/^04[0-9a-f]{128}$/),
    proof: z.string().regex(/^[0-9a-f]{128}$/),
  })
  .strict();

export type SlipKeyOutcome =
  | { status: 'registered' | 'already-registered'; keyId: string }
  | {
      status: 'refused';
      error: 'slip-key-invalid' | 'slip-key-limit' | 'slip-key-retired';
      message: string;
    };

const iso = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();

export async function registerSlipKey(
  db: Database,
  auth: Pick<RequestAuth, 'facilityId' | 'deviceId'>,
  registration: z.infer<typeof body>,
): Promise<SlipKeyOutcome> {
  const problem = registrationProblem(auth.facilityId, registration);
  if (problem)
    return { status: 'refused', error: 'slip-key-invalid', message: `The slip key was refused: ${problem}.` };
  return db.transaction(async (tx) => {
    const batch = await WriteBatch.begin(tx);
    const { rows } = await tx.query<{ key_id: string; retired_at: unknown }>(
      'SELECT key_id, retired_at FROM facility_slip_keys WHERE facility_id = $1',
      [auth.facilityId],
    );
    const same = rows.find((row) => row.key_id === registration.keyId);
    if (same && same.retired_at != null)
      return {
        status: 'refused' as const,
        error: 'slip-key-retired' as const,
        message: `Slip key ${registration.keyId} was retired by the county on ${iso(same.retired_at)} and cannot be registered again; the workstation makes a new key.`,
      };
    if (same) return { status: 'already-registered' as const, keyId: registration.keyId };
    // Retired keys stay published for old slips but leave room for their replacements.
    if (rows.filter((row) => row.retired_at == null).length >= MAX_SLIP_KEYS)
      return {
        status: 'refused' as const,
        error: 'slip-key-limit' as const,
        message: `This facility already has ${MAX_SLIP_KEYS} slip keys; ask the county to retire old ones.`,
      };
    await tx.query(
      `INSERT INTO facility_slip_keys (facility_id, key_id, public_key, registered_by_device, registered_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [auth.facilityId, registration.keyId, registration.publicKey, auth.deviceId, batch.time],
    );
    await publishFacilities(batch, [auth.facilityId]);
    return { status: 'registered' as const, keyId: registration.keyId };
  });
}

export type RetireOutcome =
  | { status: 'retired' | 'already-retired'; facilityId: string; keyId: string; retiredAt: string }
  | {
      status: 'refused';
      error: 'slip-key-unknown' | 'slip-key-retire-future';
      message: string;
    };

/**
 * When a retirement takes effect, from what an admin types: YYYY-MM-DD (start
 * of that day, county local time), YYYY-MM-DD HH:mm or YYYY-MM-DDTHH:mm (local),
 * or an ISO instant with its zone. Null when it is none of these.
 */
export function parseRetirementMoment(text: string): Date | null {
  const trimmed = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(trimmed);
  if (local) {
    const [year, month, day, hour, minute] = local.slice(1).map((part) => Number(part ?? 0)) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const at = new Date(year, month - 1, day, hour, minute);
    // 2026-02-30 or 25:00 would roll over into another moment: refused instead.
    const exact =
      at.getFullYear() === year &&
      at.getMonth() === month - 1 &&
      at.getDate() === day &&
      at.getHours() === hour &&
      at.getMinutes() === minute;
    return exact ? at : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed)) return null;
  const at = new Date(trimmed);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * Retires one key of a facility from `at` (default: now, the county clock).
 * Retiring again changes nothing, unless to an earlier moment (a leak found to
 * have started before it was noticed); a retirement is never moved later or
 * into the future.
 */
export async function retireSlipKey(
  db: Database,
  input: { facilityId: string; keyId: string; at?: Date; by: string },
): Promise<RetireOutcome> {
  return db.transaction(async (tx) => {
    const batch = await WriteBatch.begin(tx);
    const now = new Date(batch.time);
    if (input.at && input.at.getTime() > now.getTime())
      return {
        status: 'refused' as const,
        error: 'slip-key-retire-future' as const,
        message: `A key is retired from now or from a past moment, not from ${input.at.toISOString()} (the county clock says ${batch.time}).`,
      };
    const { rows } = await tx.query<{ retired_at: unknown }>(
      'SELECT retired_at FROM facility_slip_keys WHERE facility_id = $1 AND key_id = $2 FOR UPDATE',
      [input.facilityId, input.keyId],
    );
    const row = rows[0];
    if (!row)
      return {
        status: 'refused' as const,
        error: 'slip-key-unknown' as const,
        message: `This facility has no slip key ${input.keyId}.`,
      };
    const wanted = input.at ?? now;
    if (row.retired_at != null && new Date(iso(row.retired_at)).getTime() <= wanted.getTime())
      return {
        status: 'already-retired' as const,
        facilityId: input.facilityId,
        keyId: input.keyId,
        retiredAt: iso(row.retired_at),
      };
    await tx.query(
      'UPDATE facility_slip_keys SET retired_at = $3, retired_by = $4 WHERE facility_id = $1 AND key_id = $2',
      [input.facilityId, input.keyId, wanted.toISOString(), input.by],
    );
    await publishFacilities(batch, [input.facilityId]);
    return {
      status: 'retired' as const,
      facilityId: input.facilityId,
      keyId: input.keyId,
      retiredAt: wanted.toISOString(),
    };
  });
}

/** An active admin of the facility, as its clinic pushed the user (the token names the user). */
async function isFacilityAdmin(db: Queryable, facilityId: string, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ data: { active?: unknown; roles?: unknown } }>(
    `SELECT data FROM documents WHERE collection = 'users' AND id = $1 AND owner = $2 AND NOT deleted`,
    [userId, facilityId],
  );
  const user = rows[0]?.data;
  if (!user || user.active === false || !Array.isArray(user.roles)) return false;
  const roles = user.roles.filter((role): role is Role =>
    (ROLES as readonly string[]).includes(String(role)),
  );
  return roles.includes('admin');
}

const retireBody = z
  .object({
    keyId: z.string().regex(/^[0-9a-f]{12}$/),
    /** See parseRetirementMoment; default now. */
    at: z.string().max(40).optional(),
  })
  .strict();

const RETIRE_STATUS = { 'slip-key-unknown': 404, 'slip-key-retire-future': 400 } as const;

export interface SlipKeyRouteDeps {
  db: Database;
  /** Sets `request.auth` or throws the gateway's refusal. */
  authenticate: (request: FastifyRequest) => Promise<void>;
}

export async function registerSlipKeyRoutes(app: FastifyInstance, deps: SlipKeyRouteDeps): Promise<void> {
  app.post(SLIP_KEY_ROUTE, { preHandler: deps.authenticate }, async (request, reply) => {
    const auth = request.auth as RequestAuth;
    const parsed = body.safeParse(request.body);
    if (!parsed.success)
      return reply.code(400).send({
        error: 'slip-key-invalid',
        message: `The slip key registration is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`,
      });
    const outcome = await registerSlipKey(deps.db, auth, parsed.data);
    if (outcome.status === 'refused')
      return reply
        .code(outcome.error === 'slip-key-invalid' ? 400 : 409)
        .send({ error: outcome.error, message: outcome.message });
    request.log.info(
      { facility: auth.facilityId, device: auth.deviceId, key: outcome.keyId },
      `slip key ${outcome.status}`,
    );
    return reply.code(outcome.status === 'registered' ? 201 : 200).send(outcome);
  });

  // A facility's admin retires one of its own keys (a stolen PC); other facilities' keys are the county's.
  app.post(SLIP_KEY_RETIRE_ROUTE, { preHandler: deps.authenticate }, async (request, reply) => {
    const auth = request.auth as RequestAuth;
    const parsed = retireBody.safeParse(request.body);
    if (!parsed.success)
      return reply.code(400).send({
        error: 'slip-key-invalid',
        message: `The retirement is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`,
      });
    if (!(await isFacilityAdmin(deps.db, auth.facilityId, auth.userId)))
      return reply.code(403).send({
        error: 'slip-key-not-admin',
        message: "Only an admin of this facility retires its slip keys; the county retires any facility's.",
      });
    const at = parsed.data.at === undefined ? undefined : parseRetirementMoment(parsed.data.at);
    if (at === null)
      return reply.code(400).send({
        error: 'slip-key-invalid',
        message: `"${parsed.data.at}" is not a date (YYYY-MM-DD, YYYY-MM-DD HH:mm, or an ISO time with its zone).`,
      });
    const outcome = await retireSlipKey(deps.db, {
      facilityId: auth.facilityId,
      keyId: parsed.data.keyId,
      ...(at ? { at } : {}),
      by: `${auth.userId}@${auth.deviceId}`,
    });
    if (outcome.status === 'refused')
      return reply
        .code(RETIRE_STATUS[outcome.error])
        .send({ error: outcome.error, message: outcome.message });
    request.log.info(
      { facility: auth.facilityId, device: auth.deviceId, key: outcome.keyId, retiredAt: outcome.retiredAt },
      `slip key ${outcome.status}`,
    );
    return reply.code(200).send(outcome);
  });
}

export const SLIP_KEY_USAGE = `  slip-keys --facility CODE              the facility's slip keys (id, registered, retired)
  retire-slip-key --facility CODE --key KEYID [--at YYYY-MM-DD[ HH:mm]|ISO]
                                        retire a slip key (default now): slips it signed
                                        before still verify, later ones are refused`;

export const SLIP_KEY_CLI_OPTIONS = {
  key: { type: 'string' },
  at: { type: 'string' },
} as const;

type SlipKeyFlags = Partial<Record<keyof typeof SLIP_KEY_CLI_OPTIONS | 'facility', string | boolean>>;

/** The county-cli slip key commands; false when the command is not one of them. */
export async function runSlipKeyCommand(
  db: Database,
  command: string | undefined,
  flags: SlipKeyFlags,
  out: (line: string) => void,
): Promise<boolean> {
  if (command !== 'slip-keys' && command !== 'retire-slip-key') return false;
  const need = (name: keyof SlipKeyFlags): string => {
    const value = flags[name];
    if (typeof value !== 'string' || value === '')
      throw new RegistryError(`--${name} is required\n\n${SLIP_KEY_USAGE}`);
    return value;
  };
  const facility = await facilityByCode(db, need('facility'));
  if (command === 'slip-keys') {
    const { rows } = await db.query<{
      key_id: string;
      registered_at: unknown;
      registered_by_device: string;
      retired_at: unknown;
    }>(
      `SELECT key_id, registered_at, registered_by_device, retired_at FROM facility_slip_keys
        WHERE facility_id = $1 ORDER BY registered_at, key_id`,
      [facility.id],
    );
    for (const row of rows)
      out(
        `${row.key_id}  registered ${iso(row.registered_at)} by device ${row.registered_by_device}  ${row.retired_at == null ? 'in use' : `RETIRED ${iso(row.retired_at)}`}`,
      );
    if (rows.length === 0) out(`${facility.code} has registered no slip key yet`);
    return true;
  }
  const keyId = need('key').toLowerCase();
  if (!/^[0-9a-f]{12}$/.test(keyId))
    throw new RegistryError(
      `--key must be a key id of 12 hex digits (see \`slip-keys --facility ${facility.code}\`)`,
    );
  let at: Date | undefined;
  if (typeof flags.at === 'string') {
    const parsed = parseRetirementMoment(flags.at);
    if (!parsed)
      throw new RegistryError(
        `--at "${flags.at}" is not a date: YYYY-MM-DD, YYYY-MM-DD HH:mm or an ISO time`,
      );
    at = parsed;
  }
  const outcome = await retireSlipKey(db, {
    facilityId: facility.id,
    keyId,
    ...(at ? { at } : {}),
    by: 'county-admin',
  });
  if (outcome.status === 'refused') throw new RegistryError(outcome.message);
  out(
    outcome.status === 'retired'
      ? `slip key ${keyId} of ${facility.code} ${facility.name} retired from ${outcome.retiredAt}: slips it signed before still verify, later ones are refused; the clinic makes a new key at its next sync`
      : `slip key ${keyId} of ${facility.code} was already retired from ${outcome.retiredAt}`,
  );
  return true;
}
