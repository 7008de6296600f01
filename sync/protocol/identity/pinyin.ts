// Toneless pinyin syllables as people type them in Chinese HIS search boxes:
// lower-case, no tones, ü written as v (吕 -> lv, the IME convention), and a
// run of Latin letters kept as one "syllable" (李Amy -> li + amy).
import { pinyin } from 'pinyin-pro';

export type Syllables = string[];

/**
 * Splits `text` into lower-case syllables. Chinese characters become pinyin
 * (pinyin-pro's single most likely reading in context); Latin letters and digits
 * are grouped into runs; everything else (·, spaces, punctuation) separates runs.
 * `surname: true` makes the first character read as a surname (单 shan, 曾 zeng, 解 xie).
 */
export function toSyllables(text: string, surname = false): Syllables {
  return toSyllablesMany([text], surname)[0] ?? [];
}

const HAN = /^\p{Script=Han}$/u;
const LATIN_OR_DIGIT = /^[A-Za-z0-9]$/;
const PINYIN = /^[a-z]+$/;

const polyphonicCache = new Map<string, boolean>();
function isPolyphonic(ch: string): boolean {
  let v = polyphonicCache.get(ch);
  if (v === undefined) {
    v = new Set(pinyin(ch, { toneType: 'none', type: 'array', multiple: true })).size > 1;
    polyphonicCache.set(ch, v);
  }
  return v;
}

/** Turns aligned characters and readings into syllables (see toSyllables). */
function collect(chars: readonly string[], readings: readonly string[], from: number, to: number): Syllables {
  const out: Syllables = [];
  let run = '';
  for (let i = from; i < to; i++) {
    const ch = chars[i] ?? '';
    if (HAN.test(ch)) {
      if (run) out.push(run);
      run = '';
      // Rare characters pinyin-pro does not know come back unchanged: no syllable for them.
      const lower = (readings[i] ?? '').toLowerCase();
      if (PINYIN.test(lower)) out.push(lower);
    } else if (LATIN_OR_DIGIT.test(ch)) {
      run += ch.toLowerCase();
    } else {
      if (run) out.push(run);
      run = '';
    }
  }
  if (run) out.push(run);
  return out;
}

function readText(text: string, surname: boolean): { chars: string[]; readings: string[] } {
  const chars = [...text];
  let readings = pinyin(text, {
    toneType: 'none',
    type: 'array',
    v: true,
    surname: surname ? 'head' : 'off',
  });
  // pinyin-pro returns one element per character; if exotic input breaks that, read characters alone.
  if (readings.length !== chars.length) readings = chars.map((c) => pinyin(c, { toneType: 'none', v: true }));
  return { chars, readings };
}

/**
 * Same as toSyllables for many texts. pinyin-pro's per-call overhead dominates
 * for short strings, so the texts are read in one call, joined with a newline
 * (non-Chinese, so word segmentation cannot span two texts). In surname mode a
 * text whose leading character has several readings (单, 曾, 解, 尉迟, 长孙...) is
 * re-read on its own with pinyin-pro's surname mode; the common surnames
 * (王, 李, 张...) have one reading and stay on the fast path.
 */
export function toSyllablesMany(texts: readonly string[], surname = false): Syllables[] {
  const clean = texts.map((t) => t.replace(/\n/g, ' '));
  const all = readText(clean.join('\n'), false);
  const results: Syllables[] = [];
  let pos = 0;
  for (const text of clean) {
    const n = [...text].length;
    const firstHan = surname ? [...text].find((c) => HAN.test(c)) : undefined;
    if (firstHan !== undefined && isPolyphonic(firstHan)) {
      const own = readText(text, true);
      results.push(collect(own.chars, own.readings, 0, own.chars.length));
    } else {
      results.push(collect(all.chars, all.readings, pos, pos + n));
    }
    pos += n + 1;
  }
  return results;
}

/**
 * True when `q` can be read as consecutive non-empty prefixes of the syllables,
 * starting at the first one: for 张三丰 (zhang san feng) this accepts "zsf",
 * "zhangs", "zsan", "zhsanf", but not "sf" or "zhangf". Names have at most a
 * handful of syllables, so the backtracking stays tiny.
 */
export function matchesSyllablePrefixes(q: string, syllables: readonly string[], qi = 0, si = 0): boolean {
  if (qi === q.length) return true;
  const syl = syllables[si];
  if (syl === undefined) return false;
  // Longest piece first: users type whole syllables more often than not.
  for (let len = Math.min(syl.length, q.length - qi); len >= 1; len--) {
    if (q.startsWith(syl.slice(0, len), qi) && matchesSyllablePrefixes(q, syllables, qi + len, si + 1)) {
      return true;
    }
  }
  return false;
}
