/**
 * What to do with one pushed row: pure, given the three states.
 *
 * States are compared as CONTENT: the document with `_deleted`, without the
 * county stamp (`countySeq`, `countyTime`). Why not the full document:
 * - `newDocumentState` carries the stamp the clinic last pulled, never the one
 *   the county will give, so a retried row could never equal the stored row
 *   if stamps counted;
 * - the county re-stamps a patient without changing it when a referral widens
 *   its scope; counting stamps would turn every edit in flight into a conflict;
 * - the stamps a clinic sends are checked separately (`county-fields-set`), so
 *   a clinic cannot use them to fake an assumption.
 * The cost is the ABA case (content changed and changed back): the county then
 * takes the clinic's change on top of the state it assumed, which is correct.
 */
import { mergeFieldByField, sameJson } from '../../protocol/merge';
import type { ReplicatedCollection, WireDocument } from '../../protocol/replication';
import type { Content } from './scope';

export type Decision =
  | { kind: 'write'; content: Content; merged: boolean }
  | { kind: 'unchanged' }
  | { kind: 'conflict' };

/** Stamp stripped, `_deleted` kept: what conflicts and retries are judged on. */
export function contentOf(doc: WireDocument | Content): Content {
  const { countySeq: _seq, countyTime: _time, ...rest } = doc as Content;
  return { ...rest, _deleted: rest._deleted === true };
}

/** Field-merged collections: several facilities may edit the same document. */
export const MERGED_COLLECTIONS: ReadonlySet<ReplicatedCollection> = new Set(['patients']);

export function decideRow(
  collection: ReplicatedCollection,
  assumed: Content | null,
  pushed: Content,
  current: Content | null,
): Decision {
  if (!current) return { kind: 'write', content: pushed, merged: false };
  // A retry (or a change someone else already made): nothing to do, no new seq.
  if (sameJson(current, pushed)) return { kind: 'unchanged' };
  if (MERGED_COLLECTIONS.has(collection)) {
    // Also when there is no conflict: fixed fields (id, owner, creation) keep the county's values.
    const merged = mergeFieldByField(assumed ?? {}, pushed, current);
    if (sameJson(merged, current)) return { kind: 'unchanged' };
    return { kind: 'write', content: merged, merged: !(assumed && sameJson(assumed, current)) };
  }
  if (assumed && sameJson(assumed, current)) return { kind: 'write', content: pushed, merged: false };
  return { kind: 'conflict' };
}
