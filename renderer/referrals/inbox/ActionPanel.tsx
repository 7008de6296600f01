import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { reviewRoleFor } from '../../../sync/protocol/referral/state-machine';
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
  type DownwardFeedback,
  type FeedbackForm,
  type FieldErrors,
  MAX_FOLLOW_UPS,
  RECOVERY,
} from './forms';
import type { InboxItem, ReviewStep } from './inbox';
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
  if (may('review') && step) panels.push(<ReviewPanel key="review" referral={referral} step={step} />);
  if (!may('review') && step) {
    // Each level has its own reviewer: say whose turn it is rather than just "not you".
    const role = reviewRoleFor(step.stage, step.level) ?? 'reviewer';
    panels.push(
      <p key="no-review" className="note" data-testid="inbox-cannot-review">
        {referral.reviewDeadline && Date.parse(referral.reviewDeadline) <= Date.now()
          ? t('inbox.deadlinePassed')
          : t('inbox.reviewBy', { role: t(`role.${role}`), level: step.level })}
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

interface CommandButton<T> {
  label: string;
  primary?: boolean;
  /** The form checked when the button is pressed: the value to send, or the fields in error. */
  check(): Checked<T>;
}

/**
 * One action on the referral: its fields, and buttons that each check the
 * form and send the command. Fields in error are shown by the fields
 * themselves (`fields` gets them); a refusal is shown under the buttons.
 */
function CommandForm<T = Record<string, unknown>>(props: {
  referral: ReferralDoc;
  command: string;
  testId: string;
  title?: string;
  hint?: string;
  fields?: (errors: FieldErrors) => ReactNode;
  buttons: CommandButton<T>[];
  /** How the checked value is written; by default, as the command's payload. */
  write?: (value: T) => Promise<void>;
}) {
  const { db, session } = useSignedIn();
  const { busy, run, shown } = useSend();
  const [errors, setErrors] = useState<FieldErrors>({});
  const { referral, command } = props;
  const press = (button: CommandButton<T>) => {
    const checked = button.check();
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    void run(async () => {
      if (props.write) return props.write(checked.value);
      const payload = checked.value as Record<string, unknown>;
      await appendReferralCommand(db, session, referral.id, command, payload);
    });
  };
  const buttons = props.buttons.map((button) => (
    <button
      key={button.label}
      type="button"
      className={button.primary ? 'primary' : undefined}
      disabled={busy}
      onClick={() => press(button)}
    >
      {button.label}
    </button>
  ));
  return (
    <div className="inbox-action" data-testid={props.testId}>
      {props.title ? <h3>{props.title}</h3> : null}
      {props.hint ? <p className="note">{props.hint}</p> : null}
      {props.fields?.(errors)}
      {buttons.length > 1 ? <div className="row-inline">{buttons}</div> : buttons}
      {shown}
    </div>
  );
}

/** A payload with nothing to check. */
const unchecked = (payload: Record<string, unknown>): Checked<Record<string, unknown>> => ({
  ok: true,
  value: payload,
});

function ReviewPanel(props: { referral: ReferralDoc; step: ReviewStep }) {
  const { t } = useTranslation();
  const { referral, step } = props;
  const [note, setNote] = useState('');
  const id = `review-note-${referral.id}`;
  // The level goes with the decision: if it was decided meanwhile, the county refuses this one as stale.
  const decide = (decision: 'approve' | 'reject') => {
    const checked = checkReview({ decision, note });
    return checked.ok ? unchecked({ ...checked.value, level: step.level }) : checked;
  };
  return (
    <CommandForm
      referral={referral}
      command="review"
      testId="inbox-review"
      fields={(errors) => (
        <Field id={id} label={t('inbox.review.note')} error={errors.note} hint={t('inbox.review.hint')}>
          <textarea id={id} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      )}
      buttons={[
        { label: t('inbox.command.approve'), primary: true, check: () => decide('approve') },
        { label: t('inbox.command.reject'), check: () => decide('reject') },
      ]}
    />
  );
}

function ArrangePanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { db, facility } = useSignedIn();
  const staff = useOwnStaff(db, facility.id);
  const { referral } = props;
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
    <CommandForm
      referral={referral}
      command="arrange"
      testId="inbox-arrange"
      title={t('inbox.arrange.title')}
      fields={(errors) => (
        <>
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
        </>
      )}
      buttons={[
        {
          label: t('inbox.command.arrange'),
          primary: true,
          check: () => checkArrange({ ...form, accept: true }, new Date()),
        },
        {
          label: t('inbox.command.decline'),
          check: () => checkArrange({ ...form, accept: false }, new Date()),
        },
      ]}
    />
  );
}

function AttendPanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  return (
    <CommandForm
      referral={props.referral}
      command="attend"
      testId="inbox-attend"
      title={t('inbox.attend.title')}
      buttons={[
        { label: t('inbox.command.arrived'), primary: true, check: () => unchecked({ attended: true }) },
        { label: t('inbox.command.noShow'), check: () => unchecked({ attended: false }) },
      ]}
    />
  );
}

function CompletePanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const [summary, setSummary] = useState('');
  const id = `summary-${props.referral.id}`;
  return (
    <CommandForm
      referral={props.referral}
      command="complete"
      testId="inbox-complete"
      title={t('inbox.complete.title')}
      fields={(errors) => (
        <Field id={id} label={t('inbox.complete.summary')} error={errors.summary} required>
          <textarea id={id} rows={4} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </Field>
      )}
      buttons={[{ label: t('inbox.command.complete'), primary: true, check: () => checkComplete(summary) }]}
    />
  );
}

function ReturnPanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  return (
    <CommandForm
      referral={props.referral}
      command="return"
      testId="inbox-return"
      hint={t('inbox.return.hint')}
      buttons={[{ label: t('inbox.command.return'), check: () => unchecked({}) }]}
    />
  );
}

/** Feedback on a downward referral also books the rehabilitation visits, so it has its own write. */
function FeedbackPanel(props: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [form, setForm] = useState<FeedbackForm>({
    recovery: '',
    healthStatus: '',
    plan: '',
    followUps: [''],
  });
  const set = (patch: Partial<FeedbackForm>) => setForm({ ...form, ...patch });
  const p = `feedback-${props.referral.id}`;
  // One clock for the check (no follow-up in the past) and the write.
  const check = (): Checked<{ feedback: DownwardFeedback; now: Date }> => {
    const now = new Date();
    const checked = checkFeedback(form, now);
    return checked.ok ? { ok: true, value: { feedback: checked.value, now } } : checked;
  };
  return (
    <CommandForm
      referral={props.referral}
      command="feedback"
      testId="inbox-feedback-form"
      title={t('inbox.feedback.title')}
      write={({ feedback, now }) => recordDownwardFeedback(db, session, props.referral, feedback, now)}
      fields={(errors) => (
        <>
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
        </>
      )}
      buttons={[{ label: t('inbox.command.feedback'), primary: true, check }]}
    />
  );
}
