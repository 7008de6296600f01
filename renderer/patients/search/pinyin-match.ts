/**
 * Mixed pinyin matching on the stored keys only (full + initials), so records that
 * arrive with precomputed keys need no syllable list: `q` matches when it can be
 * read as consecutive prefixes of the name's syllables, starting at the first
 * ("zhangs", "zsan", "zhsf" for 张三丰 zhang-san-feng).
 *
 * Syllable boundaries are not stored, so any split of `full` whose pieces start
 * with the successive initials is tried. That may accept a few extra splits
 * (when an initial letter repeats inside a syllable), which only widens a search
 * result list and never loses a true match. Allocation-free; names are short.
 */
export function matchesPinyinMixed(q: string, full: string, initials: string): boolean {
  if (q.length === 0) return true;
  if (full.length === 0 || q.charCodeAt(0) !== full.charCodeAt(0)) return false;
  return step(q, 0, full, 0, initials, 0);
}

function step(q: string, qi: number, full: string, fp: number, initials: string, k: number): boolean {
  if (qi === q.length) return true;
  if (k >= initials.length || fp >= full.length) return false;
  const last = k === initials.length - 1;
  const nextInitial = last ? -1 : initials.charCodeAt(k + 1);
  // Candidate ends of syllable k: before a position holding the next initial, or the end for the last one.
  for (let end = fp + 1; end <= full.length; end++) {
    if (last ? end !== full.length : end === full.length || full.charCodeAt(end) !== nextInitial) continue;
    // Longest usable piece of this syllable first.
    let common = 0;
    const max = Math.min(end - fp, q.length - qi);
    while (common < max && q.charCodeAt(qi + common) === full.charCodeAt(fp + common)) common++;
    for (let len = common; len >= 1; len--) {
      if (step(q, qi + len, full, end, initials, k + 1)) return true;
    }
  }
  return false;
}
