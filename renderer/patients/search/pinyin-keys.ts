// Pinyin search keys for patient names, as stored alongside the patient record
// (so the index can be rebuilt without re-reading every name) and as typed by
// registration clerks: full pinyin without tones or spaces, and initials.
import { type Syllables, toSyllables, toSyllablesMany } from '../../../sync/protocol/identity/pinyin';

export type PinyinKeys = { full: string; initials: string };

function keysOf(syllables: Syllables): PinyinKeys {
  let full = '';
  let initials = '';
  for (const s of syllables) {
    full += s;
    initials += s[0] ?? '';
  }
  return { full, initials };
}

/**
 * 张三 -> { full: 'zhangsan', initials: 'zs' }. The first character is read as a
 * surname (单 shan, 曾 zeng, 解 xie); other characters take pinyin-pro's single
 * most likely reading; ü is written v (吕 lv); Latin letters are lower-cased and
 * a run of them counts as one syllable (李Amy -> 'liamy' / 'la').
 */
export function pinyinKeys(name: string): PinyinKeys {
  return keysOf(toSyllables(name.trim(), true));
}

/** pinyinKeys for many names at once; much faster for bulk index builds. */
export function pinyinKeysMany(names: readonly string[]): PinyinKeys[] {
  return toSyllablesMany(
    names.map((n) => n.trim()),
    true,
  ).map(keysOf);
}
