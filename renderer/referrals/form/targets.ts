/**
 * Which institutions the doctor may send the patient to, best first. The
 * candidates are the facility's configured relations (医联体对口关系) that
 * are not taken offline (下线) and lie in the chosen direction; a target two
 * levels up stays on the list, marked, because a special case may skip a
 * level (the form then asks for the reason).
 */
import type { FacilityDoc, ReferralDirection } from '../../../sync/protocol/schema';
import type { SlotsLeft } from '../../slots/booking';
import { levelGap } from './referral-input';

export interface TargetOption {
  facility: FacilityDoc;
  /** An up-referral past the next level: only as a special case with a reason. */
  skipsLevel: boolean;
  /** The referrer's own upper facility (its 医联体 lead): the natural first choice. */
  isParent: boolean;
  slots: SlotsLeft;
}

function fitsDirection(gap: number, direction: ReferralDirection): boolean {
  return direction === 'up' ? gap > 0 : direction === 'down' ? gap < 0 : gap === 0;
}

export function candidateTargets(
  referrer: FacilityDoc,
  facilities: ReadonlyMap<string, FacilityDoc>,
  direction: ReferralDirection,
): FacilityDoc[] {
  return referrer.referralTargetIds
    .map((id) => facilities.get(id))
    .filter((facility): facility is FacilityDoc => facility !== undefined)
    .filter(
      (facility) =>
        facility.id !== referrer.id &&
        !facility.offline &&
        fitsDirection(levelGap(referrer, facility), direction),
    );
}

const NONE: SlotsLeft = { quota: 0, online: 0 };

/**
 * Ranking: the next level before a skipped one; then targets with something
 * left to book; then the referrer's own upper facility; then more of this
 * clinic's quota (bookable offline), more online slots, the earlier first
 * quota date; then by name, so the order never jumps between renders.
 */
export function rankTargets(
  referrer: FacilityDoc,
  candidates: readonly FacilityDoc[],
  slots: ReadonlyMap<string, SlotsLeft>,
): TargetOption[] {
  const options = candidates.map((facility) => ({
    facility,
    skipsLevel: levelGap(referrer, facility) > 1,
    isParent: referrer.parentId === facility.id,
    slots: slots.get(facility.id) ?? NONE,
  }));
  const left = (o: TargetOption) => o.slots.quota + o.slots.online;
  return options.sort(
    (a, b) =>
      Number(a.skipsLevel) - Number(b.skipsLevel) ||
      Number(left(b) > 0) - Number(left(a) > 0) ||
      Number(b.isParent) - Number(a.isParent) ||
      b.slots.quota - a.slots.quota ||
      b.slots.online - a.slots.online ||
      (a.slots.firstQuotaDate ?? '9999').localeCompare(b.slots.firstQuotaDate ?? '9999') ||
      a.facility.name.localeCompare(b.facility.name, 'zh-CN'),
  );
}
