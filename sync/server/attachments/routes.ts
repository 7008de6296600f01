/**
 * Attachment bytes at the county: `PUT` from the owning facility, `GET` for
 * every facility the attachment document is shared with. The document (owner,
 * scope, mime, size, digest) must have been pushed first; the bytes are checked
 * against it and kept once. Refusals carry their own codes (protocol/attachments.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  ATTACHMENT_CONTENT_ROUTE,
  ATTACHMENT_ERROR_STATUS,
  ATTACHMENT_MAX_BYTES,
  type AttachmentErrorCode,
  type AttachmentUploadResponse,
  fileDigest,
} from '../../protocol/attachments';
import type { AttachmentDoc } from '../../protocol/schema';
import type { RequestAuth } from '../auth/guard';
import type { Database } from '../db/driver';
import { SyncError } from '../errors';
import { inScope } from '../replication/scope';
import { loadDocs } from '../replication/store';

export class AttachmentError extends Error {
  override name = 'AttachmentError';
  readonly status: number;
  constructor(
    readonly code: AttachmentErrorCode,
    message: string,
  ) {
    super(message);
    this.status = ATTACHMENT_ERROR_STATUS[code];
  }
}

export interface AttachmentRouteDeps {
  db: Database;
  /** Sets `request.auth` or throws the gateway's refusal. */
  authenticate: (request: FastifyRequest) => Promise<void>;
}

type Metadata = Pick<
  AttachmentDoc,
  'id' | 'facilityId' | 'fileName' | 'mime' | 'size' | 'digest' | 'digestAlgorithm'
>;

/** The attachment document if this facility may see it; otherwise the same answer as for an unknown id. */
async function visibleMetadata(db: Database, id: string, auth: RequestAuth): Promise<Metadata> {
  const doc = (await loadDocs(db, 'attachments', [id])).get(id);
  if (!doc || doc.deleted || !inScope(doc.scope, auth.facilityId)) {
    throw new AttachmentError(
      'attachment-unknown',
      `Attachment ${id} is not known to the county for this facility (its record is sent first).`,
    );
  }
  return { ...(doc.data as unknown as Metadata), id };
}

function mimeOf(request: FastifyRequest): string {
  return String(request.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim()
    .toLowerCase() as string;
}

/** Checks an upload against its metadata; returns why it is refused, or null. */
async function checkUpload(
  meta: Metadata,
  mime: string,
  body: Uint8Array<ArrayBuffer>,
): Promise<AttachmentError | null> {
  if (mime !== meta.mime.toLowerCase()) {
    return new AttachmentError(
      'attachment-type-mismatch',
      `"${meta.fileName}" is recorded as ${meta.mime}; the upload was sent as ${mime || 'no type'}.`,
    );
  }
  if (body.length > ATTACHMENT_MAX_BYTES) {
    return new AttachmentError(
      'attachment-too-large',
      `"${meta.fileName}" is ${body.length} bytes; files up to ${ATTACHMENT_MAX_BYTES} bytes go to the county.`,
    );
  }
  if (body.length !== meta.size || (await fileDigest(body, meta.digestAlgorithm)) !== meta.digest) {
    return new AttachmentError(
      'attachment-digest-mismatch',
      `The bytes sent for "${meta.fileName}" are not the file its record describes (size or ${meta.digestAlgorithm} digest differs); it was damaged on the way or changed since.`,
    );
  }
  return null;
}

export async function registerAttachmentRoutes(
  app: FastifyInstance,
  deps: AttachmentRouteDeps,
): Promise<void> {
  const { db } = deps;
  const authed = (request: FastifyRequest): RequestAuth => {
    if (!request.auth) throw new SyncError('token-missing', 'This request needs a sign-in token.');
    return request.auth;
  };
  /** Answers an AttachmentError itself; anything else goes to the gateway's error handler. */
  const handle =
    (work: (request: FastifyRequest, id: string, reply: FastifyReply) => Promise<unknown>) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        return await work(request, String((request.params as { id?: unknown }).id), reply);
      } catch (error) {
        if (!(error instanceof AttachmentError)) throw error;
        request.log.warn({ facility: request.auth?.facilityId, code: error.code }, error.message);
        return reply.code(error.status).send({ error: error.code, message: error.message });
      }
    };

  await app.register(async (scope) => {
    // Raw bytes of any type; the route compares the type with the record. Twice the limit is
    // read so an oversize file gets the specific refusal, beyond that Fastify's own.
    scope.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: 2 * ATTACHMENT_MAX_BYTES },
      (_r, body, done) => done(null, body),
    );

    scope.put(
      ATTACHMENT_CONTENT_ROUTE,
      { preHandler: deps.authenticate },
      handle(async (request, id, reply) => {
        const auth = authed(request);
        const meta = await visibleMetadata(db, id, auth);
        if (meta.facilityId !== auth.facilityId) {
          throw new AttachmentError(
            'attachment-not-owner',
            `"${meta.fileName}" belongs to another facility; only its owner uploads it.`,
          );
        }
        const raw = request.body;
        const body = raw instanceof Uint8Array ? new Uint8Array(raw) : new Uint8Array(0);
        const refusal = await checkUpload(meta, mimeOf(request), body);
        if (refusal) throw refusal;
        const inserted = await db.query(
          `INSERT INTO attachment_content (id, facility_id, mime, size, digest, content, uploaded_by_device)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
          [meta.id, meta.facilityId, meta.mime, body.length, meta.digest, body, auth.deviceId],
        );
        if (inserted.rows.length === 0) {
          const { rows } = await db.query<{ digest: string }>(
            'SELECT digest FROM attachment_content WHERE id = $1',
            [meta.id],
          );
          if (rows[0]?.digest !== meta.digest) {
            throw new AttachmentError(
              'attachment-content-differs',
              `The county already holds another file under attachment ${meta.id}; a file is never replaced.`,
            );
          }
        }
        const stored = inserted.rows.length > 0;
        request.log.info(
          { facility: auth.facilityId, attachment: meta.id, bytes: body.length, stored },
          'attachment',
        );
        const answer: AttachmentUploadResponse = { id: meta.id, stored, size: body.length };
        return reply.code(stored ? 201 : 200).send(answer);
      }),
    );

    scope.get(
      ATTACHMENT_CONTENT_ROUTE,
      { preHandler: deps.authenticate },
      handle(async (request, id, reply) => {
        const auth = authed(request);
        const meta = await visibleMetadata(db, id, auth);
        const { rows } = await db.query<{ content: Uint8Array; mime: string; digest: string }>(
          'SELECT content, mime, digest FROM attachment_content WHERE id = $1',
          [meta.id],
        );
        const row = rows[0];
        if (!row) {
          throw new AttachmentError(
            'attachment-not-uploaded',
            `"${meta.fileName}" has not reached the county yet; its facility sends it when the link allows.`,
          );
        }
        return reply
          .type(row.mime)
          .header('x-attachment-digest', row.digest)
          .header('cache-control', 'private, no-store')
          .send(Buffer.from(row.content.buffer, row.content.byteOffset, row.content.byteLength));
      }),
    );
  });
}
