/** A small county and referral builders for state-machine and gateway tests. */
import type { Role } from '../schema/people';
import type { ReferralDoc } from '../schema/referrals';
import type { DecideContext, FacilityFacts, ReviewConfig } from './state-machine';

export const T0 = '2026-11-22T08:00:00.000Z';

/**
 * V1, V2 village stations; T1, T3 township centres; T2 a township taken
 * offline; H1, H2 county hospitals; C1 a city hospital.
 */
export const FACILITIES: Record<string, FacilityFacts> = {
  V1: { level: 'village', offline: false, referralTargetIds: ['T1', 'T2', 'H1', 'V2'] },
  V2: { level: 'village', offline: false, referralTargetIds: ['T1'] },
  T1: { level: 'township', offline: false, referralTargetIds: ['H1', 'H2', 'T3', 'V1', 'V2'] },
  T2: { level: 'township', offline: true, referralTargetIds: ['H1'] },
  T3: { level: 'township', offline: false, referralTargetIds: ['T1', 'H1'] },
  H1: { level: 'county', offline: false, referralTargetIds: ['T1', 'T3', 'C1', 'V1'] },
  H2: { level: 'county', offline: false, referralTargetIds: ['T1'] },
  C1: { level: 'city', offline: false, referralTargetIds: ['H1'] },
};

export function makeReferral(
  from: string,
  targets: string[],
  overrides: Partial<ReferralDoc> = {},
): ReferralDoc {
  return {
    id: 'r1',
    facilityId: from,
    createdAt: T0,
    updatedAt: T0,
    createdBy: 'u1',
    updatedBy: 'u1',
    serialNo: `${from}-000001`,
    patientId: 'p1',
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: targets,
    state: 'draft',
    reason: '血压控制不佳',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    attachmentIds: [],
    consentAttachmentId: 'consent-1',
    appliedSeq: 0,
    ...overrides,
  };
}

export function contextOf(
  actorFacilityId: string,
  actorRoles: Role[],
  now: string | Date = T0,
  reviewConfig: Record<string, Partial<ReviewConfig>> = {},
): DecideContext {
  return { now, actorFacilityId, actorRoles, facilities: FACILITIES, reviewConfig };
}

export function minutesAfter(start: string, minutes: number): string {
  return new Date(Date.parse(start) + minutes * 60_000).toISOString();
}
