/** Sum of bytes mod 256 over [start, end). */
export function sum8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum = (sum + (bytes[i] as number)) & 0xff;
  return sum;
}

/** The byte that makes a frame's sum come out as 0 mod 256 (SunTech-style modules). */
export function zeroSumByte(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return (0x100 - sum8(bytes, start, end)) & 0xff;
}

/** XOR of bytes over [start, end) (GA/T 467 SAM frames). */
export function xor8(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i] as number;
  return x;
}
