/**
 * Diagnosis search for the referral form: by ICD-10 code prefix (`i10`, `E11.`),
 * by Chinese name (substring), and by pinyin as clinic staff type it: full
 * pinyin (`gaoxueya`) or initials (`gxy`), anywhere in the name, so
 * `tnb` finds 2型糖尿病 and 2型糖尿病伴有肾的并发症 alike.
 */
import { toSyllablesMany } from '../../../sync/protocol/identity/pinyin';
import { ICD10_DIAGNOSES, type Icd10Diagnosis } from './diagnoses';

export interface IndexedDiagnosis extends Icd10Diagnosis {
  /** Code without the dot, lower case: `e119`. */
  codeKey: string;
  pinyin: string;
  initials: string;
}

export type DiagnosisMatch = 'code' | 'name' | 'pinyin' | 'initials';

export interface DiagnosisHit extends Icd10Diagnosis {
  matchedOn: DiagnosisMatch;
}

export function indexDiagnoses(diagnoses: readonly Icd10Diagnosis[]): IndexedDiagnosis[] {
  const syllables = toSyllablesMany(diagnoses.map((d) => d.name));
  return diagnoses.map((diagnosis, i) => {
    const parts = syllables[i] ?? [];
    return {
      ...diagnosis,
      codeKey: codeKey(diagnosis.code),
      pinyin: parts.join(''),
      initials: parts.map((s) => s[0] ?? '').join(''),
    };
  });
}

function codeKey(code: string): string {
  return code.replace('.', '').toLowerCase();
}

const HAN = /\p{Script=Han}/u;
const CODE_LIKE = /^[a-z]\d/;

/**
 * Best first: exact code, code prefix (shorter codes first, so the category
 * comes before its subcodes), then name matches, then pinyin or initials
 * matches, each ranked by where the query sits (see `place`).
 */
export function searchDiagnoses(
  index: readonly IndexedDiagnosis[],
  query: string,
  limit = 20,
): DiagnosisHit[] {
  const q = query.trim().toLowerCase().replace(/\s+/g, '');
  if (!q) return [];
  const scored: Array<{ hit: DiagnosisHit; score: number }> = [];
  const han = HAN.test(q);
  const asCode = codeKey(q);
  for (const entry of index) {
    const found = han ? byName(entry, q) : (byCode(entry, asCode, q) ?? byPinyin(entry, q));
    if (found) {
      scored.push({
        hit: { code: entry.code, name: entry.name, matchedOn: found.on },
        score: found.score * 1000 + entry.code.length * 10 + entry.name.length / 100,
      });
    }
  }
  return scored
    .sort((a, b) => a.score - b.score || a.hit.code.localeCompare(b.hit.code))
    .slice(0, limit)
    .map((s) => s.hit);
}

type Found = { on: DiagnosisMatch; score: number } | null;

function byCode(entry: IndexedDiagnosis, key: string, q: string): Found {
  if (!CODE_LIKE.test(q) && q.length !== 1) return null;
  if (entry.codeKey === key) return { on: 'code', score: 0 };
  if (entry.codeKey.startsWith(key)) return { on: 'code', score: 1 };
  return null;
}

/**
 * Where the query sits in the text: the whole of it, at its end, at its start,
 * inside. A Chinese diagnosis names its kind last (原发性高血压 is a 高血压,
 * 高血压性肾病 is a 肾病), so a match at the end ranks above one at the start.
 */
function place(text: string, q: string): number | null {
  if (text === q) return 0;
  if (text.endsWith(q)) return 1;
  if (text.startsWith(q)) return 2;
  return text.includes(q) ? 3 : null;
}

function byName(entry: IndexedDiagnosis, q: string): Found {
  const at = place(entry.name, q);
  return at === null ? null : { on: 'name', score: 2 + at };
}

function byPinyin(entry: IndexedDiagnosis, q: string): Found {
  const full = place(entry.pinyin, q);
  const initials = place(entry.initials, q);
  if (full === null && initials === null) return null;
  return (full ?? 9) <= (initials ?? 9)
    ? { on: 'pinyin', score: 6 + (full as number) }
    : { on: 'initials', score: 6 + (initials as number) };
}

let shared: IndexedDiagnosis[] | undefined;

/** The catalogue's index, built on first use (pinyin for ~600 names: a few milliseconds). */
export function diagnosisIndex(): IndexedDiagnosis[] {
  shared ??= indexDiagnoses(ICD10_DIAGNOSES);
  return shared;
}
