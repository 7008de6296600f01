import type { SyncErrorBody, SyncErrorCode } from '../protocol/replication';

const STATUS: Record<SyncErrorCode, number> = {
  'malformed-request': 400,
  'unknown-collection': 400,
  'payload-too-large': 413,
  'schema-violation': 422,
  'county-fields-set': 422,
  'not-owner': 403,
  'out-of-scope': 403,
  'referral-target-refused': 403,
  'device-revoked': 403,
  'facility-offline': 403,
  'token-missing': 401,
  'token-invalid': 401,
  'token-expired': 401,
  'token-superseded': 401,
  'enrolment-code-invalid': 400,
  'enrolment-code-used': 409,
};

/** A refusal: a 4xx with a specific code and a plain sentence for the sync panel. */
export class SyncError extends Error {
  readonly status: number;
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly detail: { row?: number; field?: string } = {},
  ) {
    super(message);
    this.name = 'SyncError';
    this.status = STATUS[code];
  }

  body(): SyncErrorBody {
    return { error: this.code, message: this.message, ...this.detail };
  }
}

export function statusOf(code: SyncErrorCode): number {
  return STATUS[code];
}
