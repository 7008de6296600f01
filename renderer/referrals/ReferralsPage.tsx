import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TERMINAL_STATES } from '../../sync/protocol/referral/state-machine';
import { can } from '../../sync/protocol/roles';
import type { PatientDoc, ReferralCommandDoc, ReferralDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { PatientSearch } from '../patients/PatientSearch';
import { usePatientIndex } from '../patients/use-patient-index';
import { confirmWaitingBookings } from '../slots/booking';
import { reachCounty } from '../slots/overnight-scheduler';
import { useSync } from '../sync/sync-store';
import { localTime } from '../vitals/format';
import { ReferralForm } from './form/ReferralForm';
import { usePatients } from './inbox/inbox-data';
import { OutgoingReferral } from './OutgoingReferral';
import { pendingCommands } from './referral-commands';
import { type Reminder, remindersOf } from './reminders';
import { useCommandsByReferral, useFacilities, useReferrals } from './use-referrals';
import './referrals.css';

type View =
  | { kind: 'none' }
  | { kind: 'pick-patient' }
  | { kind: 'form'; referralId: string; patientId: string; existing?: ReferralDoc }
  | { kind: 'detail'; referralId: string };

type Filter = 'open' | 'action' | 'finished' | 'all';

function filterOf(referral: ReferralDoc, reminder: Reminder | undefined, filter: Filter): boolean {
  if (filter === 'all') return true;
  if (filter === 'action') return reminder !== undefined;
  return (filter === 'finished') === TERMINAL_STATES.has(referral.state);
}

/**
 * 转出转诊: the referrals this clinic sent (with what it must do about them),
 * the referral form, and each referral's state and history. Works offline:
 * drafts, consent, the slip and the submit all wait for the link.
 */
export function ReferralsPage() {
  const { t } = useTranslation();
  const { db, session, facility } = useSignedIn();
  const referrals = useReferrals(db, session.facilityId, 'outgoing');
  const commands = useCommandsByReferral(db);
  const facilities = useFacilities(db);
  const patients = usePatients(
    db,
    referrals.map((r) => r.patientId),
  );
  const patientIndex = usePatientIndex(db);
  const [view, setView] = useState<View>({ kind: 'none' });
  const [filter, setFilter] = useState<Filter>('open');
  const [extraPatient, setExtraPatient] = useState<PatientDoc>();
  const mayRefer = can(session.roles, 'referral.create');
  const online = useSync((state) => state.linked && state.online);

  // An online slot booked with a referral while offline is confirmed when the link comes back.
  useEffect(() => {
    if (!online || !mayRefer) return;
    void reachCounty(session.userId).then((county) =>
      county ? confirmWaitingBookings(db, session, county).catch(() => undefined) : undefined,
    );
  }, [online, mayRefer, db, session]);

  const reminders = useMemo(
    () => remindersOf(referrals, commands, session.facilityId),
    [referrals, commands, session.facilityId],
  );
  const reminderBy = new Map(reminders.map((r) => [r.referralId, r]));
  const names = useMemo(() => new Map([...facilities].map(([id, f]) => [id, f.name])), [facilities]);
  const referrer = facilities.get(session.facilityId) ?? facility;
  const patientOf = (id: string) => patients.get(id) ?? (extraPatient?.id === id ? extraPatient : undefined);
  const shown = referrals.filter((r) => filterOf(r, reminderBy.get(r.id), filter));
  const selected = view.kind === 'detail' ? referrals.find((r) => r.id === view.referralId) : undefined;

  const startFor = async (patientId: string) => {
    const doc = await db.patients.findOne(patientId).exec();
    if (doc) setExtraPatient(doc.toJSON() as PatientDoc);
    setView({ kind: 'form', referralId: crypto.randomUUID(), patientId });
  };
  const formPatient = view.kind === 'form' ? patientOf(view.patientId) : undefined;

  return (
    <div className="referrals-page">
      <aside className="referrals-side">
        <div className="row-inline">
          <h1>{t('referral.title')}</h1>
          {mayRefer ? (
            <button
              type="button"
              className="primary"
              data-testid="referral-new"
              onClick={() => setView({ kind: 'pick-patient' })}
            >
              {t('referral.new')}
            </button>
          ) : null}
        </div>
        {reminders.length > 0 ? (
          <section
            className="reminders notice warn"
            data-testid="referral-reminders"
            aria-label={t('referral.reminder.title')}
          >
            <h2>{t('referral.reminder.title')}</h2>
            <ul>
              {reminders.map((reminder) => {
                const referral = referrals.find((r) => r.id === reminder.referralId) as ReferralDoc;
                return (
                  <li key={reminder.referralId}>
                    <button
                      type="button"
                      className="link"
                      onClick={() => setView({ kind: 'detail', referralId: reminder.referralId })}
                    >
                      {t(`referral.reminder.${reminder.kind}`, {
                        patient: patientOf(referral.patientId)?.name ?? '',
                        serial: referral.serialNo,
                      })}
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
        ) : null}
        <div className="referral-filter" role="tablist">
          {(['open', 'action', 'finished', 'all'] as const).map((f) => (
            <button
              key={f}
              type="button"
              role="tab"
              aria-selected={filter === f}
              className={filter === f ? 'active' : ''}
              onClick={() => setFilter(f)}
            >
              {t(`referral.list.filter.${f}`)}
            </button>
          ))}
        </div>
        {shown.length === 0 ? <p className="note">{t('referral.list.empty')}</p> : null}
        <ul className="referral-list" data-testid="referral-list">
          {shown.map((referral) => (
            <ReferralRow
              key={referral.id}
              referral={referral}
              patient={patientOf(referral.patientId)}
              commands={commands.get(referral.id) ?? []}
              names={names}
              reminder={reminderBy.get(referral.id)}
              active={selected?.id === referral.id}
              onOpen={() => setView({ kind: 'detail', referralId: referral.id })}
            />
          ))}
        </ul>
      </aside>
      <section className="referrals-main">
        {view.kind === 'pick-patient' ? (
          <div className="card">
            <h2>{t('referral.pickPatient')}</h2>
            <PatientSearch
              patientIndex={patientIndex}
              onOpen={(id) => void startFor(id)}
              inputId="referral-patient-search"
            />
          </div>
        ) : null}
        {view.kind === 'form' && formPatient ? (
          <ReferralForm
            key={view.referralId}
            db={db}
            session={session}
            referrer={referrer}
            facilities={facilities}
            referralId={view.referralId}
            patient={formPatient}
            existing={view.existing}
            onDone={(referralId) => setView({ kind: 'detail', referralId })}
            onCancel={() =>
              setView(view.existing ? { kind: 'detail', referralId: view.referralId } : { kind: 'none' })
            }
          />
        ) : null}
        {selected ? (
          <OutgoingReferral
            key={selected.id}
            db={db}
            session={session}
            referral={selected}
            patient={patientOf(selected.patientId)}
            names={names}
            onEdit={() =>
              setView({
                kind: 'form',
                referralId: selected.id,
                patientId: selected.patientId,
                existing: selected,
              })
            }
          />
        ) : null}
        {view.kind === 'none' ? (
          <p className="note">{mayRefer ? t('referral.intro') : t('referral.introReadOnly')}</p>
        ) : null}
      </section>
    </div>
  );
}

function ReferralRow(props: {
  referral: ReferralDoc;
  patient: PatientDoc | undefined;
  commands: ReferralCommandDoc[];
  names: ReadonlyMap<string, string>;
  reminder: Reminder | undefined;
  active: boolean;
  onOpen(): void;
}) {
  const { t } = useTranslation();
  const { referral } = props;
  const waiting = pendingCommands(props.commands).length > 0;
  return (
    <li className={props.active ? 'active' : ''} data-testid="referral-row">
      <button type="button" onClick={props.onOpen}>
        <span className="referral-row-head">
          <strong>{props.patient?.name ?? t('referral.list.unknownPatient')}</strong>
          <span className={`badge state-${referral.state}`}>{t(`referral.state.${referral.state}`)}</span>
          {waiting ? <span className="badge waiting">{t('referral.list.waiting')}</span> : null}
          {props.reminder ? (
            <span className="badge warn">{t(`referral.reminder.short.${props.reminder.kind}`)}</span>
          ) : null}
        </span>
        <span className="referral-row-meta">
          {t(`referral.type.${referral.type}`)} · {t(`referral.direction.${referral.direction}`)} →{' '}
          {referral.targetFacilityIds.map((id) => props.names.get(id) ?? id).join('、') ||
            t('referral.list.noTarget')}
        </span>
        <span className="referral-row-meta mono">
          {referral.serialNo} · {localTime(referral.updatedAt)}
        </span>
      </button>
    </li>
  );
}
