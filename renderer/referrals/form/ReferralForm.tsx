import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type FacilityDoc,
  type PatientDoc,
  REFERRAL_DIRECTIONS,
  REFERRAL_TYPES,
  type ReadingDoc,
  type ReferralDoc,
  type VisitDoc,
} from '../../../sync/protocol/schema';
import { Field } from '../../app/Field';
import type { Session } from '../../auth/session';
import { ageOn } from '../../patients/age';
import { BookingRefused } from '../../slots/booking';
import { reachCounty } from '../../slots/overnight-scheduler';
import type { ClinicDatabase } from '../../store/database';
import { useSync } from '../../sync/sync-store';
import { DiagnosisPicker } from '../icd10/DiagnosisPicker';
import { ReferralCommandError } from '../referral-commands';
import { ReferralInputError, SlotRefusedByCounty, saveDraft, submitReferral } from '../referral-drafts';
import { AttachmentsField, ConsentField, useAttachments } from './AttachmentsField';
import { autofill, type ReadingLine } from './autofill';
import {
  emptyReferralInput,
  type FieldProblem,
  LIMITS,
  levelGap,
  maxTargets,
  type ReferralErrors,
  type ReferralField,
  type ReferralInput,
  slotBooking,
} from './referral-input';
import { TargetChooser } from './TargetChooser';

interface Props {
  db: ClinicDatabase;
  session: Session;
  referrer: FacilityDoc;
  facilities: ReadonlyMap<string, FacilityDoc>;
  referralId: string;
  patient: PatientDoc;
  /** The referral being edited or re-sent; none for a new one. */
  existing?: ReferralDoc;
  onDone(referralId: string): void;
  onCancel(): void;
}

export function inputFromReferral(referral: ReferralDoc): ReferralInput {
  return {
    ...emptyReferralInput(referral.patientId),
    visitId: referral.visitId,
    type: referral.type,
    direction: referral.direction,
    targetFacilityIds: [...referral.targetFacilityIds],
    reason: referral.reason,
    careBeforeReferral: referral.careBeforeReferral ?? '',
    diagnoses: referral.diagnoses.map(({ code, name }) => ({ code, name })),
    chiefComplaint: referral.chiefComplaint ?? '',
    presentIllness: referral.presentIllness ?? '',
    special: referral.special ?? false,
    specialReason: referral.specialReason ?? '',
    slotId: referral.slotId,
    attachmentIds: [...referral.attachmentIds],
    consentAttachmentId: referral.consentAttachmentId,
  };
}

function problemKey(problem: FieldProblem): string {
  return ['required', 'too-long', 'duplicate'].includes(problem)
    ? `referral.problem.${problem}`
    : `referral.refusal.${problem}`;
}

/**
 * The referral form (转诊申请): filled from the patient's latest visit and
 * readings, saved as a draft at any time, submitted when complete. A
 * rejected referral opens here to be re-sent to another institution: its
 * type, direction and special mark stay as first sent.
 */
export function ReferralForm(props: Props) {
  const { t } = useTranslation();
  const { db, session, referrer, facilities, referralId, patient, existing } = props;
  const resend = existing !== undefined && existing.state !== 'draft';
  const [input, setInput] = useState<ReferralInput>(() => {
    if (!existing) return emptyReferralInput(patient.id);
    const fromDoc = inputFromReferral(existing);
    return resend ? { ...fromDoc, targetFacilityIds: [], slotId: undefined } : fromDoc;
  });
  const [errors, setErrors] = useState<ReferralErrors>({});
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [slotRefresh, setSlotRefresh] = useState(0);
  const online = useSync((state) => state.linked && state.online);
  const attachments = useAttachments(db, referralId);

  useEffect(() => {
    if (existing) return;
    let live = true;
    void (async () => {
      const visits = (await db.visits.find({ selector: { patientId: patient.id } }).exec()).map(
        (doc) => doc.toJSON() as VisitDoc,
      );
      const readings = (await db.readings.find({ selector: { patientId: patient.id } }).exec()).map(
        (doc) => doc.toJSON() as ReadingDoc,
      );
      if (!live) return;
      const describe = (line: ReadingLine) =>
        `${t(`referral.reading.${['bp', 'spo2', 'temperature'].includes(line.kind) ? line.kind : 'other'}`, {
          ...line.values,
          kind: line.kind,
          values: Object.values(line.values).join('/'),
        })}（${line.measuredAt.slice(5, 10)}）`;
      setInput((current) =>
        autofill(current, { visits, readings, describe, readingsHeading: t('referral.reading.heading') }),
      );
    })();
    return () => {
      live = false;
    };
  }, [db, patient.id, existing, t]);

  const set = (patch: Partial<ReferralInput>) => {
    setInput((current) => {
      const next = { ...current, ...patch };
      const limit = maxTargets(next.type, next.direction);
      if (patch.direction && patch.direction !== current.direction) next.targetFacilityIds = [];
      // Which slots fit depends on the type and direction: a slot chosen for the old ones is let go.
      if (next.type !== current.type || next.direction !== current.direction) {
        next.slotId = undefined;
        next.onlineSlot = undefined;
      }
      if (next.targetFacilityIds.length > limit)
        next.targetFacilityIds = next.targetFacilityIds.slice(0, limit);
      return next;
    });
    setErrors({});
  };

  // The form's attachments are whatever is stored for this referral now.
  const current = (): ReferralInput => ({
    ...input,
    attachmentIds: attachments.filter((a) => a.kind !== 'consent').map((a) => a.id),
    consentAttachmentId: attachments.filter((a) => a.kind === 'consent').at(-1)?.id,
  });
  const error = (field: ReferralField) =>
    errors[field] ? problemKey(errors[field] as FieldProblem) : undefined;
  const skips = input.targetFacilityIds.some((id) => {
    const target = facilities.get(id);
    return target !== undefined && levelGap(referrer, target) > 1;
  });

  const run = async (work: () => Promise<unknown>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await work();
      props.onDone(referralId);
    } catch (caught) {
      if (caught instanceof ReferralInputError) setErrors(caught.errors);
      else if (caught instanceof BookingRefused || caught instanceof SlotRefusedByCounty) {
        // Nothing was sent; the slot is let go and the lists read again, so another can be picked.
        setMessage(
          t('referral.slot.refused', {
            reason: t(`slots.refusal.${caught.code}`, { defaultValue: caught.message }),
          }),
        );
        setInput((current) => ({ ...current, slotId: undefined, onlineSlot: undefined }));
        setSlotRefresh((n) => n + 1);
      } else if (caught instanceof ReferralCommandError) setMessage(t('referral.detail.notNow'));
      else setMessage(String(caught));
    } finally {
      setBusy(false);
    }
  };
  const save = () => run(() => saveDraft(db, session, referrer, referralId, current()));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      // Offline, an online slot is kept waiting and confirmed once the link is back.
      const county = online ? await reachCounty(session.userId).catch(() => null) : null;
      return submitReferral(db, session, { referrer, facilities }, referralId, current(), { county });
    });
  };
  const ensureDraft = async () => {
    if (!(await db.referrals.findOne(referralId).exec()))
      await saveDraft(db, session, referrer, referralId, current());
  };

  const text = (
    field: 'reason' | 'careBeforeReferral' | 'chiefComplaint' | 'presentIllness',
    rows: number,
    required = false,
  ) => (
    <Field
      id={`referral-${field}`}
      label={t(`referral.field.${field}`)}
      error={error(field)}
      required={required}
    >
      <textarea
        id={`referral-${field}`}
        rows={rows}
        maxLength={LIMITS[field]}
        value={input[field]}
        onChange={(e) => set({ [field]: e.target.value })}
      />
    </Field>
  );

  return (
    <form className="referral-form card" onSubmit={submit} noValidate data-testid="referral-form">
      <div className="card-head">
        <h2>
          {resend
            ? t('referral.form.resendTitle')
            : existing
              ? t('referral.form.editTitle')
              : t('referral.form.title')}
        </h2>
        {existing ? <span className="mono">{existing.serialNo}</span> : null}
      </div>
      {resend && existing?.stateReason ? (
        <p className="notice warn" role="status">
          {t('referral.form.resendWhy', { reason: existing.stateReason })}
        </p>
      ) : null}

      <section className="referral-patient" data-testid="referral-patient">
        <h3>{t('referral.form.patient')}</h3>
        <dl className="facts">
          <dt>{t('referral.patient.name')}</dt>
          <dd>{patient.name}</dd>
          <dt>{t('referral.patient.sexAge')}</dt>
          <dd>
            {t(`sex.${patient.sex}`)} · {t('patients.age', { age: ageOn(patient.birthDate) })}
          </dd>
          {patient.idNumber ? (
            <>
              <dt>{t('referral.patient.idNumber')}</dt>
              <dd className="mono">{patient.idNumber}</dd>
            </>
          ) : null}
          {patient.phone ? (
            <>
              <dt>{t('referral.patient.phone')}</dt>
              <dd className="mono">{patient.phone}</dd>
            </>
          ) : null}
          {patient.allergies.length > 0 ? (
            <>
              <dt>{t('referral.patient.allergies')}</dt>
              <dd>{patient.allergies.join('、')}</dd>
            </>
          ) : null}
        </dl>
      </section>

      <section>
        <h3>{t('referral.form.where')}</h3>
        <div className="grid">
          <fieldset className="choice" disabled={resend}>
            <legend>{t('referral.field.type')}</legend>
            {REFERRAL_TYPES.map((type) => (
              <label key={type}>
                <input
                  type="radio"
                  name="referral-type"
                  checked={input.type === type}
                  onChange={() => set({ type })}
                />
                {t(`referral.type.${type}`)}
              </label>
            ))}
          </fieldset>
          <fieldset className="choice" disabled={resend}>
            <legend>{t('referral.field.direction')}</legend>
            {REFERRAL_DIRECTIONS.map((direction) => (
              <label key={direction}>
                <input
                  type="radio"
                  name="referral-direction"
                  checked={input.direction === direction}
                  onChange={() => set({ direction })}
                />
                {t(`referral.direction.${direction}`)}
              </label>
            ))}
          </fieldset>
        </div>
        <Field id="referral-targets" label={t('referral.field.targets')} error={error('targets')} required>
          <TargetChooser
            db={db}
            userId={session.userId}
            referralId={referralId}
            referrer={referrer}
            facilities={facilities}
            input={input}
            onChange={set}
            previous={resend ? existing?.targets : undefined}
            invalid={errors.targets !== undefined}
            slotRefresh={slotRefresh}
          />
        </Field>
        {input.direction === 'up' && (skips || input.special) ? (
          <div className="special">
            <label className="check">
              <input
                type="checkbox"
                checked={input.special}
                disabled={resend}
                onChange={(e) => set({ special: e.target.checked })}
              />
              {t('referral.field.special')}
            </label>
            <Field
              id="referral-specialReason"
              label={t('referral.field.specialReason')}
              error={error('specialReason')}
              hint={t('referral.special.hint')}
              required={input.special}
            >
              <input
                id="referral-specialReason"
                maxLength={LIMITS.specialReason}
                value={input.specialReason}
                disabled={resend}
                onChange={(e) => set({ specialReason: e.target.value })}
              />
            </Field>
          </div>
        ) : null}
      </section>

      <section>
        <h3>{t('referral.form.clinical')}</h3>
        <Field
          id="referral-diagnoses"
          label={t('referral.field.diagnoses')}
          error={error('diagnoses')}
          required
        >
          <DiagnosisPicker
            id="referral-diagnoses"
            value={input.diagnoses}
            onChange={(diagnoses) => set({ diagnoses })}
            invalid={errors.diagnoses !== undefined}
          />
        </Field>
        {text('chiefComplaint', 2)}
        {text('presentIllness', 4)}
        {text('reason', 3, true)}
        {text('careBeforeReferral', 3)}
      </section>

      <section>
        <h3>{t('referral.form.attachments')}</h3>
        <AttachmentsField
          db={db}
          session={session}
          referralId={referralId}
          attachments={attachments}
          beforeAttach={ensureDraft}
        />
      </section>

      <section>
        <h3>
          {t('referral.form.consent')}
          <span className="required" aria-hidden="true">
            {' *'}
          </span>
        </h3>
        <ConsentField
          db={db}
          session={session}
          referralId={referralId}
          attachments={attachments}
          beforeAttach={ensureDraft}
          invalid={errors.consent !== undefined}
        />
        {errors.consent ? (
          <div className="field-error" role="alert">
            {t(problemKey(errors.consent))}
          </div>
        ) : null}
      </section>

      {errors.form ? (
        <p className="form-error" role="alert">
          {t(problemKey(errors.form))}
        </p>
      ) : null}
      {message ? (
        <p className="form-error" role="alert" data-testid="referral-form-message">
          {message}
        </p>
      ) : null}
      {busy && slotBooking(input)?.mode === 'online' && online ? (
        <p className="note" role="status">
          {t('referral.slot.locking')}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy} data-testid="referral-submit">
          {resend ? t('referral.form.resend') : t('referral.form.submit')}
        </button>
        {resend ? null : (
          <button type="button" disabled={busy} onClick={() => void save()} data-testid="referral-save">
            {t('referral.form.saveDraft')}
          </button>
        )}
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
      <p className="field-hint">{t('referral.form.offlineHint')}</p>
    </form>
  );
}
