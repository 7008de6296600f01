// In-memory patient search for the registration desk and the referral form.
// A clinic keeps tens of thousands of residents and every keystroke searches all
// of them, so the index keeps parallel columns of pre-normalised strings, each
// also joined into one haystack string searched with indexOf (see haystack.ts),
// reusable scratch arrays for per-patient best matches, and a bounded top-k
// buffer instead of sorting every hit.
import { normaliseIdNumber } from '../../../sync/protocol/identity/id-number';
import { toHalfWidth } from '../../../sync/protocol/identity/normalise';
import { classifyQuery } from './classify';
import { Haystack } from './haystack';
import { pinyinKeys, pinyinKeysMany } from './pinyin-keys';
import { matchesPinyinMixed } from './pinyin-match';
import { SortedColumn } from './sorted-column';

export type SearchablePatient = {
  id: string;
  name: string;
  idNumber?: string;
  phone?: string;
  healthCardToken?: string;
  birthDate?: string;
  sex?: string;
  deceased?: boolean;
};
export type IndexablePatient = SearchablePatient & { pinyinFull?: string; pinyinInitials?: string };
export type MatchedOn = 'name' | 'pinyin' | 'initials' | 'idNumber' | 'idTail' | 'phone' | 'healthCard';
export type SearchHit = { id: string; matchedOn: MatchedOn };

// Match quality, lower is better.
const EXACT_KEY = 0; // whole ID number, phone or health card token
const NAME_EXACT = 1; // whole name, whole pinyin or whole initials
const PREFIX = 2;
const PARTIAL = 3; // substring of a name, tail of an ID number or phone

const MIN_TAIL = 4; // "last four digits" is how clerks read numbers back
const MIN_ID_PREFIX = 6; // the region part of an ID number
const MIN_PHONE_PART = 4;
const MIN_CARD_PREFIX = 6;

/** Name as compared: no spaces, unified middle dots (·•・ all appear in minority names), Latin lower-cased. */
export function nameKey(name: string): string {
  return toHalfWidth(name)
    .replace(/\s+/g, '')
    .replace(/[•・.]/g, '·')
    .toLowerCase();
}

function cleanPinyinKey(k: string): string {
  return k.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const MATCHED_ON: readonly MatchedOn[] = [
  'name',
  'pinyin',
  'initials',
  'idNumber',
  'idTail',
  'phone',
  'healthCard',
];
const ON_NAME = 0;
const ON_PINYIN = 1;
const ON_INITIALS = 2;
const ON_ID = 3;
const ON_ID_TAIL = 4;
const ON_PHONE = 5;
const ON_CARD = 6;
const NO_MATCH = 255;

/** Removes newlines, which the haystacks use as separators. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, '');
}

export class PatientSearchIndex {
  // Slot i of every column describes the same patient; slots are dense (swap-remove).
  private readonly ids: string[] = [];
  private readonly names: string[] = [];
  private readonly records: IndexablePatient[] = [];
  // Names need substring search (haystack); everything else is prefix search on sorted
  // columns, with suffixes ("last four digits") as prefixes of the reversed strings.
  private readonly nameKeys = new Haystack();
  private readonly fulls = new SortedColumn();
  private readonly initials = new SortedColumn();
  private readonly idNumbers = new SortedColumn();
  private readonly idTails = new SortedColumn();
  private readonly phones = new SortedColumn();
  private readonly phoneTails = new SortedColumn();
  private readonly cards = new SortedColumn();
  private readonly slotById = new Map<string, number>();

  // Per-query scratch, reused so a query allocates only its result.
  private tierOf = new Uint8Array(1024).fill(NO_MATCH);
  private onOf = new Uint8Array(1024);
  private readonly touched: number[] = [];
  private readonly topSlots: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** Adds or replaces a patient. Uses the stored pinyin keys when given, else computes them. */
  upsert(p: IndexablePatient): void {
    if (p.pinyinFull !== undefined && p.pinyinInitials !== undefined) {
      this.put(p, cleanPinyinKey(p.pinyinFull), cleanPinyinKey(p.pinyinInitials));
    } else {
      const k = pinyinKeys(p.name);
      this.put(p, k.full, k.initials);
    }
  }

  /** Bulk upsert; computes missing pinyin keys in one batch (much faster for an initial load). */
  upsertMany(patients: readonly IndexablePatient[]): void {
    const sorted = this.sortedColumns();
    for (const column of sorted) column.deferMerges();
    try {
      this.putMany(patients);
    } finally {
      for (const column of sorted) column.flushMerges();
    }
  }

  private putMany(patients: readonly IndexablePatient[]): void {
    const missing = patients.filter((p) => p.pinyinFull === undefined || p.pinyinInitials === undefined);
    const keys = pinyinKeysMany(missing.map((p) => p.name));
    let m = 0;
    for (const p of patients) {
      if (p.pinyinFull !== undefined && p.pinyinInitials !== undefined) {
        this.put(p, cleanPinyinKey(p.pinyinFull), cleanPinyinKey(p.pinyinInitials));
      } else {
        const k = keys[m++] ?? { full: '', initials: '' };
        this.put(p, k.full, k.initials);
      }
    }
  }

  remove(id: string): void {
    const slot = this.slotById.get(id);
    if (slot === undefined) return;
    this.slotById.delete(id);
    const last = this.ids.length - 1;
    for (const arr of [this.ids, this.names, this.records] as unknown[][]) {
      if (slot !== last) arr[slot] = arr[last];
      arr.pop();
    }
    for (const col of this.columns()) col.swapRemove(slot);
    if (slot !== last) this.slotById.set(this.ids[slot] ?? '', slot);
  }

  /** The record as last upserted, for callers such as duplicate detection. */
  get(id: string): IndexablePatient | undefined {
    const slot = this.slotById.get(id);
    return slot === undefined ? undefined : this.records[slot];
  }

  /** All indexed records, in no particular order. */
  values(): readonly IndexablePatient[] {
    return this.records;
  }

  /** Ids of patients whose ID number equals `idNumber` (both normalised). */
  idsWithIdNumber(idNumber: string): string[] {
    const want = normaliseIdNumber(oneLine(idNumber));
    const out: string[] = [];
    if (want !== '') {
      this.idNumbers.eachPrefix(want, (slot, kind) => {
        if (kind === 'exact') out.push(this.ids[slot] ?? '');
      });
    }
    return out;
  }

  search(query: string, limit = 20): SearchHit[] {
    const cls = classifyQuery(query);
    if (cls === 'empty' || limit <= 0) return [];
    const raw = oneLine(toHalfWidth(query).trim());
    if (this.tierOf.length < this.ids.length) this.growScratch();

    const card = raw.toLowerCase().replace(/\s+/g, '');
    if (card.length >= MIN_CARD_PREFIX) {
      this.cards.eachPrefix(card, (slot, kind) =>
        this.note(slot, kind === 'exact' ? EXACT_KEY : PREFIX, ON_CARD),
      );
    }

    if (cls === 'digits') {
      // Stored phones are domestic numbers; drop a typed country code the same way.
      const q = raw
        .replace(/[\s-]/g, '')
        .toUpperCase()
        .replace(/^(\+86|0086)(?=\d{11}$)/, '');
      if (q.length >= MIN_TAIL) {
        // An ID number is 18 characters, so shorter queries can only be a tail.
        if (q.length >= MIN_ID_PREFIX) {
          this.idNumbers.eachPrefix(q, (slot, kind) =>
            this.note(slot, kind === 'exact' ? EXACT_KEY : PREFIX, ON_ID),
          );
        }
        const rq = reverse(q);
        this.idTails.eachPrefix(rq, (slot, kind) =>
          kind === 'exact' ? this.note(slot, EXACT_KEY, ON_ID) : this.note(slot, PARTIAL, ON_ID_TAIL),
        );
        if (q.length >= MIN_PHONE_PART && !q.endsWith('X')) {
          this.phones.eachPrefix(q, (slot, kind) =>
            this.note(slot, kind === 'exact' ? EXACT_KEY : PREFIX, ON_PHONE),
          );
          this.phoneTails.eachPrefix(rq, (slot, kind) => {
            if (kind !== 'exact') this.note(slot, PARTIAL, ON_PHONE);
          });
        }
      }
    } else if (cls === 'latin') {
      const q = raw.toLowerCase().replace(/['\s]/g, '');
      // No early return: the scratch state (e.g. card hits) must still be collected and cleared.
      if (q !== '') {
        this.fulls.eachPrefix(q, (slot, kind) =>
          this.note(slot, kind === 'exact' ? NAME_EXACT : PREFIX, ON_PINYIN),
        );
        this.initials.eachPrefix(q, (slot, kind) =>
          this.note(slot, kind === 'exact' ? NAME_EXACT : PREFIX, ON_INITIALS),
        );
        // Mixed forms ("zhangs", "zsan"): the first piece is a prefix of syllable 1 and the
        // next piece starts syllable 2, so the initials begin with q[0] followed by some later
        // letter of q. Enumerating just those keeps the per-name matcher off most patients.
        const fulls = this.fulls.values;
        const inits = this.initials.values;
        for (let j = 1; j < q.length; j++) {
          const c = q.charAt(j);
          if (q.indexOf(c, 1) !== j) continue; // each distinct letter once
          this.initials.eachPrefix(q.charAt(0) + c, (slot) => {
            if (
              (this.tierOf[slot] ?? NO_MATCH) > PREFIX &&
              matchesPinyinMixed(q, fulls[slot] ?? '', inits[slot] ?? '')
            ) {
              this.note(slot, PREFIX, ON_PINYIN);
            }
          });
        }
      }
    } else {
      // 'chinese' and 'mixed' (a name with Latin letters, e.g. 李Amy): name substring.
      const q = nameKey(raw);
      if (q !== '') {
        this.nameKeys.eachSubstring(q, (slot, kind) =>
          this.note(slot, kind === 'exact' ? NAME_EXACT : kind === 'prefix' ? PREFIX : PARTIAL, ON_NAME),
        );
      }
    }
    return this.collect(limit);
  }

  /** Records the best match of a slot for the current query. */
  private note(slot: number, tier: number, on: number): void {
    const prev = this.tierOf[slot] ?? NO_MATCH;
    if (prev === NO_MATCH) this.touched.push(slot);
    if (tier < prev) {
      this.tierOf[slot] = tier;
      this.onOf[slot] = on;
    }
  }

  /** Picks the best `limit` touched slots (bounded insertion), then clears the scratch state. */
  private collect(limit: number): SearchHit[] {
    const top = this.topSlots;
    top.length = 0;
    for (const slot of this.touched) {
      let pos = top.length;
      // From the worst end: once the buffer is full most candidates stop after one comparison.
      while (pos > 0 && this.before(slot, top[pos - 1] ?? 0)) pos--;
      if (pos >= limit) continue;
      top.splice(pos, 0, slot);
      if (top.length > limit) top.pop();
    }
    const out: SearchHit[] = top.map((slot) => ({
      id: this.ids[slot] ?? '',
      matchedOn: MATCHED_ON[this.onOf[slot] ?? ON_NAME] ?? 'name',
    }));
    for (const slot of this.touched) this.tierOf[slot] = NO_MATCH;
    this.touched.length = 0;
    return out;
  }

  /**
   * Ranking: match tier, then alphabetical by pinyin (how Chinese name lists are
   * ordered), then the name itself, then id, so equal queries always give the same order.
   */
  private before(a: number, b: number): boolean {
    const ta = this.tierOf[a] ?? NO_MATCH;
    const tb = this.tierOf[b] ?? NO_MATCH;
    if (ta !== tb) return ta < tb;
    const fa = this.fulls.values[a] ?? '';
    const fb = this.fulls.values[b] ?? '';
    if (fa !== fb) return fa < fb;
    const na = this.names[a] ?? '';
    const nb = this.names[b] ?? '';
    if (na !== nb) return na < nb;
    return (this.ids[a] ?? '') < (this.ids[b] ?? '');
  }

  private growScratch(): void {
    const cap = Math.max(this.ids.length, this.tierOf.length * 2);
    this.tierOf = new Uint8Array(cap).fill(NO_MATCH);
    this.onOf = new Uint8Array(cap);
  }

  /** Every per-slot column, in the order `put` fills them. */
  private sortedColumns(): SortedColumn[] {
    return [
      this.fulls,
      this.initials,
      this.idNumbers,
      this.idTails,
      this.phones,
      this.phoneTails,
      this.cards,
    ];
  }

  private columns(): Array<Haystack | SortedColumn> {
    return [this.nameKeys, ...this.sortedColumns()];
  }

  private put(p: IndexablePatient, full: string, initials: string): void {
    const idNumber = p.idNumber ? normaliseIdNumber(oneLine(p.idNumber)) : '';
    // Digits only, so "0834-2345678" and "+86 138…" compare with typed digits.
    const phone = p.phone ? normalisePhoneDigits(p.phone) : '';
    const row = [
      nameKey(p.name),
      full,
      initials,
      idNumber,
      reverse(idNumber),
      phone,
      reverse(phone),
      p.healthCardToken ? p.healthCardToken.replace(/\s+/g, '').toLowerCase() : '',
    ];
    const cols = this.columns();
    const slot = this.slotById.get(p.id);
    if (slot === undefined) {
      this.slotById.set(p.id, this.ids.length);
      this.ids.push(p.id);
      this.names.push(p.name);
      this.records.push(p);
      for (let c = 0; c < cols.length; c++) cols[c]?.push(row[c] ?? '');
    } else {
      this.names[slot] = p.name;
      this.records[slot] = p;
      for (let c = 0; c < cols.length; c++) cols[c]?.set(slot, row[c] ?? '');
    }
  }
}

/** ID numbers and phones are ASCII, so reversing code units is safe. */
function reverse(s: string): string {
  let out = '';
  for (let i = s.length - 1; i >= 0; i--) out += s[i];
  return out;
}

function normalisePhoneDigits(phone: string): string {
  const d = toHalfWidth(phone).replace(/\D/g, '');
  // Stored numbers may keep the country code; clerks type the domestic form.
  if (d.startsWith('0086')) return d.slice(4);
  if (d.startsWith('86') && d.length === 13) return d.slice(2);
  return d;
}
