import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReferralDoc } from '../../../sync/protocol/schema';
import { useSignedIn } from '../../app/app-store';
import { Field } from '../../app/Field';
import { appendReferralCommand, ReferralCommandError } from '../referral-commands';
import {
  type ArrangeForm,
  type Checked,
  checkArrange,
  checkComplete,
  checkFeedback,
  checkReview,
  type FeedbackForm,
  type FieldErrors,
  MAX_FOLLOW_UPS,
  RECOVERY,
} from './forms';
import type { InboxItem } from './inbox';
import { recordDownwardFeedback, useOwnStaff } from './inbox-data';

/** The actions this user may take now, as the shared state machine allows them. */
export function ActionPanel(props: { item: InboxItem }) {
  const { t } = useTranslation();
  const { referral, allowed, step, waiting } = props.item;
  const may = (command: string) => allowed.includes(command as never);
  const own = referral.facilityId === useSignedIn().session.facilityId;

  if (waiting.length > 0) {
    return <p className="note inbox-actions">{t('inbox.waitForCounty')}</p>;
  }
  const panels: ReactNode[] = [];
  if (may('review') && step) panels.push(<ReviewPanel key="review" referral={referral} />);
  if (!may('review') && step) {
    panels.push(
      <p key="no-review" className="note" data-testid="inbox-cannot-review">
        {referral.reviewDeadline && Date.parse(referral.reviewDeadline) <= Date.now()
          ? t('inbox.deadlinePassed')
          : t('inbox.reviewerOnly')}
      </p>,
    );
  }
  if (!own) {
    if (may('arrange')) panels.push(<ArrangePanel key="arrange" referral={referral} />);
    if (may('attend')) panels.push(<AttendPanel key="attend" referral={referral} />);
    if (may('complete')) panels.push(<CompletePanel key="complete" referral={referral} />);
    if (may('feedback') && referral.direction === 'down') {
      panels.push(<FeedbackPanel key="feedback" referral={referral} />);
    }
    if (may('return')) panels.push(<ReturnPanel key="return" referral={referral} />);
  }
  if (panels.length === 0) return null;
  return (
    <section className="card inbox-actions" data-testid="inbox-actions">
      <h2>{t('inbox.actions')}</h2>
      {panels}
    </section>
  );
}

/** Runs one write; a refusal (local state machine or bad input) is shown, nothing is lost. */
function useSend() {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (write: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await write();
    } catch (caught) {
      setError(
        caught instanceof ReferralCommandError && caught.problem === 'not-allowed-now'
          ? t('inbox.error.notNow')
          : caught instanceof Error
            ? caught.message
            : String(caught),
      );
    } finally {
      setBusy(false);
    }
  };
  const shown = error ? (
    <p className="form-error" role="alert" data-testid="inbox-action-error">
      {error}
    </p>
  ) : null;
  return { busy, run, shown };
}

function useCommand(referral: ReferralDoc) {
  const { db, session } = useSignedIn();
  const send = useSend();
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (command: string, checked: Checked<Record<string, unknown>>) => {
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    void send.run(async () => {
      await appendReferralCommand(db, session, referral.id, command, checked.value);
    });
  };
  return { ...send, errors, submit };
}

function ReviewPanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { referral } = props;
  const { busy, shown, errors, submit } = useCommand(referral);
  const [note, setNote] = useState('');
  const id = `review-note-${referral.id}`;
  return (
    <div className="inbox-action" data-testid="inbox-review">
      <Field id={id} label={t('inbox.review.note')} error={errors.note} hint={t('inbox.review.hint')}>
        <textarea id={id} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <div className="row-inline">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => submit('review', checkReview({ decision: 'approve', note }))}
        >
          {t('inbox.command.approve')}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => submit('review', checkReview({ decision: 'reject', note }))}
        >
          {t('inbox.command.reject')}
        </button>
      </div>
      {shown}
    </div>
  );
}

function ArrangePanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { db, facility } = useSignedIn();
  const staff = useOwnStaff(db, facility.id);
  const { referral } = props;
  const { busy, shown, errors, submit } = useCommand(referral);
  const [form, setForm] = useState<ArrangeForm>({
    accept: true,
    time: '',
    departmentId: '',
    doctorId: '',
    bed: '',
    note: '',
  });
  const set = (patch: Partial<ArrangeForm>) => setForm({ ...form, ...patch });
  const p = `arrange-${referral.id}`;
  return (
    <div className="inbox-action" data-testid="inbox-arrange">
      <h3>{t('inbox.arrange.title')}</h3>
      <div className="grid">
        <Field id={`${p}-time`} label={t('inbox.arrange.time')} error={errors.time} required>
          <input
            id={`${p}-time`}
            type="datetime-local"
            value={form.time}
            onChange={(e) => set({ time: e.target.value })}
          />
        </Field>
        <Field id={`${p}-dept`} label={t('inbox.arrange.department')}>
          <select
            id={`${p}-dept`}
            value={form.departmentId}
            onChange={(e) => set({ departmentId: e.target.value })}
          >
            <option value="">{t('inbox.arrange.any')}</option>
            {facility.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${p}-doctor`} label={t('inbox.arrange.doctor')}>
          <select
            id={`${p}-doctor`}
            value={form.doctorId}
            onChange={(e) => set({ doctorId: e.target.value })}
          >
            <option value="">{t('inbox.arrange.any')}</option>
            {staff.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
                {s.title ? ` · ${s.title}` : ''}
              </option>
            ))}
          </select>
        </Field>
        {referral.type === 'inpatient' ? (
          <Field id={`${p}-bed`} label={t('inbox.arrange.bed')} error={errors.bed}>
            <input id={`${p}-bed`} value={form.bed} onChange={(e) => set({ bed: e.target.value })} />
          </Field>
        ) : null}
      </div>
      <Field
        id={`${p}-note`}
        label={t('inbox.arrange.note')}
        error={errors.note}
        hint={t('inbox.arrange.hint')}
      >
        <textarea
          id={`${p}-note`}
          rows={2}
          value={form.note}
          onChange={(e) => set({ note: e.target.value })}
        />
      </Field>
      <div className="row-inline">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => submit('arrange', checkArrange({ ...form, accept: true }, new Date()))}
        >
          {t('inbox.command.arrange')}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => submit('arrange', checkArrange({ ...form, accept: false }, new Date()))}
        >
          {t('inbox.command.decline')}
        </button>
      </div>
      {shown}
    </div>
  );
}

function AttendPanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { busy, shown, submit } = useCommand(props.referral);
  return (
    <div className="inbox-action" data-testid="inbox-attend">
      <h3>{t('inbox.attend.title')}</h3>
      <div className="row-inline">
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => submit('attend', { ok: true, value: { attended: true } })}
        >
          {t('inbox.command.arrived')}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => submit('attend', { ok: true, value: { attended: false } })}
        >
          {t('inbox.command.noShow')}
        </button>
      </div>
      {shown}
    </div>
  );
}

function CompletePanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { busy, shown, errors, submit } = useCommand(props.referral);
  const [summary, setSummary] = useState('');
  const id = `summary-${props.referral.id}`;
  return (
    <div className="inbox-action" data-testid="inbox-complete">
      <h3>{t('inbox.complete.title')}</h3>
      <Field id={id} label={t('inbox.complete.summary')} error={errors.summary} required>
        <textarea id={id} rows={4} value={summary} onChange={(e) => setSummary(e.target.value)} />
      </Field>
      <button
        type="button"
        className="primary"
        disabled={busy}
        onClick={() => submit('complete', checkComplete(summary))}
      >
        {t('inbox.command.complete')}
      </button>
      {shown}
    </div>
  );
}

function ReturnPanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { busy, shown, submit } = useCommand(props.referral);
  return (
    <div className="inbox-action" data-testid="inbox-return">
      <p className="note">{t('inbox.return.hint')}</p>
      <button type="button" disabled={busy} onClick={() => submit('return', { ok: true, value: {} })}>
        {t('inbox.command.return')}
      </button>
      {shown}
    </div>
  );
}

function FeedbackPanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const { busy, run, shown } = useSend();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [form, setForm] = useState<FeedbackForm>({
    recovery: '',
    healthStatus: '',
    plan: '',
    followUps: [''],
  });
  const set = (patch: Partial<FeedbackForm>) => setForm({ ...form, ...patch });
  const p = `feedback-${props.referral.id}`;
  const save = () => {
    const now = new Date();
    const checked = checkFeedback(form, now);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    void run(() => recordDownwardFeedback(db, session, props.referral, checked.value, now));
  };
  return (
    <div className="inbox-action" data-testid="inbox-feedback-form">
      <h3>{t('inbox.feedback.title')}</h3>
      <div className="grid">
        <Field id={`${p}-recovery`} label={t('inbox.feedback.recovery')} error={errors.recovery} required>
          <select
            id={`${p}-recovery`}
            value={form.recovery}
            onChange={(e) => set({ recovery: e.target.value as FeedbackForm['recovery'] })}
          >
            <option value="">{t('inbox.feedback.choose')}</option>
            {RECOVERY.map((value) => (
              <option key={value} value={value}>
                {t(`inbox.recovery.${value}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={`${p}-health`}
          label={t('inbox.feedback.healthStatus')}
          error={errors.healthStatus}
          required
        >
          <input
            id={`${p}-health`}
            value={form.healthStatus}
            onChange={(e) => set({ healthStatus: e.target.value })}
          />
        </Field>
      </div>
      <Field id={`${p}-plan`} label={t('inbox.feedback.plan')} error={errors.plan} required>
        <textarea
          id={`${p}-plan`}
          rows={3}
          value={form.plan}
          onChange={(e) => set({ plan: e.target.value })}
        />
      </Field>
      <fieldset className="inbox-follow-ups">
        <legend>{t('inbox.feedback.followUps')}</legend>
        {form.followUps.map((value, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the rows are positions in a list the user edits in place
          <div className="row-inline" key={index}>
            <input
              type="datetime-local"
              aria-label={t('inbox.feedback.followUpN', { n: index + 1 })}
              value={value}
              onChange={(e) =>
                set({ followUps: form.followUps.map((old, i) => (i === index ? e.target.value : old)) })
              }
            />
            {form.followUps.length > 1 ? (
              <button
                type="button"
                onClick={() => set({ followUps: form.followUps.filter((_, i) => i !== index) })}
              >
                {t('inbox.feedback.remove')}
              </button>
            ) : null}
          </div>
        ))}
        {form.followUps.length < MAX_FOLLOW_UPS ? (
          <button type="button" onClick={() => set({ followUps: [...form.followUps, ''] })}>
            {t('inbox.feedback.add')}
          </button>
        ) : null}
        {errors.followUps ? (
          <div className="field-error" role="alert">
            {t(errors.followUps)}
          </div>
        ) : null}
      </fieldset>
      <button type="button" className="primary" disabled={busy} onClick={save}>
        {t('inbox.command.feedback')}
      </button>
      {shown}
    </div>
  );
}
