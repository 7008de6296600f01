/**
 * GB18030 encoding without iconv: Node's TextDecoder decodes gb18030 but has no encoder, so the
 * two-byte table is recovered by decoding every lead/trail pair once and inverting it.
 *
 * LIMIT: only ASCII and the two-byte range (lead 0x81-0xFE, trail 0x40-0x7E / 0x80-0xFE) are
 * covered. That is all of GB2312/GBK, i.e. every character a receipt prints (hanzi, full-width
 * punctuation, ￥). Four-byte sequences (rare CJK extension characters, emoji) are not built and
 * come out as '?', as does anything else the table lacks.
 */
const UNENCODABLE = 0x3f;

let table: Map<number, number> | undefined;

function twoByteTable(): Map<number, number> {
  if (table !== undefined) return table;
  table = new Map();
  const decoder = new TextDecoder('gb18030');
  const trails: number[] = [];
  for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) trails.push(trail);
  const row = new Uint8Array(trails.length * 2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    trails.forEach((trail, i) => {
      row[i * 2] = lead;
      row[i * 2 + 1] = trail;
    });
    const chars = decoder.decode(row);
    // Every pair in this range decodes to exactly one BMP code unit; if a future decoder ever
    // disagreed, the row would misalign, so it is skipped rather than trusted.
    if (chars.length !== trails.length) continue;
    trails.forEach((trail, i) => {
      const unit = chars.charCodeAt(i);
      if (unit !== 0xfffd && !table?.has(unit)) table?.set(unit, (lead << 8) | trail);
    });
  }
  return table;
}

export function encodeGb18030(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const pair = code <= 0xffff ? twoByteTable().get(code) : undefined;
    if (pair === undefined) out.push(UNENCODABLE);
    else out.push(pair >> 8, pair & 0xff);
  }
  return Uint8Array.from(out);
}
