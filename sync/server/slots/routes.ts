/**
 * The slot API routes (sync/protocol/slots.ts) on the gateway. Every route
 * needs a facility token; refusals are SlotErrors answered here with their own
 * codes. The service is also `app.slots` (tests move its clock, the CLI and the
 * bench reach it), and its lapsed-hold sweep stops with the app.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ID_MAX } from '../../protocol/schema/common';
import { SLOT_KINDS } from '../../protocol/schema/scheduling';
import { type DoctorStatusResponse, RELEASE_REASONS, SLOT_PURPOSES, SLOT_ROUTES } from '../../protocol/slots';
import type { RequestAuth } from '../auth/guard';
import type { Database } from '../db/driver';
import { renameDepartment, setDoctorSuspended } from './base-info';
import { SlotError } from './errors';
import { type SlotOptions, SlotService } from './service';

declare module 'fastify' {
  interface FastifyInstance {
    slots: SlotService;
  }
}

export interface SlotRouteDeps {
  db: Database;
  /** Sets `request.auth` or throws the gateway's refusal. */
  authenticate: (request: FastifyRequest) => Promise<void>;
  options?: SlotOptions;
}

const id = z.string().min(1).max(ID_MAX);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a YYYY-MM-DD day');
const kind = z.enum(SLOT_KINDS);

const publishBody = z.object({ slots: z.array(z.record(z.string(), z.unknown())).min(1).max(20_000) });
const summaryQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  hospitalId: id.optional(),
  kind: kind.optional(),
});
const openQuery = z.object({
  hospitalId: id,
  departmentId: id.optional(),
  date: day.optional(),
  kind: kind.optional(),
});
const lockBody = z.object({
  slotId: id,
  patientId: id,
  purpose: z.enum(SLOT_PURPOSES),
  referenceId: id.optional(),
  holdSeconds: z.number().optional(),
});
const confirmBody = z.object({ slotId: id, lockId: id, appointmentId: id });
const releaseBody = z.object({
  slotId: id,
  lockId: id.optional(),
  appointmentId: id.optional(),
  reason: z.enum(RELEASE_REASONS).exclude(['expired']),
});
const doctorStatusBody = z.object({ doctorId: id, suspended: z.boolean(), from: day.optional() });
const departmentBody = z.object({ departmentId: id, name: z.string().min(1).max(60) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || undefined;
  throw new SlotError('bad-request', `${field ? `${field}: ` : ''}${issue?.message ?? 'malformed request'}`, {
    ...(field ? { field } : {}),
  });
}

export async function registerSlotRoutes(app: FastifyInstance, deps: SlotRouteDeps): Promise<SlotService> {
  const service = new SlotService(deps.db, deps.options, (error) =>
    app.log.error({ err: error }, 'slot hold sweep failed'),
  );
  app.decorate('slots', service);
  app.addHook('onClose', async () => service.stop());

  const auth = (request: FastifyRequest): RequestAuth => {
    if (!request.auth) throw new SlotError('bad-request', 'This request needs a sign-in token.');
    return request.auth;
  };
  /** Answers a SlotError itself; anything else goes to the gateway's error handler. */
  const handle =
    <T>(work: (request: FastifyRequest, who: RequestAuth) => Promise<T>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await work(request, auth(request));
      } catch (error) {
        if (!(error instanceof SlotError)) throw error;
        request.log.info({ facility: request.auth?.facilityId, code: error.code }, error.message);
        return reply.code(error.status).send(error.body());
      }
    };
  const guarded = { preHandler: deps.authenticate };

  app.post(
    SLOT_ROUTES.publish,
    guarded,
    handle(async (request, who) => {
      const body = parse(publishBody, request.body);
      const result = await service.publish({
        hospitalId: who.facilityId,
        rows: body.slots,
        source: 'api',
        userId: who.userId,
      });
      request.log.info(
        { facility: who.facilityId, ...result, rejected: result.rejected.length },
        'slots published',
      );
      return result;
    }),
  );

  app.get(
    SLOT_ROUTES.poolSummary,
    guarded,
    handle(async (request) => {
      const query = parse(summaryQuery, request.query);
      return { rows: await service.poolSummary(query) };
    }),
  );

  app.get(
    SLOT_ROUTES.poolOpen,
    guarded,
    handle(async (request) => ({ slots: await service.poolOpen(parse(openQuery, request.query)) })),
  );

  app.post(
    SLOT_ROUTES.lock,
    guarded,
    handle(async (request, who) => {
      const body = parse(lockBody, request.body);
      return service.lock(who.facilityId, who.userId, {
        slotId: body.slotId,
        patientId: body.patientId,
        purpose: body.purpose,
        ...(body.referenceId ? { referenceId: body.referenceId } : {}),
        ...(body.holdSeconds !== undefined ? { holdSeconds: body.holdSeconds } : {}),
      });
    }),
  );

  app.post(
    SLOT_ROUTES.confirm,
    guarded,
    handle(async (request, who) =>
      service.confirm(who.facilityId, who.userId, parse(confirmBody, request.body)),
    ),
  );

  app.post(
    SLOT_ROUTES.release,
    guarded,
    handle(async (request, who) => {
      const body = parse(releaseBody, request.body);
      return service.release(who.facilityId, who.userId, {
        slotId: body.slotId,
        reason: body.reason,
        ...(body.lockId ? { lockId: body.lockId } : {}),
        ...(body.appointmentId ? { appointmentId: body.appointmentId } : {}),
      });
    }),
  );

  app.post(
    SLOT_ROUTES.doctorStatus,
    guarded,
    handle(async (request, who): Promise<DoctorStatusResponse> => {
      const body = parse(doctorStatusBody, request.body);
      const slots = await setDoctorSuspended(
        deps.db,
        {
          doctorId: body.doctorId,
          suspended: body.suspended,
          from: body.from ?? (await service.today()),
          facilityId: who.facilityId,
        },
        { facilityId: who.facilityId, deviceId: who.deviceId, userId: who.userId },
      );
      return { doctorId: body.doctorId, suspended: body.suspended, slots };
    }),
  );

  app.post(
    SLOT_ROUTES.departmentName,
    guarded,
    handle(async (request, who) => {
      const body = parse(departmentBody, request.body);
      await renameDepartment(
        deps.db,
        { facilityId: who.facilityId, departmentId: body.departmentId, name: body.name },
        { facilityId: who.facilityId, deviceId: who.deviceId, userId: who.userId },
      );
      return { departmentId: body.departmentId, name: body.name.trim() };
    }),
  );

  return service;
}
