/**
 * The clinic's client of the county's slot API (sync/protocol/slots.ts) and
 * of the slot pull, over the link's one CountyApi (its queue and its token).
 * Refusals come back as CountyError with the gateway's code (a slot error
 * code or a protocol one); `offline` when the county could not be reached.
 */
import { API_PREFIX, PRIORITY, type PullResponse } from '../../sync/protocol/replication';
import {
  type ConfirmRequest,
  type ConfirmResponse,
  type LockRequest,
  type LockResponse,
  type PoolOpenQuery,
  type PoolOpenResponse,
  type PoolSummaryQuery,
  type PoolSummaryResponse,
  type ReleaseRequest,
  type ReleaseResponse,
  SLOT_ERROR_CODES,
  SLOT_ROUTES,
  type SlotErrorCode,
} from '../../sync/protocol/slots';
import { type CountyApi, CountyError, gzip } from '../sync/county-api';

export interface SlotCounty {
  /** The gateway this talks to (names the pull's checkpoint). */
  readonly baseUrl: string;
  pullSlots(seq: number, limit: number): Promise<{ response: PullResponse; bytes: number }>;
  poolSummary(query: PoolSummaryQuery): Promise<PoolSummaryResponse>;
  poolOpen(query: PoolOpenQuery): Promise<PoolOpenResponse>;
  lock(request: LockRequest): Promise<LockResponse>;
  confirm(request: ConfirmRequest): Promise<ConfirmResponse>;
  release(request: ReleaseRequest): Promise<ReleaseResponse>;
}

function query(params: object): string {
  const defined = Object.entries(params).filter(([, value]) => value !== undefined && value !== '');
  return new URLSearchParams(defined.map(([key, value]) => [key, String(value)])).toString();
}

/** Booking calls go first on a thin link (a doctor is waiting); the bulk pull goes last. */
const BOOKING = 0;
const LOOKUP = 1;

export function slotCounty(api: CountyApi): SlotCounty {
  return {
    baseUrl: api.baseUrl,
    async pullSlots(seq, limit) {
      const { body, bytes } = await api.request<PullResponse>(
        `${API_PREFIX}/pull?${query({ collection: 'slots', seq, limit })}`,
        { method: 'GET', rank: PRIORITY.slots },
      );
      // Without a Content-Length (a compressed answer streamed in chunks) `bytes` is the
      // uncompressed size; gzip of the text is what actually crossed the wire, near enough.
      const compressed = await gzip(JSON.stringify(body));
      return { response: body, bytes: compressed ? Math.min(bytes, compressed.length) : bytes };
    },
    async poolSummary(q) {
      return (
        await api.request<PoolSummaryResponse>(`${SLOT_ROUTES.poolSummary}?${query(q)}`, {
          method: 'GET',
          rank: LOOKUP,
        })
      ).body;
    },
    async poolOpen(q) {
      return (
        await api.request<PoolOpenResponse>(`${SLOT_ROUTES.poolOpen}?${query(q)}`, {
          method: 'GET',
          rank: LOOKUP,
        })
      ).body;
    },
    async lock(request) {
      return (
        await api.request<LockResponse>(SLOT_ROUTES.lock, { method: 'POST', body: request, rank: BOOKING })
      ).body;
    },
    async confirm(request) {
      return (
        await api.request<ConfirmResponse>(SLOT_ROUTES.confirm, {
          method: 'POST',
          body: request,
          rank: BOOKING,
        })
      ).body;
    },
    async release(request) {
      return (
        await api.request<ReleaseResponse>(SLOT_ROUTES.release, {
          method: 'POST',
          body: request,
          rank: BOOKING,
        })
      ).body;
    },
  };
}

/** The slot error code of a refusal, if it is one. */
export function slotErrorCode(error: unknown): SlotErrorCode | undefined {
  if (!(error instanceof CountyError)) return undefined;
  const code = error.code as string;
  return (SLOT_ERROR_CODES as readonly string[]).includes(code) ? (code as SlotErrorCode) : undefined;
}

export function isOffline(error: unknown): boolean {
  return error instanceof CountyError && error.code === 'offline';
}
