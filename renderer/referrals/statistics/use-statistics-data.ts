/**
 * The documents the statistics page reads, live: every referral and command
 * the clinic holds, and the names of its own accounts (doctors). Facility
 * names come from `useFacilities` (reference data).
 */
import { useEffect, useState } from 'react';
import type { ReferralCommandDoc, ReferralDoc } from '../../../sync/protocol/schema';
import type { ClinicDatabase } from '../../store/database';

export interface StatisticsData {
  referrals: ReferralDoc[];
  commands: ReferralCommandDoc[];
  userNames: Map<string, string>;
}

export function useStatisticsData(db: ClinicDatabase): StatisticsData {
  const [referrals, setReferrals] = useState<ReferralDoc[]>([]);
  const [commands, setCommands] = useState<ReferralCommandDoc[]>([]);
  const [userNames, setUserNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    const subscriptions = [
      db.referrals.find().$.subscribe((docs) => setReferrals(docs.map((d) => d.toJSON() as ReferralDoc))),
      db.referral_commands
        .find()
        .$.subscribe((docs) => setCommands(docs.map((d) => d.toJSON() as ReferralCommandDoc))),
      db.users
        .find()
        .$.subscribe((docs) => setUserNames(new Map(docs.map((d) => [d.id, d.displayName] as const)))),
    ];
    return () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
    };
  }, [db]);
  return { referrals, commands, userNames };
}
