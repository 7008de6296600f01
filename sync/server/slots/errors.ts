import { SLOT_ERROR_STATUS, type SlotErrorBody, type SlotErrorCode } from '../../protocol/slots';

/** A refusal of the slot API: a 4xx with a specific code and a plain sentence. */
export class SlotError extends Error {
  override name = 'SlotError';
  readonly status: number;
  constructor(
    readonly code: SlotErrorCode,
    message: string,
    readonly detail: Omit<SlotErrorBody, 'error' | 'message'> = {},
  ) {
    super(message);
    this.status = SLOT_ERROR_STATUS[code];
  }

  body(): SlotErrorBody {
    return { error: this.code, message: this.message, ...this.detail };
  }
}
