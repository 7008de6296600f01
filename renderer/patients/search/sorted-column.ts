// A string column with a sorted permutation of its slots, for prefix search:
// all values starting with q form one contiguous run beginning at the lower
// bound of q, so a query costs a binary search plus one step per hit, however
// many patients there are. Suffix search uses a column of reversed strings.
//
// Inserts go to a small unsorted `pending` list first and are merged in bulk, so
// loading 50,000 patients does not pay an O(n) array insert each time, and a
// single edit at the desk stays cheap too. Empty values are not ordered at all:
// they can never match a non-empty query.

export type PrefixKind = 'exact' | 'prefix';

export class SortedColumn {
  readonly values: string[] = [];
  private order: number[] = [];
  private pending: number[] = [];
  /** While loading many values at once, one sort at the end beats dozens of merges (and their garbage). */
  private deferred = false;

  deferMerges(): void {
    this.deferred = true;
  }

  flushMerges(): void {
    this.deferred = false;
    if (this.pending.length > 0) this.merge();
  }

  push(v: string): void {
    this.values.push(v);
    this.add(this.values.length - 1);
  }

  set(slot: number, v: string): void {
    if (this.values[slot] === v) return;
    this.drop(slot);
    this.values[slot] = v;
    this.add(slot);
  }

  /** Swap-remove, mirroring the index's slot handling: the last slot moves into `slot`. */
  swapRemove(slot: number): void {
    const last = this.values.length - 1;
    this.drop(slot);
    if (slot !== last) {
      this.renumber(last, slot);
      this.values[slot] = this.values[last] ?? '';
    }
    this.values.pop();
  }

  /** Calls `hit` for every slot whose value starts with q (q non-empty). */
  eachPrefix(q: string, hit: (slot: number, kind: PrefixKind) => void): void {
    if (this.pending.length > 0) this.merge();
    const { order, values } = this;
    for (let i = this.lowerBound(q); i < order.length; i++) {
      const slot = order[i] ?? 0;
      const v = values[slot] ?? '';
      if (!v.startsWith(q)) break;
      hit(slot, v.length === q.length ? 'exact' : 'prefix');
    }
  }

  private value(slot: number | undefined): string {
    return this.values[slot ?? 0] ?? '';
  }

  /** First position in `order` whose value is >= q (plain code-unit order, as startsWith needs). */
  private lowerBound(q: string): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.value(this.order[mid]) < q) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private add(slot: number): void {
    if (this.value(slot) === '') return;
    this.pending.push(slot);
    // Bulk loads merge geometrically (O(n log n) overall); queries merge whatever is left.
    if (!this.deferred && this.pending.length > Math.max(64, this.order.length >> 3)) this.merge();
  }

  private drop(slot: number): void {
    const v = this.value(slot);
    if (v === '') return;
    const p = this.pending.indexOf(slot);
    if (p !== -1) {
      this.pending.splice(p, 1);
      return;
    }
    const i = this.find(slot, v);
    if (i !== -1) this.order.splice(i, 1);
  }

  private renumber(from: number, to: number): void {
    const v = this.value(from);
    if (v === '') return;
    const p = this.pending.indexOf(from);
    if (p !== -1) {
      this.pending[p] = to;
      return;
    }
    const i = this.find(from, v);
    if (i !== -1) this.order[i] = to;
  }

  /** Position of `slot` (whose value is v) in `order`, scanning the run of equal values. */
  private find(slot: number, v: string): number {
    for (let i = this.lowerBound(v); i < this.order.length && this.value(this.order[i]) === v; i++) {
      if (this.order[i] === slot) return i;
    }
    return -1;
  }

  private merge(): void {
    const values = this.values;
    const incoming = this.pending.sort((a, b) => {
      const va = values[a] ?? '';
      const vb = values[b] ?? '';
      return va < vb ? -1 : va > vb ? 1 : 0;
    });
    this.pending = [];
    const old = this.order;
    const merged = new Array<number>(old.length + incoming.length);
    let o = 0;
    let m = 0;
    // Binary-search each incoming value's place (incoming is sorted, so places only grow),
    // then copy the run of old entries before it without comparing strings.
    for (const slot of incoming) {
      const at = this.lowerBound(this.value(slot));
      while (o < at) merged[m++] = old[o++] ?? 0;
      merged[m++] = slot;
    }
    while (o < old.length) merged[m++] = old[o++] ?? 0;
    this.order = merged;
  }
}
