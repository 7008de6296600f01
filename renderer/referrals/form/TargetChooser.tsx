import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FacilityDoc, ReferralTargetState } from '../../../sync/protocol/schema';
import { type SlotsLeft, slotsLeft } from '../../slots/booking';
import type { ClinicDatabase } from '../../store/database';
import type { ReferralInput } from './referral-input';
import { maxTargets } from './referral-input';
import { SlotPicker } from './SlotPicker';
import { candidateTargets, rankTargets } from './targets';

interface Props {
  db: ClinicDatabase;
  /** The signed-in user: the county's pool is read in their name. */
  userId: string;
  referralId: string;
  referrer: FacilityDoc;
  facilities: ReadonlyMap<string, FacilityDoc>;
  input: ReferralInput;
  onChange(patch: Partial<ReferralInput>): void;
  /** A re-send: targets that already refused or let the review lapse are not offered again. */
  previous?: readonly ReferralTargetState[];
  invalid?: boolean;
  /** Changes when the slot lists must be read again (the county refused the chosen slot). */
  slotRefresh?: number;
}

/** The ranked institutions with what each has left to book; an inpatient referral may pick several. */
export function TargetChooser(props: Props) {
  const { db, referrer, facilities, input, onChange, previous, invalid } = props;
  const { t } = useTranslation();
  const candidates = candidateTargets(referrer, facilities, input.direction);
  const candidateKey = candidates.map((c) => c.id).join(',');
  const [slots, setSlots] = useState<Map<string, SlotsLeft>>(new Map());
  useEffect(() => {
    let live = true;
    const ids = candidateKey ? candidateKey.split(',') : [];
    void Promise.all(ids.map(async (id) => [id, await slotsLeft(db, referrer.id, id)] as const)).then(
      (entries) => live && setSlots(new Map(entries)),
    );
    return () => {
      live = false;
    };
  }, [db, referrer.id, candidateKey]);

  const options = rankTargets(referrer, candidates, slots);
  const limit = maxTargets(input.type, input.direction);
  const chosen = new Set(input.targetFacilityIds);
  const spent = new Map(
    (previous ?? [])
      .filter((p) => p.status === 'rejected' || p.status === 'expired')
      .map((p) => [p.facilityId, p.status]),
  );

  const toggle = (id: string) => {
    if (limit === 1) return onChange({ targetFacilityIds: [id], slotId: undefined, onlineSlot: undefined });
    const next = chosen.has(id)
      ? input.targetFacilityIds.filter((x) => x !== id)
      : [...input.targetFacilityIds, id];
    onChange({ targetFacilityIds: next.slice(0, limit), slotId: undefined, onlineSlot: undefined });
  };

  // One target: its slot may be booked with the referral (several targets: the one that approves arranges).
  const hospital =
    input.targetFacilityIds.length === 1 ? facilities.get(input.targetFacilityIds[0] as string) : undefined;

  if (options.length === 0) return <p className="note warn">{t('referral.targets.none')}</p>;
  return (
    <div className="target-chooser" data-testid="target-chooser" aria-invalid={invalid || undefined}>
      <p className="field-hint">
        {limit > 1 ? t('referral.targets.several', { max: limit }) : t('referral.targets.one')}
      </p>
      <ul>
        {options.map((option) => {
          const { facility } = option;
          const was = spent.get(facility.id);
          return (
            <li key={facility.id} className={chosen.has(facility.id) ? 'chosen' : ''}>
              <label className="target-option">
                <input
                  type={limit > 1 ? 'checkbox' : 'radio'}
                  name="referral-target"
                  checked={chosen.has(facility.id)}
                  disabled={was !== undefined}
                  onChange={() => toggle(facility.id)}
                />
                <span className="target-name">{facility.name}</span>
                <span className="target-level">{t(`level.${facility.level}`)}</span>
                {option.isParent ? <span className="badge ok">{t('referral.targets.parent')}</span> : null}
                {option.skipsLevel ? <span className="badge warn">{t('referral.targets.skips')}</span> : null}
                {was ? <span className="badge warn">{t(`referral.targetStatus.${was}`)}</span> : null}
              </label>
              <span className="target-slots" data-testid={`slots-${facility.code}`}>
                {t('referral.targets.slots', { quota: option.slots.quota, online: option.slots.online })}
                {option.slots.firstQuotaDate
                  ? ` · ${t('referral.targets.firstQuota', { date: option.slots.firstQuotaDate })}`
                  : ''}
              </span>
            </li>
          );
        })}
      </ul>
      {hospital ? (
        <SlotPicker
          key={hospital.id}
          db={db}
          facilityId={referrer.id}
          userId={props.userId}
          referralId={props.referralId}
          hospital={hospital}
          type={input.type}
          direction={input.direction}
          value={input.slotId}
          onlineSlot={input.onlineSlot}
          onChange={onChange}
          refresh={props.slotRefresh}
        />
      ) : null}
    </div>
  );
}
