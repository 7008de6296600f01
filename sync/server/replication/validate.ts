/**
 * Request shapes (zod) and document schemas (ajv over the same RxDB JSON
 * schemas the clinic uses, from sync/protocol/schema). RxDB-only keywords
 * (primaryKey, indexes, version, attachments) are ignored (`strict: false`).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { REPLICATED_COLLECTIONS, type ReplicatedCollection } from '../../protocol/replication';
import { CLINIC_SCHEMAS, ID_MAX } from '../../protocol/schema';
import { SyncError } from '../errors';
import type { PullQuery } from './pull';

const wireDocument = z.looseObject({
  id: z.string().min(1).max(ID_MAX),
  _deleted: z.boolean(),
});

const pushBody = z.object({
  collection: z.string(),
  pushId: z.string().min(1).max(100),
  rows: z
    .array(
      z.object({
        assumedMasterState: wireDocument.nullable(),
        newDocumentState: wireDocument,
      }),
    )
    .max(20_000),
});

export type ParsedPush = {
  collection: ReplicatedCollection;
  pushId: string;
  rows: Array<{
    assumedMasterState: (Record<string, unknown> & { id: string; _deleted: boolean }) | null;
    newDocumentState: Record<string, unknown> & { id: string; _deleted: boolean };
  }>;
};

export function isReplicatedCollection(value: unknown): value is ReplicatedCollection {
  return typeof value === 'string' && (REPLICATED_COLLECTIONS as readonly string[]).includes(value);
}

export function parseCollection(value: unknown): ReplicatedCollection {
  if (!isReplicatedCollection(value)) {
    throw new SyncError('unknown-collection', `There is no collection called "${String(value)}".`);
  }
  return value;
}

/** Shape first (400), then collection (400), then every row against its schema (422). */
export function parsePushRequest(body: unknown): ParsedPush {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new SyncError('malformed-request', 'The push is not a JSON object.');
  }
  if ('collection' in body) parseCollection((body as { collection: unknown }).collection);
  const parsed = pushBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const row = issue?.path[0] === 'rows' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
    throw new SyncError(
      'malformed-request',
      `The push is malformed${path ? ` at ${path}` : ''}: ${issue?.message ?? 'invalid'}.`,
      row === undefined ? {} : { row },
    );
  }
  const collection = parseCollection(parsed.data.collection);
  const rows = parsed.data.rows as ParsedPush['rows'];
  rows.forEach((row, index) => {
    if (row.assumedMasterState && row.assumedMasterState.id !== row.newDocumentState.id) {
      throw new SyncError('malformed-request', `Row ${index}: the assumed state is of another document.`, {
        row: index,
      });
    }
    validateDocument(collection, row.newDocumentState, index);
    if (collection === 'attachments') checkAttachmentSize(row.newDocumentState, index);
  });
  return { collection, pushId: parsed.data.pushId, rows };
}

/**
 * Largest file the county takes (consent scan, report, ECG): a push is at most
 * 2 MiB of JSON and a file travels base64-encoded (4/3 larger) beside its
 * metadata, so 1 MiB fits one push with room to spare.
 */
export const ATTACHMENT_MAX_BYTES = 1024 * 1024;

function mebibytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The declared size and every RxDB attachment's length within the limit (413 naming the file). */
export function checkAttachmentSize(doc: Record<string, unknown>, row: number): void {
  const files = Object.values((doc._attachments as Record<string, { length?: unknown }> | undefined) ?? {});
  const sizes = [doc.size, ...files.map((file) => file?.length)].filter(
    (size): size is number => typeof size === 'number',
  );
  const largest = Math.max(0, ...sizes);
  if (largest > ATTACHMENT_MAX_BYTES) {
    throw new SyncError(
      'payload-too-large',
      `Row ${row}: the file "${String(doc.fileName)}" is ${mebibytes(largest)}; files up to ${mebibytes(ATTACHMENT_MAX_BYTES)} go to the county. Scan it at a lower resolution or in parts.`,
      { row, field: 'size' },
    );
  }
}

const ajv = new Ajv({ strict: false, allErrors: false });
ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/);

const validators = new Map<ReplicatedCollection, ValidateFunction>();

function validatorFor(collection: ReplicatedCollection): ValidateFunction {
  let validate = validators.get(collection);
  if (!validate) {
    const schema = CLINIC_SCHEMAS[collection] as unknown as Record<string, unknown>;
    const properties = { ...(schema.properties as Record<string, unknown>) };
    // RxDB keeps attachment metadata in `_attachments` on collections with attachments.
    if (schema.attachments) properties._attachments = { type: 'object' };
    // RxDB refuses unknown top-level fields; so does the county, so it never serves what a clinic would refuse.
    validate = ajv.compile({ ...schema, properties, additionalProperties: false });
    validators.set(collection, validate);
  }
  return validate;
}

/** `doc` minus `_deleted` against the collection's schema; names the row and the field. */
export function validateDocument(
  collection: ReplicatedCollection,
  doc: Record<string, unknown>,
  row: number,
): void {
  const { _deleted: _ignored, ...document } = doc;
  const validate = validatorFor(collection);
  if (validate(document)) return;
  const error = validate.errors?.[0];
  const field = fieldOf(error);
  throw new SyncError(
    'schema-violation',
    `Row ${row} (${collection} ${String(doc.id)}): field "${field || '(document)'}" ${error?.message ?? 'is invalid'}.`,
    { row, field },
  );
}

function fieldOf(error: ErrorObject | undefined): string {
  if (!error) return '';
  const path = error.instancePath.split('/').filter(Boolean);
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty) path.push(params.missingProperty);
  if (params.additionalProperty) path.push(params.additionalProperty);
  return path.join('.');
}

const pullQuery = z.object({
  collection: z.string(),
  seq: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  limit: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(1000),
  /** `count=0`: the client keeps its own progress count; absent = counted (clients before it). */
  count: z.enum(['0', '1']).default('1'),
});

export function parsePullQuery(query: unknown, limitMax: number): PullQuery {
  const candidate = (query ?? {}) as Record<string, unknown>;
  if (candidate.collection === undefined) {
    throw new SyncError('malformed-request', 'The pull needs a collection.');
  }
  const collection = parseCollection(candidate.collection);
  const parsed = pullQuery.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SyncError(
      'malformed-request',
      `The pull is malformed at ${issue?.path.join('.')}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return {
    collection,
    seq: parsed.data.seq,
    limit: Math.min(parsed.data.limit, limitMax),
    count: parsed.data.count === '1',
  };
}

const enrolBody = z.object({ code: z.string().min(1).max(64), deviceName: z.string().min(1).max(100) });
const tokenBody = z.object({
  deviceId: z.string().min(1).max(100),
  deviceSecret: z.string().min(1).max(200),
  userId: z.string().min(1).max(ID_MAX),
});

export function parseEnrol(body: unknown): z.infer<typeof enrolBody> {
  const parsed = enrolBody.safeParse(body);
  if (!parsed.success) throw new SyncError('malformed-request', 'Enrolment needs a code and a device name.');
  return parsed.data;
}

export function parseTokenRequest(body: unknown): z.infer<typeof tokenBody> {
  const parsed = tokenBody.safeParse(body);
  if (!parsed.success) {
    throw new SyncError('malformed-request', 'A token request needs deviceId, deviceSecret and userId.');
  }
  return parsed.data;
}
