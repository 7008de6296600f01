/**
 * POST /v1/facilities/slip-key: a clinic workstation registers the public key
 * it signs referral slips with. The gateway checks the proof of possession,
 * stores the key for the token's facility and republishes that facility's
 * reference document, so every clinic receives the key by replication and can
 * verify the facility's slips offline. Registering the same key again is a
 * no-op; a facility keeps at most MAX_KEYS keys.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { registrationProblem, SLIP_KEY_ROUTE } from '../../protocol/referral/slip/registration';
import type { RequestAuth } from '../auth/guard';
import type { Database } from '../db/driver';
import { WriteBatch } from '../replication/store';
import { publishFacilities } from './registry';

export const MAX_SLIP_KEYS = 16;

const body = z
  .object({
    keyId: z.string().regex(/^[0-9a-f]{12}$/),
    publicKey: z.string().regex(/^04[0-9a-f]{128}$/),
    proof: z.string().regex(/^[0-9a-f]{128}$/),
  })
  .strict();

export type SlipKeyOutcome =
  | { status: 'registered' | 'already-registered'; keyId: string }
  | { status: 'refused'; error: 'slip-key-invalid' | 'slip-key-limit'; message: string };

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
    const { rows } = await tx.query<{ key_id: string }>(
      'SELECT key_id FROM facility_slip_keys WHERE facility_id = $1',
      [auth.facilityId],
    );
    if (rows.some((row) => row.key_id === registration.keyId))
      return { status: 'already-registered' as const, keyId: registration.keyId };
    if (rows.length >= MAX_SLIP_KEYS)
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
        .code(outcome.error === 'slip-key-limit' ? 409 : 400)
        .send({ error: outcome.error, message: outcome.message });
    request.log.info(
      { facility: auth.facilityId, device: auth.deviceId, key: outcome.keyId },
      `slip key ${outcome.status}`,
    );
    return reply.code(outcome.status === 'registered' ? 201 : 200).send(outcome);
  });
}
