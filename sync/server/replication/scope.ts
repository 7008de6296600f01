/**
 * Who may pull and who may push each document: pure rules, no I/O.
 *
 * Scope is stored on every document as a text[] of facility ids (`'*'` for
 * county-wide reference data) and recomputed whenever the document or a
 * referral that widens it is written. A pull filters on it; a push checks it.
 */
import type { ReplicatedCollection } from '../../protocol/replication';

export const EVERYONE = '*';

/** Collections only the county (CLI) writes; every facility pulls all of them. */
export const REFERENCE_COLLECTIONS: ReadonlySet<ReplicatedCollection> = new Set(['facilities', 'staff']);

export type Content = Record<string, unknown>;

export interface ReferralParties {
  /** Referring facility (the referral's owner). */
  owner: string;
  targets: string[];
}

export function referralParties(referral: Content): ReferralParties {
  const targets = Array.isArray(referral.targetFacilityIds)
    ? referral.targetFacilityIds.filter((id): id is string => typeof id === 'string')
    : [];
  return { owner: String(referral.facilityId), targets };
}

export function partiesOf(referral: Content): string[] {
  const { owner, targets } = referralParties(referral);
  return unique([owner, ...targets]);
}

/**
 * A patient's scope: its owner, plus the parties of every referral carrying it
 * whose referring facility is itself already in scope (closure). A referral
 * made by a facility that never had the patient widens nothing, so knowing a
 * patient id is not enough to obtain the record.
 */
export function patientScope(owner: string, referrals: Content[]): string[] {
  const scope = new Set([owner]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const referral of referrals) {
      if (referral._deleted === true) continue;
      const { owner: referrer, targets } = referralParties(referral);
      if (!scope.has(referrer)) continue;
      for (const target of targets) {
        if (!scope.has(target)) {
          scope.add(target);
          grew = true;
        }
      }
    }
  }
  return [...scope];
}

/**
 * The referral whose parties widen this document's scope: a command's
 * referral, a referral attachment's owner; null for everything else.
 */
export function scopingReferralId(collection: ReplicatedCollection, doc: Content): string | null {
  if (collection === 'referral_commands') return String(doc.referralId);
  if (collection === 'attachments' && doc.ownerType === 'referral') return String(doc.ownerId);
  return null;
}

/**
 * Scope of a document that is not a patient. `referral` is the referral a
 * referral command or a referral attachment belongs to, when the county
 * already has it.
 */
export function documentScope(
  collection: ReplicatedCollection,
  doc: Content,
  related: { referral?: Content | null } = {},
): string[] {
  const owner = String(doc.facilityId);
  switch (collection) {
    case 'facilities':
    case 'staff':
      return [EVERYONE];
    case 'referrals':
      return partiesOf(doc);
    case 'referral_commands':
      return unique([owner, ...(related.referral ? partiesOf(related.referral) : [])]);
    case 'attachments':
      // The consent scan and records go with the referral to every party of it.
      return unique([
        owner,
        ...(doc.ownerType === 'referral' && related.referral ? partiesOf(related.referral) : []),
      ]);
    case 'slots':
      // Quota slots go to the facility they are allocated to; online slots to the one holding or having booked them.
      return unique([
        owner,
        ...[doc.allocatedTo, doc.heldBy].filter((id): id is string => typeof id === 'string'),
      ]);
    default:
      return [owner];
  }
}

export function sameScope(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

export function inScope(scope: readonly string[], facilityId: string): boolean {
  return scope.includes(EVERYONE) || scope.includes(facilityId);
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
