import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { allowedCommands, REVIEW_STATES, targetStates } from '../../sync/protocol/referral/state-machine';
import type { AppointmentDoc, PatientDoc, ReferralDoc } from '../../sync/protocol/schema';
import type { Session } from '../auth/session';
import { ageOn } from '../patients/age';
import type { ClinicDatabase } from '../store/database';
import { localTime } from '../vitals/format';
import { AttachmentsField, ConsentField, useAttachments } from './form/AttachmentsField';
import { ReferralHistory } from './ReferralHistory';
import { pendingCommands, ReferralCommandError } from './referral-commands';
import { cancelReferral, closeLoop } from './referral-drafts';
import { ReferralSlipActions } from './slip/ReferralSlipActions';
import { useReferralCommands } from './use-referrals';

interface Props {
  db: ClinicDatabase;
  session: Session;
  referral: ReferralDoc;
  patient: PatientDoc | undefined;
  names: ReadonlyMap<string, string>;
  /** Opens the form: to edit the draft, or to re-send to another institution. */
  onEdit(): void;
}

function useAppointment(db: ClinicDatabase, referralId: string): AppointmentDoc | undefined {
  const [appointment, setAppointment] = useState<AppointmentDoc>();
  useEffect(() => {
    const subscription = db.appointments
      .find({ selector: { referralId }, sort: [{ createdAt: 'desc' }] })
      // A booking given back (a refused online slot, a re-send) no longer says where the patient goes.
      .$.subscribe((docs) =>
        setAppointment(
          docs.map((doc) => doc.toJSON() as AppointmentDoc).find((a) => a.status !== 'cancelled'),
        ),
      );
    return () => subscription.unsubscribe();
  }, [db, referralId]);
  return appointment;
}

/** One referral as the referring clinic follows it: state, targets, booking, what may happen next, history. */
export function OutgoingReferral({ db, session, referral, patient, names, onEdit }: Props) {
  const { t } = useTranslation();
  const commands = useReferralCommands(db, referral.id);
  const attachments = useAttachments(db, referral.id);
  const appointment = useAppointment(db, referral.id);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<string>();
  const waiting = pendingCommands(commands);
  const actor = { facilityId: session.facilityId, roles: session.roles };
  // While commands wait for the county the local state is behind: only a cancel may be queued after them.
  const allowed =
    waiting.length > 0
      ? allowedCommands({ ...referral, state: 'draft' }, actor).filter((c) => c === 'cancel')
      : allowedCommands(referral, actor);
  const mayResend = allowed.includes('submit') && referral.state !== 'draft';
  const mayEdit = allowed.includes('submit') && referral.state === 'draft';
  const targets = targetStates(referral);

  const act = async (work: () => Promise<void>) => {
    setMessage(undefined);
    try {
      await work();
      setNote('');
    } catch (error) {
      setMessage(error instanceof ReferralCommandError ? t('referral.detail.notNow') : String(error));
    }
  };

  return (
    <article className="referral-detail card" data-testid="referral-detail">
      <div className="card-head">
        <h2>
          {patient?.name ?? t('referral.list.unknownPatient')}{' '}
          <span className={`badge state-${referral.state}`} data-testid="referral-state">
            {t(`referral.state.${referral.state}`)}
          </span>
        </h2>
        <span className="mono">{referral.serialNo}</span>
      </div>
      <p className="referral-kind">
        {t(`referral.type.${referral.type}`)} · {t(`referral.direction.${referral.direction}`)}
        {referral.special
          ? ` · ${t('referral.detail.special', { reason: referral.specialReason ?? '' })}`
          : ''}
        {patient
          ? ` · ${t(`sex.${patient.sex}`)} ${t('patients.age', { age: ageOn(patient.birthDate) })}`
          : ''}
      </p>

      {waiting.length > 0 ? (
        <p className="notice" role="status" data-testid="referral-waiting">
          {t('referral.detail.waiting', {
            commands: waiting.map((c) => t(`referral.command.${c.command}`)).join('、'),
          })}
        </p>
      ) : null}
      {referral.stateReason && !['draft', 'approved', 'arranged'].includes(referral.state) ? (
        <p className="notice warn" role="status">
          {t(`referral.stateHelp.${referral.state}`, { defaultValue: '' })} {referral.stateReason}
        </p>
      ) : null}
      {REVIEW_STATES.has(referral.state) && referral.reviewDeadline ? (
        <p className="note">{t('referral.detail.deadline', { at: localTime(referral.reviewDeadline) })}</p>
      ) : null}

      <section>
        <h3>{t('referral.detail.targets')}</h3>
        {targets.length > 1 ? <p className="field-hint">{t('referral.detail.firstWins')}</p> : null}
        <ul className="target-states" data-testid="target-states">
          {targets.map((target) => (
            <li key={target.facilityId} className={`target-${target.status}`}>
              {names.get(target.facilityId) ?? target.facilityId}{' '}
              <span className="badge">{t(`referral.targetStatus.${target.status}`)}</span>
              {target.level ? (
                <span className="note"> {t('referral.history.level', { level: target.level })}</span>
              ) : null}
            </li>
          ))}
        </ul>
        {appointment ? (
          <p className="note" data-testid="referral-appointment">
            {t('referral.detail.appointment', {
              when: appointment.scheduledAt.replace('T', ' '),
              status: t(`referral.appointment.${appointment.status}`),
            })}
          </p>
        ) : null}
        {referral.arrangement ? (
          <p className="note">
            {t('referral.detail.arrangement')}{' '}
            {Object.entries(referral.arrangement)
              .map(
                ([key, value]) =>
                  `${t(`referral.arrangementField.${key}`, { defaultValue: key })}：${String(value)}`,
              )
              .join('；')}
          </p>
        ) : null}
        {referral.treatmentSummary ? (
          <p className="note">
            {t('referral.detail.summary')} {referral.treatmentSummary}
          </p>
        ) : null}
      </section>

      <section>
        <h3>{t('referral.form.clinical')}</h3>
        <dl className="facts referral-facts">
          <dt>{t('referral.field.diagnoses')}</dt>
          <dd>{referral.diagnoses.map((d) => `${d.code} ${d.name}`).join('；') || '—'}</dd>
          <dt>{t('referral.field.chiefComplaint')}</dt>
          <dd>{referral.chiefComplaint ?? '—'}</dd>
          <dt>{t('referral.field.presentIllness')}</dt>
          <dd className="pre">{referral.presentIllness ?? '—'}</dd>
          <dt>{t('referral.field.reason')}</dt>
          <dd>{referral.reason || '—'}</dd>
          <dt>{t('referral.field.careBeforeReferral')}</dt>
          <dd>{referral.careBeforeReferral ?? '—'}</dd>
        </dl>
        <h3>{t('referral.form.attachments')}</h3>
        <AttachmentsField
          db={db}
          session={session}
          referralId={referral.id}
          attachments={attachments}
          beforeAttach={async () => {}}
          readOnly
        />
        <h3>{t('referral.form.consent')}</h3>
        <ConsentField
          db={db}
          session={session}
          referralId={referral.id}
          attachments={attachments}
          beforeAttach={async () => {}}
          readOnly
        />
      </section>

      <section className="referral-actions">
        <h3>{t('referral.detail.next')}</h3>
        {waiting.length > 0 ? <p className="note">{t('referral.detail.waitingNext')}</p> : null}
        {allowed.length === 0 && waiting.length === 0 ? (
          <p className="note">{t('referral.detail.nothingToDo')}</p>
        ) : null}
        <div className="row-inline">
          {mayEdit ? (
            <button type="button" className="primary" onClick={onEdit} data-testid="referral-edit">
              {t('referral.detail.editSubmit')}
            </button>
          ) : null}
          {mayResend ? (
            <button type="button" className="primary" onClick={onEdit} data-testid="referral-resend">
              {t('referral.detail.resend')}
            </button>
          ) : null}
        </div>
        {allowed.includes('feedback') || allowed.includes('cancel') ? (
          <div className="field">
            <label htmlFor="referral-note">
              {allowed.includes('feedback')
                ? t('referral.detail.feedbackLabel')
                : t('referral.detail.cancelLabel')}
            </label>
            <textarea
              id="referral-note"
              rows={2}
              maxLength={400}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <div className="row-inline">
              {allowed.includes('feedback') ? (
                <button
                  type="button"
                  className="primary"
                  data-testid="referral-close-loop"
                  onClick={() => void act(() => closeLoop(db, session, referral.id, { note }))}
                >
                  {t('referral.detail.closeLoop')}
                </button>
              ) : null}
              {allowed.includes('cancel') ? (
                <button
                  type="button"
                  className="danger"
                  data-testid="referral-cancel"
                  onClick={() => void act(() => cancelReferral(db, session, referral.id, note))}
                >
                  {t('referral.detail.cancel')}
                </button>
              ) : null}
            </div>
          </div>
        ) : null}
        {message ? (
          <p className="form-error" role="alert">
            {message}
          </p>
        ) : null}
      </section>

      <section>
        <h3>{t('referral.detail.slip')}</h3>
        <ReferralSlipActions referral={referral} />
      </section>

      <section>
        <h3>{t('referral.detail.history')}</h3>
        <ReferralHistory commands={commands} names={names} />
      </section>
    </article>
  );
}
