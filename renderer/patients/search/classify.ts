import { toHalfWidth } from '../../../sync/protocol/identity/normalise';

export type QueryClass = 'chinese' | 'latin' | 'digits' | 'mixed' | 'empty';

const HAN_OR_DOT = /^[\p{Script=Han}·•・]+$/u;
const HAS_HAN = /\p{Script=Han}/u;
// Digits with optional separators people type in phone and ID numbers, and the ID check character X.
const DIGITS = /^\+?[\d\s-]*\d[\d\s-]*[Xx]?$/; // '+' for phones typed as +86 …
const LATIN = /^[A-Za-z'\s]+$/;

/** Decides which fields a search box query is compared with. Full-width input counts as half-width. */
export function classifyQuery(q: string): QueryClass {
  const s = toHalfWidth(q).trim();
  if (s === '') return 'empty';
  if (DIGITS.test(s)) return 'digits';
  const compact = s.replace(/\s+/g, '');
  if (HAN_OR_DOT.test(compact) && HAS_HAN.test(compact)) return 'chinese';
  if (LATIN.test(s)) return 'latin';
  return 'mixed';
}
