/**
 * The slot at the chosen hospital (号源): this clinic's quota slots (booked
 * offline), the county pool's open online slots while the county answers
 * (held and confirmed on submit), and what this referral has booked already.
 * The chosen slot is locked when the referral is submitted.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AppointmentDoc,
  FacilityDoc,
  ReferralDirection,
  ReferralType,
  SlotDoc,
} from '../../../sync/protocol/schema';
import type { OpenSlot, SlotKind } from '../../../sync/protocol/slots';
import { HOLDING, openQuotaSlots } from '../../slots/booking';
import { reachCounty } from '../../slots/overnight-scheduler';
import { isOffline } from '../../slots/slot-county';
import { useDirectory } from '../../slots/use-directory';
import type { ClinicDatabase } from '../../store/database';
import { useSync } from '../../sync/sync-store';
import {
  bookedChoice,
  offeredSlots,
  onlineChoice,
  quotaChoice,
  type SlotChoice,
  slotKindsFor,
} from './slot-choices';

type Pool =
  | { status: 'offline' }
  | { status: 'loading' }
  | { status: 'ready'; slots: SlotChoice[] }
  | { status: 'failed'; reason: string };

export interface SlotPick {
  slotId: string | undefined;
  onlineSlot: OpenSlot | undefined;
}

interface Props {
  db: ClinicDatabase;
  /** The referring facility (its quota) and the signed-in user (the county call). */
  facilityId: string;
  userId: string;
  referralId: string;
  hospital: FacilityDoc;
  type: ReferralType;
  direction: ReferralDirection;
  value: string | undefined;
  onlineSlot: OpenSlot | undefined;
  onChange(pick: SlotPick): void;
  /** Changes when the lists must be read again (a slot was refused on submit). */
  refresh?: number;
}

/** This clinic's open quota slots at the hospital and what this referral holds there. */
function useLocalChoices(props: Props): { quota: SlotChoice[]; booked: SlotChoice[] } | undefined {
  const { db, facilityId, hospital, referralId, refresh } = props;
  const [local, setLocal] = useState<{ quota: SlotChoice[]; booked: SlotChoice[] }>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh asks for a fresh read
  useEffect(() => {
    let live = true;
    void (async () => {
      const quota = (await openQuotaSlots(db, facilityId, { hospitalId: hospital.id })).map(quotaChoice);
      const appointments = (
        await db.appointments.find({ selector: { referralId, status: { $in: [...HOLDING] } } }).exec()
      ).map((doc) => doc.toJSON() as AppointmentDoc);
      const booked: SlotChoice[] = [];
      for (const appointment of appointments) {
        const slot = appointment.slotId
          ? ((await db.slots.findOne(appointment.slotId).exec())?.toJSON() as SlotDoc | undefined)
          : undefined;
        const choice = bookedChoice(appointment, slot);
        if (choice) booked.push(choice);
      }
      if (live) setLocal({ quota, booked });
    })();
    return () => {
      live = false;
    };
  }, [db, facilityId, hospital.id, referralId, refresh]);
  return local;
}

/** The county pool's open online slots at the hospital, read while the county answers. */
function usePool(userId: string, hospitalId: string, refresh: number | undefined): Pool {
  const online = useSync((state) => state.linked && state.online);
  const [pool, setPool] = useState<Pool>({ status: online ? 'loading' : 'offline' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: refresh asks for a fresh read
  useEffect(() => {
    if (!online) return setPool({ status: 'offline' });
    let live = true;
    setPool({ status: 'loading' });
    void (async () => {
      try {
        const county = await reachCounty(userId);
        if (!county) return live && setPool({ status: 'offline' });
        const { slots } = await county.poolOpen({ hospitalId });
        if (live) setPool({ status: 'ready', slots: slots.map(onlineChoice) });
      } catch (error) {
        if (live)
          setPool(
            isOffline(error) ? { status: 'offline' } : { status: 'failed', reason: (error as Error).message },
          );
      }
    })();
    return () => {
      live = false;
    };
  }, [online, userId, hospitalId, refresh]);
  return pool;
}

export function SlotPicker(props: Props) {
  const { t } = useTranslation();
  const { db, hospital, value, onlineSlot, onChange } = props;
  const directory = useDirectory(db);
  const local = useLocalChoices(props);
  const pool = usePool(props.userId, hospital.id, props.refresh);
  const [departmentId, setDepartmentId] = useState('');
  const [gone, setGone] = useState(false);
  const kinds = slotKindsFor(props.type, props.direction);
  const kindKey = kinds.join(',');

  const lists = useMemo(
    () => ({
      hospitalId: hospital.id,
      booked: local?.booked ?? [],
      quota: local?.quota ?? [],
      online: pool.status === 'ready' ? pool.slots : [],
      kinds: kindKey.split(',') as SlotKind[],
      now: new Date(),
    }),
    [hospital.id, local, pool, kindKey],
  );
  const all = useMemo(() => offeredSlots({ ...lists, chosen: value }), [lists, value]);
  const shown = useMemo(
    () => offeredSlots({ ...lists, chosen: value, departmentId: departmentId || undefined }),
    [lists, value, departmentId],
  );
  const settled = local !== undefined && pool.status !== 'loading';
  const chosen = all.choices.find((choice) => choice.slotId === value);

  // Keep the form's choice in step with what is offered: a draft's slot that is gone is let go
  // (and said so); an online slot reopened from a draft gets the pool's details it is booked from.
  useEffect(() => {
    if (!settled || !value) return;
    if (!chosen) {
      setGone(true);
      onChange({ slotId: undefined, onlineSlot: undefined });
    } else if (chosen.online && onlineSlot?.slotId !== value) {
      onChange({ slotId: value, onlineSlot: chosen.online });
    } else if (!chosen.online && onlineSlot) {
      onChange({ slotId: value, onlineSlot: undefined });
    }
  }, [settled, value, chosen, onlineSlot, onChange]);

  const departmentName = (id: string) => hospital.departments.find((d) => d.id === id)?.name ?? id;
  const departments = [...new Set(all.choices.map((c) => c.departmentId))].sort((a, b) =>
    departmentName(a).localeCompare(departmentName(b), 'zh-CN'),
  );
  const wording = (choice: SlotChoice) =>
    [
      `${choice.date} ${t(`slots.period.${choice.period}`)}${choice.startTime ? ` ${choice.startTime}` : ''}`,
      departmentName(choice.departmentId),
      directory.person(choice.doctorId),
      choice.kind ? t(`slots.kind.${choice.kind}`) : '',
      choice.green ? t('referral.slot.green') : '',
    ]
      .filter(Boolean)
      .join(' · ');
  const groups: Array<[string, SlotChoice[]]> = [
    ['booked', shown.choices.filter((c) => c.booked)],
    ['quota', shown.choices.filter((c) => !c.booked && c.mode === 'quota')],
    ['online', shown.choices.filter((c) => !c.booked && c.mode === 'online')],
  ];

  return (
    <div className="field slot-picker" data-testid="slot-picker">
      <label htmlFor="referral-slot">{t('referral.slot.label', { hospital: hospital.name })}</label>
      {pool.status === 'offline' ? (
        <p className="notice" data-testid="slot-offline">
          {t('referral.slot.offline')}
        </p>
      ) : pool.status === 'loading' ? (
        <p className="note">{t('referral.slot.loading')}</p>
      ) : pool.status === 'failed' ? (
        <p className="note warn" role="status">
          {t('referral.slot.failed', { reason: pool.reason })}
        </p>
      ) : null}
      {gone ? (
        <p className="notice" role="status" data-testid="slot-gone">
          {t('referral.slot.gone')}
        </p>
      ) : null}
      {all.choices.length === 0 ? (
        settled ? (
          <p className="note">{t('referral.slot.none')}</p>
        ) : null
      ) : (
        <div className="slot-picker-selects">
          {departments.length > 1 ? (
            <select
              aria-label={t('referral.slot.department')}
              value={departmentId}
              onChange={(e) => setDepartmentId(e.target.value)}
            >
              <option value="">{t('referral.slot.allDepartments')}</option>
              {departments.map((id) => (
                <option key={id} value={id}>
                  {departmentName(id)}
                </option>
              ))}
            </select>
          ) : null}
          <select
            id="referral-slot"
            value={value ?? ''}
            onChange={(e) => {
              const picked = all.choices.find((c) => c.slotId === e.target.value);
              setGone(false);
              onChange({ slotId: picked?.slotId, onlineSlot: picked?.online });
            }}
          >
            <option value="">{t('referral.slot.noBooking')}</option>
            {groups.map(([group, choices]) =>
              choices.length > 0 ? (
                <optgroup key={group} label={t(`referral.slot.group.${group}`)}>
                  {choices.map((choice) => (
                    <option key={choice.slotId} value={choice.slotId}>
                      {wording(choice)}
                    </option>
                  ))}
                </optgroup>
              ) : null,
            )}
          </select>
        </div>
      )}
      {shown.onlineLeftOff > 0 ? (
        <div className="field-hint">{t('referral.slot.leftOff', { count: shown.onlineLeftOff })}</div>
      ) : null}
      <div className="field-hint" data-testid="slot-how">
        {chosen?.booked
          ? t('referral.slot.chosenBooked', { status: t(`referral.appointment.${chosen.booked}`) })
          : chosen?.mode === 'online'
            ? t('referral.slot.chosenOnline')
            : chosen
              ? t('referral.slot.chosenQuota')
              : t('referral.slot.hint')}
      </div>
    </div>
  );
}
