/**
 * The text in a slip's QR code: `XYS1.<content>.<KEY ID>.<signature>`, content
 * and signature in base32. Upper-case letters, digits and dots only, on purpose:
 * the QR code encodes them in alphanumeric mode (about a fifth smaller than
 * base64 in byte mode), a keyboard-wedge scanner types them into any text
 * field, and a scanner typing with Caps Lock on still gives a readable code
 * (letter case is ignored when reading).
 */
import { SLIP_FORMAT } from './content';

export interface SlipPayload {
  /** The canonical slip text (see canonicalSlip). */
  text: string;
  keyId: string;
  /** r‖s, 128 hex digits. */
  signature: string;
}

export class SlipPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlipPayloadError';
  }
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: upper case and digits, QR alphanumeric mode. */
export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function fromBase32(text: string): Uint8Array {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new SlipPayloadError(`unexpected character "${char}" in the code`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

export function encodeSlipPayload(payload: SlipPayload): string {
  if (!/^[0-9a-f]{128}$/.test(payload.signature))
    throw new SlipPayloadError('signature must be 128 hex digits');
  return [
    SLIP_FORMAT,
    base32(new TextEncoder().encode(payload.text)),
    payload.keyId.toUpperCase(),
    base32(hexToBytes(payload.signature)),
  ].join('.');
}

/** Reads the scanned or pasted text; says what is wrong with it when it is not a slip code. */
export function decodeSlipPayload(scanned: string): SlipPayload {
  const text = scanned.trim().toUpperCase();
  const parts = text.split('.');
  if (parts[0] !== SLIP_FORMAT) throw new SlipPayloadError('this is not a Xiangyi referral slip code');
  if (parts.length !== 4) throw new SlipPayloadError(`a slip code has 4 parts, this one ${parts.length}`);
  const [, content = '', keyId = '', signature = ''] = parts;
  if (!/^[0-9A-F]{12}$/.test(keyId)) throw new SlipPayloadError('the key id in the code is damaged');
  const signatureBytes = fromBase32(signature);
  if (signatureBytes.length !== 64) throw new SlipPayloadError('the signature in the code is incomplete');
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(fromBase32(content));
  } catch (error) {
    if (error instanceof SlipPayloadError) throw error;
    throw new SlipPayloadError('the slip content in the code is damaged');
  }
  return {
    text: decoded,
    keyId: keyId.toLowerCase(),
    signature: Array.from(signatureBytes, (b) => b.toString(16).padStart(2, '0')).join(''),
  };
}

/** Whether scanned text is a slip code (so a keyboard-mode scanner's burst is not taken for a health card). */
export function looksLikeSlipCode(scanned: string): boolean {
  return scanned.trim().toUpperCase().startsWith(`${SLIP_FORMAT}.`);
}
