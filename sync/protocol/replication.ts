/**
 * The replication protocol between a clinic and the county gateway, version 1.
 * Small and explicit on purpose (in the spirit of RxDB's and Replicache's):
 *
 *   POST /v1/enrol          one-time code        -> device credential
 *   POST /v1/token          device credential    -> short-lived signed token
 *   GET  /v1/pull           checkpoint           -> documents after it, in server order
 *   POST /v1/push           rows with the state each change assumed -> conflicts
 *   GET  /v1/stream         (SSE) "something in your scope changed" -> the client pulls
 *
 * Order is the gateway's: every stored change gets the next value of one
 * county-wide sequence (`countySeq`), and pulls resume after the last one seen.
 * The client's clock is never used to order anything.
 */
import type { CollectionName } from './schema';

export const PROTOCOL_VERSION = 1;
export const API_PREFIX = '/v1';

/** Collections a clinic replicates, in the order bandwidth is spent on them when short. */
export const REPLICATED_COLLECTIONS = [
  'referral_commands',
  'referrals',
  'patients',
  'readings',
  'visits',
  'appointments',
  'slots',
  'facilities',
  'staff',
  'users',
  'audit',
  'attachments',
] as const satisfies readonly CollectionName[];
export type ReplicatedCollection = (typeof REPLICATED_COLLECTIONS)[number];

/**
 * Priority classes when bandwidth is short: referral and review commands first,
 * then patients and readings, then bulk (reference data, audit, attachments).
 */
export const PRIORITY: Record<ReplicatedCollection, 0 | 1 | 2> = {
  referral_commands: 0,
  referrals: 0,
  patients: 1,
  readings: 1,
  visits: 1,
  appointments: 1,
  slots: 2,
  facilities: 2,
  staff: 2,
  users: 2,
  audit: 2,
  attachments: 2,
};

/**
 * Fields the gateway stamps on every document it stores and serves. A document
 * that lacks `countySeq` locally has not reached the county yet ("waiting").
 * Clinics never set them: a push that carries values the gateway did not give
 * is refused.
 */
export interface CountyStamp {
  countySeq?: number;
  /** Gateway clock (ISO 8601), the only trusted time. */
  countyTime?: string;
}

export type Checkpoint = { seq: number };

export interface PullRequest {
  collection: ReplicatedCollection;
  /** Absent on the first pull. */
  checkpoint?: Checkpoint;
  /** The gateway caps it (initial syncs ask for large batches). */
  limit: number;
  /**
   * Whether the gateway should count what remains after a full batch (query
   * `count=1`, the default). A count reads the whole rest, so a client asks once
   * per sync and counts down itself (`count=0` on the following batches).
   */
  count?: boolean;
}

/** Documents are sent with `_deleted` (tombstones are replicated, never dropped). */
export type WireDocument = Record<string, unknown> & { id: string; _deleted: boolean } & CountyStamp;

export interface PullResponse {
  documents: WireDocument[];
  checkpoint: Checkpoint;
  /** True when more documents are waiting after this batch (drives the progress bar). */
  more: boolean;
  /**
   * Documents in scope after the checkpoint, counted before this batch (for
   * progress). Absent when a full batch was pulled with `count=0`.
   */
  remaining?: number;
}

export interface PushRow {
  /** What the clinic believed the county had; null for a document it created. */
  assumedMasterState: WireDocument | null;
  newDocumentState: WireDocument;
}

export interface PushRequest {
  collection: ReplicatedCollection;
  /** Client-made id of this batch; a retried batch with the same id changes nothing. */
  pushId: string;
  rows: PushRow[];
}

/**
 * The gateway's current state of each row it did not take as sent. Patients
 * are merged field by field, so they come back merged rather than refused.
 */
export interface PushResponse {
  conflicts: WireDocument[];
}

/** Every refusal is a 4xx with one of these codes and a sentence for the sync panel. */
export const SYNC_ERROR_CODES = [
  'malformed-request',
  'payload-too-large',
  'unknown-collection',
  'schema-violation',
  'not-owner',
  'out-of-scope',
  'referral-target-refused',
  'county-fields-set',
  'token-missing',
  'token-invalid',
  'token-expired',
  'token-superseded',
  'device-revoked',
  'facility-offline',
  'enrolment-code-invalid',
  'enrolment-code-used',
] as const;
export type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

export interface SyncErrorBody {
  error: SyncErrorCode;
  message: string;
  /** For schema violations: which row and which field. */
  row?: number;
  field?: string;
}

export interface EnrolRequest {
  code: string;
  deviceName: string;
}

export interface EnrolResponse {
  facilityId: string;
  deviceId: string;
  /** Shown once; the clinic keeps it in the bridge's secret store. */
  deviceSecret: string;
}

export interface TokenRequest {
  deviceId: string;
  deviceSecret: string;
  /** The signed-in user, recorded on every write this token makes. */
  userId: string;
}

export interface TokenResponse {
  token: string;
  expiresAt: string;
}

/** Server-sent event on /v1/stream: a hint to pull, never data. */
export interface StreamEvent {
  collection: ReplicatedCollection;
  seq: number;
}
