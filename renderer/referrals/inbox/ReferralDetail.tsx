import { useTranslation } from 'react-i18next';
import { targetStates } from '../../../sync/protocol/referral/state-machine';
import type { PatientDoc, ReferralCommandDoc } from '../../../sync/protocol/schema';
import { useSignedIn } from '../../app/app-store';
import { ReferralAttachments } from '../../attachments/ReferralAttachments';
import { ageOn } from '../../patients/age';
import { useReferralCommands } from '../use-referrals';
import { Deadline } from './Deadline';
import type { InboxItem } from './inbox';

/** The referral as the receiving side reads it: the patient, the form, where it stands, its history. */
export function ReferralDetail(props: {
  item: InboxItem;
  now: Date;
  patient: PatientDoc | undefined;
  names: Map<string, string>;
}) {
  const { t } = useTranslation();
  const { db } = useSignedIn();
  const { referral, step, waiting, refused } = props.item;
  const history = useReferralCommands(db, referral.id);
  const name = (id: string) => props.names.get(id) ?? id;
  const { patient } = props;

  return (
    <section className="card inbox-detail" data-testid="inbox-detail" data-referral-id={referral.id}>
      <div className="card-head">
        <h2>
          {patient?.name ?? t('inbox.patientNotHere')}
          {patient ? (
            <span className="note">
              {' '}
              {t(`sex.${patient.sex}`)} · {t('patients.age', { age: ageOn(patient.birthDate) })}
            </span>
          ) : null}
        </h2>
        <span className="inbox-where">
          <span className="inbox-state" data-testid="inbox-state" data-state={referral.state}>
            {step ? t(`inbox.step.${step.stage}.${step.level}`) : t(`inbox.state.${referral.state}`)}
          </span>
          <Deadline deadline={referral.reviewDeadline} now={props.now} running={Boolean(step)} />
        </span>
      </div>
      {waiting.length > 0 ? (
        <p className="notice" data-testid="inbox-waiting">
          {t('inbox.waitingLong', { commands: waiting.map((c) => commandLabel(t, c.command)).join('、') })}
        </p>
      ) : null}
      {refused?.outcome ? (
        <p className="warn" role="alert" data-testid="inbox-refused">
          {t('inbox.refused', { command: commandLabel(t, refused.command) })} {refused.outcome.message}
        </p>
      ) : null}
      {referral.stateReason ? <p className="note">{referral.stateReason}</p> : null}
      <dl className="facts">
        <dt>{t('inbox.field.serialNo')}</dt>
        <dd className="mono">{referral.serialNo}</dd>
        <dt>{t('inbox.field.kind')}</dt>
        <dd>
          {t(`inbox.type.${referral.type}`)} · {t(`inbox.direction.${referral.direction}`)}
          {referral.special ? ` · ${t('inbox.special', { reason: referral.specialReason ?? '' })}` : ''}
        </dd>
        <dt>{t('inbox.field.from')}</dt>
        <dd>{name(referral.facilityId)}</dd>
        <dt>{t('inbox.field.targets')}</dt>
        <dd>
          {targetStates(referral)
            .map((target) => `${name(target.facilityId)}（${t(`inbox.target.${target.status}`)}）`)
            .join('；')}
        </dd>
        {patient?.phone ? (
          <>
            <dt>{t('inbox.field.phone')}</dt>
            <dd>{patient.phone}</dd>
          </>
        ) : null}
        <dt>{t('inbox.field.diagnoses')}</dt>
        <dd>{referral.diagnoses.map((d) => `${d.code} ${d.name}`).join('；')}</dd>
        <dt>{t('inbox.field.reason')}</dt>
        <dd>{referral.reason}</dd>
        <Optional label={t('inbox.field.chiefComplaint')} value={referral.chiefComplaint} />
        <Optional label={t('inbox.field.presentIllness')} value={referral.presentIllness} />
        <Optional label={t('inbox.field.careBefore')} value={referral.careBeforeReferral} />
        {referral.arrangement ? (
          <>
            <dt>{t('inbox.field.arrangement')}</dt>
            <dd data-testid="inbox-arrangement">{arrangementText(referral.arrangement)}</dd>
          </>
        ) : null}
        <Optional label={t('inbox.field.summary')} value={referral.treatmentSummary} testId="inbox-summary" />
        {referral.feedback ? (
          <>
            <dt>{t('inbox.field.feedback')}</dt>
            <dd data-testid="inbox-feedback">{feedbackText(t, referral.feedback)}</dd>
          </>
        ) : null}
      </dl>
      <ReferralAttachments db={db} referralId={referral.id} />
      <h3>{t('inbox.history')}</h3>
      <ol className="inbox-history" data-testid="inbox-history">
        {history.map((command) => (
          <li
            key={command.id}
            data-command={command.command}
            data-outcome={command.outcome?.status ?? 'waiting'}
          >
            <span className="mono">{new Date(command.createdAt).toLocaleString()}</span>{' '}
            {name(command.facilityId)} · {commandLabel(t, command.command, command.payload)}{' '}
            <span className={`badge${command.outcome ? '' : ' waiting'}`}>
              {t(`inbox.outcome.${command.outcome?.status ?? 'waiting'}`)}
            </span>
            {command.outcome?.status === 'refused' ? (
              <span className="note"> {command.outcome.message}</span>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Optional(props: { label: string; value: string | undefined; testId?: string }) {
  if (!props.value) return null;
  return (
    <>
      <dt>{props.label}</dt>
      <dd data-testid={props.testId}>{props.value}</dd>
    </>
  );
}

type T = ReturnType<typeof useTranslation>['t'];

/** "Approve", "Reject", "Print slip", …; a review names its decision, and its level when it gave one. */
export function commandLabel(t: T, command: string, payload?: ReferralCommandDoc['payload']): string {
  const key = command === 'review' && typeof payload?.decision === 'string' ? payload.decision : command;
  const label = t(`inbox.command.${key}`, { defaultValue: command });
  return typeof payload?.level === 'number'
    ? `${label}${t('inbox.atLevel', { level: payload.level })}`
    : label;
}

function arrangementText(arrangement: Record<string, unknown>): string {
  return ['time', 'bed', 'note', 'reason']
    .map((key) => arrangement[key])
    .filter((value): value is string => typeof value === 'string' && value !== '')
    .join(' · ');
}

function feedbackText(t: T, feedback: Record<string, unknown>): string {
  const parts: string[] = [];
  if (typeof feedback.recovery === 'string') parts.push(t(`inbox.recovery.${feedback.recovery}`));
  for (const key of ['healthStatus', 'plan', 'note']) {
    if (typeof feedback[key] === 'string' && feedback[key] !== '') parts.push(feedback[key] as string);
  }
  if (Array.isArray(feedback.followUps) && feedback.followUps.length > 0) {
    parts.push(t('inbox.followUpsAt', { times: feedback.followUps.join('、') }));
  }
  return parts.join(' · ');
}
