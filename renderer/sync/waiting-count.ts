/**
 * Keeps the "changes waiting to go up" counts of the sync indicator true. A
 * count scans a whole collection (the county's stamp is not indexed), so it
 * runs a little after the writes that can change it, once for a burst.
 *
 * Pulled documents carry the county's stamp: they can only clear waiting
 * marks, so they trigger a count only where something waits. A count already
 * running when such a document lands may have read the collection before it,
 * so that collection is counted again: otherwise the indicator could keep
 * "1 waiting" for a record the county already holds.
 */
export class WaitingCount<Name extends string> {
  private readonly counts = {} as Record<Name, number>;
  private readonly dirty = new Set<Name>();
  private readonly counting = new Set<Name>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly count: (name: Name) => Promise<number>,
    private readonly publish: (counts: Record<Name, number>) => void,
    private readonly delayMs = 500,
  ) {}

  /** A local write (or a start): anything in the collection may now wait. */
  changed(name: Name): void {
    this.dirty.add(name);
    this.schedule();
  }

  /** Documents pulled from the county were stored in the collection. */
  pulled(name: Name): void {
    if (!this.counts[name] && !this.counting.has(name)) return;
    this.changed(name);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => void this.recount(), this.delayMs);
  }

  private async recount(): Promise<void> {
    this.timer = undefined;
    const names = [...this.dirty];
    this.dirty.clear();
    for (const name of names) this.counting.add(name);
    try {
      for (const name of names) {
        this.counts[name] = await this.count(name);
        this.counting.delete(name);
      }
    } catch {
      // The store is closing or failed: count these again with the next write.
      for (const name of names) if (this.counting.has(name)) this.dirty.add(name);
      return;
    } finally {
      for (const name of names) this.counting.delete(name);
    }
    if (!this.stopped) this.publish({ ...this.counts });
  }
}
