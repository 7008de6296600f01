/**
 * Live views of referrals and their commands for the referral screens: the
 * referring clinic's list, a receiving institution's inbox, one referral's
 * history. Each follows the collection's change stream, so the county's
 * outcomes appear as soon as they are pulled.
 */
import { useEffect, useState } from 'react';
import type { FacilityDoc, ReferralCommandDoc, ReferralDoc } from '../../sync/protocol/schema';
import type { ClinicDatabase } from '../store/database';

/** Which referrals of this facility: those it sent, or those sent to it. */
export type ReferralSide = 'outgoing' | 'incoming';

export function onSide(referral: ReferralDoc, facilityId: string, side: ReferralSide): boolean {
  return side === 'outgoing'
    ? referral.facilityId === facilityId
    : referral.facilityId !== facilityId && referral.targetFacilityIds.includes(facilityId);
}

/** A document the county has not stamped yet has not reached it (see renderer/sync). */
export function waitingForCounty(doc: { countySeq?: number }): boolean {
  return doc.countySeq === undefined;
}

/** The facility's referrals on one side, most recently changed first. */
export function useReferrals(db: ClinicDatabase, facilityId: string, side: ReferralSide): ReferralDoc[] {
  const [referrals, setReferrals] = useState<ReferralDoc[]>([]);
  useEffect(() => {
    // Referrals a facility holds are its own and those it is a party to: few enough to filter here.
    const subscription = db.referrals
      .find({ sort: [{ updatedAt: 'desc' }] })
      .$.subscribe((docs) =>
        setReferrals(
          docs.map((doc) => doc.toJSON() as ReferralDoc).filter((doc) => onSide(doc, facilityId, side)),
        ),
      );
    return () => subscription.unsubscribe();
  }, [db, facilityId, side]);
  return referrals;
}

/** One referral, live; undefined while loading or when it does not exist. */
export function useReferral(db: ClinicDatabase, referralId: string | undefined): ReferralDoc | undefined {
  const [referral, setReferral] = useState<ReferralDoc>();
  useEffect(() => {
    if (!referralId) {
      setReferral(undefined);
      return;
    }
    const subscription = db.referrals
      .findOne(referralId)
      .$.subscribe((doc) => setReferral(doc ? (doc.toJSON() as ReferralDoc) : undefined));
    return () => subscription.unsubscribe();
  }, [db, referralId]);
  return referral;
}

/** The referral's commands, oldest first, with outcomes as the county sends them. */
export function useReferralCommands(
  db: ClinicDatabase,
  referralId: string | undefined,
): ReferralCommandDoc[] {
  const [commands, setCommands] = useState<ReferralCommandDoc[]>([]);
  useEffect(() => {
    if (!referralId) {
      setCommands([]);
      return;
    }
    const subscription = db.referral_commands
      .find({ selector: { referralId }, sort: [{ createdAt: 'asc' }] })
      .$.subscribe((docs) => setCommands(docs.map((doc) => doc.toJSON() as ReferralCommandDoc)));
    return () => subscription.unsubscribe();
  }, [db, referralId]);
  return commands;
}

/** Commands of many referrals at once (list badges: waiting, refused), keyed by referral id. */
export function useCommandsByReferral(db: ClinicDatabase): Map<string, ReferralCommandDoc[]> {
  const [byReferral, setByReferral] = useState<Map<string, ReferralCommandDoc[]>>(new Map());
  useEffect(() => {
    const subscription = db.referral_commands.find({ sort: [{ createdAt: 'asc' }] }).$.subscribe((docs) => {
      const map = new Map<string, ReferralCommandDoc[]>();
      for (const doc of docs) {
        const command = doc.toJSON() as ReferralCommandDoc;
        const list = map.get(command.referralId) ?? [];
        list.push(command);
        map.set(command.referralId, list);
      }
      setByReferral(map);
    });
    return () => subscription.unsubscribe();
  }, [db]);
  return byReferral;
}

/** Every facility the clinic knows (reference data from the county), by id. */
export function useFacilities(db: ClinicDatabase): Map<string, FacilityDoc> {
  const [facilities, setFacilities] = useState<Map<string, FacilityDoc>>(new Map());
  useEffect(() => {
    const subscription = db.facilities
      .find()
      .$.subscribe((docs) =>
        setFacilities(new Map(docs.map((doc) => [doc.id, doc.toJSON() as FacilityDoc]))),
      );
    return () => subscription.unsubscribe();
  }, [db]);
  return facilities;
}
