/**
 * Second-generation resident ID card readers with a SAM module (GA/T 467), UART 115200 8N1.
 *
 *   AA AA AA 96 69 | LEN (2, big-endian) | body | CHK
 * LEN counts everything after itself including CHK; CHK is the XOR of every byte after the
 * 5-byte preamble except itself. Host bodies are `CMD PARA`; reader bodies start `SW1 SW2 SW3`.
 * A read reply's data is: text length (2, BE, 256), photo length (2, BE, 1024), 256 bytes of
 * UTF-16LE text, then the 1024-byte WLT photo, which is kept as is (only closed vendor libraries
 * decode it).
 */
import { xor8 } from '../../framing/checksum';

export const PREAMBLE = Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69);
/** Preamble + LEN. */
export const HEADER_LENGTH = 7;
export const TEXT_LENGTH = 256;
export const PHOTO_LENGTH = 1024;

export const COMMANDS = {
  findCard: [0x20, 0x01],
  selectCard: [0x20, 0x02],
  readTextAndPhoto: [0x30, 0x01],
  samStatus: [0x11, 0xff],
  samId: [0x12, 0xff],
} as const;

export type CommandName = keyof typeof COMMANDS;

/** SW3 values; the names are what faults carry as `deviceCode`. */
export const SW3 = {
  ok: 0x90,
  cardFound: 0x9f,
  findFailed: 0x80,
  selectFailed: 0x81,
  noContent: 0x91,
  readFailed: 0x41,
  checksumError: 0x10,
  lengthError: 0x11,
  commandError: 0x21,
} as const;

export const SAM_ERRORS: Record<number, string> = {
  [SW3.selectFailed]: 'select-failed',
  [SW3.noContent]: 'no-content',
  [SW3.readFailed]: 'read-failed',
  [SW3.checksumError]: 'checksum-error',
  [SW3.lengthError]: 'length-error',
  [SW3.commandError]: 'command-error',
};

/** Wraps a body in preamble, length and checksum. */
export function frame(body: ArrayLike<number>): Uint8Array {
  const length = body.length + 1;
  const bytes = new Uint8Array(HEADER_LENGTH + length);
  bytes.set(PREAMBLE);
  bytes[5] = length >> 8;
  bytes[6] = length & 0xff;
  bytes.set(Array.from(body), HEADER_LENGTH);
  bytes[bytes.length - 1] = xor8(bytes, PREAMBLE.length, bytes.length - 1);
  return bytes;
}

export function command(name: CommandName): Uint8Array {
  return frame(COMMANDS[name]);
}

export function reply(sw3: number, data: ArrayLike<number> = []): Uint8Array {
  return frame([0x00, 0x00, sw3, ...Array.from(data)]);
}
