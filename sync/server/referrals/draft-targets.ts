/**
 * Targets of a referral draft, checked when the draft is pushed. A pushed
 * referral is shared with the facilities it names (the patient's scope widens
 * with it) before any submit is judged, so the county refuses a draft naming a
 * facility this one may not refer to, or one taken offline (下线): the patient
 * never reaches such a facility, not even as a draft. Only targets the push
 * ADDS are checked: a draft the county already holds stays pushable (its
 * targets were shared when they were added), and once submitted the targets
 * are frozen and change only through a judged re-send.
 */
import type { Queryable } from '../db/driver';
import { SyncError } from '../errors';
import { type FacilityRow, listFacilities } from '../facilities/registry';
import type { Content } from '../replication/scope';
import type { StoredDoc } from '../replication/store';

function targetsOf(doc: Content | undefined): string[] {
  return Array.isArray(doc?.targetFacilityIds)
    ? doc.targetFacilityIds.filter((id): id is string => typeof id === 'string')
    : [];
}

/** Pure: the first problem with one row's added targets, as the refusal the clinic shows. */
export function draftTargetRefusal(
  row: number,
  referrer: FacilityRow | undefined,
  added: readonly string[],
  facilities: ReadonlyMap<string, FacilityRow>,
): SyncError | null {
  for (const id of added) {
    const target = facilities.get(id);
    const detail = { row, field: 'targetFacilityIds' };
    if (!target) {
      return new SyncError(
        'referral-target-refused',
        `Row ${row}: the referral names institution ${id}, which the county does not know; choose another.`,
        detail,
      );
    }
    if (id === referrer?.id) continue; // Referring to oneself shares nothing; submit refuses it (self-target).
    if (target.offline) {
      return new SyncError(
        'referral-target-refused',
        `Row ${row}: ${target.name} has been taken offline (下线) and accepts no referrals; choose another institution. The draft was not shared.`,
        detail,
      );
    }
    if (!referrer?.referralTargetIds.includes(id)) {
      return new SyncError(
        'referral-target-refused',
        `Row ${row}: ${target.name} is not among this facility's referral relations (医联体对口关系); choose a related institution. The draft was not shared.`,
        detail,
      );
    }
  }
  return null;
}

/** Throws the refusal of the first pushed draft naming a target it may not have. */
export async function checkDraftTargets(
  tx: Queryable,
  facilityId: string,
  pushed: ReadonlyArray<Content>,
  stored: ReadonlyMap<string, StoredDoc>,
): Promise<void> {
  const additions = pushed.map((doc) => {
    const current = stored.get(String(doc.id));
    // Another facility's document is refused by ownership; a submitted one has frozen targets.
    if (doc.facilityId !== facilityId || doc._deleted === true) return [];
    if (current && current.data.state !== 'draft') return [];
    const before = new Set(targetsOf(current?.data));
    return targetsOf(doc).filter((id) => !before.has(id));
  });
  const ids = [...new Set(additions.flat())];
  if (ids.length === 0) return;
  const facilities = new Map((await listFacilities(tx, [...ids, facilityId])).map((f) => [f.id, f]));
  additions.forEach((added, row) => {
    const refusal = draftTargetRefusal(row, facilities.get(facilityId), added, facilities);
    if (refusal) throw refusal;
  });
}
