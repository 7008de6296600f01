const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** `3e 04 4f 6f`: the spelling used in devices.md, fixtures and capture files. */
export function toHex(bytes: Uint8Array, separator = ' '): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) out += separator;
    out += HEX[bytes[i] as number];
  }
  return out;
}

/** Accepts any whitespace, `0x` prefixes and `#` comments so fixtures can be annotated. */
export function fromHex(text: string): Uint8Array {
  const digits = text
    .replace(/#[^\n]*/g, '')
    .replace(/0x/gi, '')
    .replace(/[\s,]/g, '');
  if (digits.length % 2 !== 0 || /[^0-9a-f]/i.test(digits)) {
    throw new Error(`not a hex byte string: ${text.slice(0, 40)}`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}
