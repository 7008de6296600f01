// Shared input clean-up for identity fields typed at a clinic PC.
// Chinese IMEs easily switch to full-width mode (全角), so digits and
// letters often arrive as U+FF10..U+FF5A; ideographic spaces (U+3000) too.

/** Converts full-width ASCII variants (！..～) to their half-width form and U+3000 to a space. */
export function toHalfWidth(raw: string): string {
  let out = '';
  for (const ch of raw) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xff01 && cp <= 0xff5e) out += String.fromCharCode(cp - 0xfee0);
    else if (cp === 0x3000) out += ' ';
    else out += ch;
  }
  return out;
}

/** Removes every kind of whitespace, including inner spaces people insert for readability. */
export function stripSpaces(raw: string): string {
  return raw.replace(/\s+/g, '');
}
