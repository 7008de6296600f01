import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ETHNICITIES, ethnicityName } from '../../sync/protocol/identity/ethnicity';
import { parseIdNumber } from '../../sync/protocol/identity/id-number';
import { type PatientDoc, SEXES } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { DivisionPicker } from './DivisionPicker';
import {
  EMPTY_PATIENT_INPUT,
  type FieldErrors,
  type PatientInput,
  validatePatientInput,
} from './patient-input';
import { editPatient, RegistryError, registerPatient } from './patient-registry';
import { findDuplicateCandidates } from './search';
import type { PatientIndex } from './use-patient-index';

interface Props {
  initial?: PatientInput;
  editing?: PatientDoc;
  patientIndex: PatientIndex;
  onSaved(patient: PatientDoc): void;
  onOpen(id: string): void;
  onCancel(): void;
}

type Duplicate = { id: string; reason: 'same-id-number' | 'same-name-and-birth-date' };

export function PatientForm({ initial, editing, patientIndex, onSaved, onOpen, onCancel }: Props) {
  const { t, i18n } = useTranslation();
  const { db, session } = useSignedIn();
  const [input, setInput] = useState<PatientInput>(initial ?? EMPTY_PATIENT_INPUT);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [duplicates, setDuplicates] = useState<Duplicate[]>([]);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof PatientInput>(field: K, value: PatientInput[K]) => {
    setInput((current) => ({ ...current, [field]: value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };

  /** When a valid ID number is typed, blank birth date and sex fill themselves. */
  function onIdNumberBlur() {
    const parsed = parseIdNumber(input.idNumber);
    if (!input.idNumber.trim()) return;
    if (!parsed.ok) {
      setErrors((current) => ({ ...current, idNumber: `patient.error.idNumber.${parsed.problem}` }));
      return;
    }
    setInput((current) => ({
      ...current,
      birthDate: current.birthDate || parsed.value.birthDate,
      sex: current.sex || parsed.value.sex,
    }));
  }

  async function save(confirmedNotDuplicate: boolean) {
    const result = validatePatientInput(input);
    if (!result.ok) {
      setErrors(result.errors);
      document.getElementById(Object.keys(result.errors)[0] ?? '')?.focus();
      return;
    }
    if (!editing && !confirmedNotDuplicate) {
      const found = findDuplicateCandidates(
        { name: result.value.name, birthDate: result.value.birthDate, idNumber: result.value.idNumber },
        patientIndex.index,
      );
      if (found.length > 0) {
        setDuplicates(found);
        return;
      }
    }
    setBusy(true);
    try {
      const saved = editing
        ? await editPatient(db, session, editing.id, input)
        : await registerPatient(db, session, input);
      onSaved(saved);
    } catch (error) {
      if (error instanceof RegistryError && error.problem === 'validation') setErrors(error.fieldErrors);
      else throw error;
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void save(false);
  }

  const text = (
    field: keyof PatientInput,
    extra: { hint?: string; required?: boolean; type?: string; inputMode?: 'numeric' | 'tel' } = {},
  ) => (
    <Field
      id={field}
      label={t(`patient.field.${field}`)}
      error={errors[field]}
      hint={extra.hint}
      required={extra.required}
    >
      <input
        id={field}
        type={extra.type ?? 'text'}
        inputMode={extra.inputMode}
        value={input[field]}
        aria-invalid={Boolean(errors[field])}
        aria-describedby={errors[field] ? `${field}-error` : undefined}
        onChange={(event) => set(field, event.target.value as never)}
        onBlur={field === 'idNumber' ? onIdNumberBlur : undefined}
        autoComplete="off"
      />
    </Field>
  );

  return (
    <form className="patient-form card" onSubmit={submit} noValidate>
      <h2>{editing ? t('patients.editTitle') : t('patients.register')}</h2>
      <div className="grid">
        {text('name', { required: true })}
        {text('idNumber', { hint: t('patient.hint.idNumber') })}
        <Field id="sex" label={t('patient.field.sex')} error={errors.sex} required>
          <select
            id="sex"
            value={input.sex}
            onChange={(event) => set('sex', event.target.value as PatientInput['sex'])}
            aria-invalid={Boolean(errors.sex)}
          >
            <option value="">{t('patient.choose')}</option>
            {SEXES.map((sex) => (
              <option key={sex} value={sex}>
                {t(`sex.${sex}`)}
              </option>
            ))}
          </select>
        </Field>
        {text('birthDate', { required: true, type: 'text', hint: 'YYYY-MM-DD' })}
        {text('phone', { inputMode: 'tel' })}
        <Field id="ethnicity" label={t('patient.field.ethnicity')} error={errors.ethnicity}>
          <select
            id="ethnicity"
            value={input.ethnicity}
            onChange={(event) => set('ethnicity', event.target.value)}
          >
            <option value="">{t('patient.choose')}</option>
            {ETHNICITIES.map((entry) => (
              <option key={entry.code} value={entry.code}>
                {ethnicityName(entry.code, i18n.language === 'en' ? 'en' : 'zh-CN')}
              </option>
            ))}
          </select>
        </Field>
        <Field id="divisionCode" label={t('patient.field.divisionCode')} error={errors.divisionCode}>
          <DivisionPicker
            id="divisionCode"
            value={input.divisionCode}
            onChange={(code) => set('divisionCode', code)}
            invalid={Boolean(errors.divisionCode)}
          />
        </Field>
        {text('addressDetail')}
        {text('healthCardToken')}
        {text('allergies', { hint: t('patient.hint.list') })}
        {text('chronicConditions', { hint: t('patient.hint.list') })}
      </div>
      {duplicates.length > 0 ? (
        <div className="duplicates" role="alert" data-testid="duplicate-warning">
          <h3>{t('patients.duplicates.title')}</h3>
          <ul>
            {duplicates.map((duplicate) => {
              const patient = patientIndex.summaries.get(duplicate.id);
              return (
                <li key={duplicate.id}>
                  {patient?.name} {patient?.birthDate} — {t(`patients.duplicates.${duplicate.reason}`)}{' '}
                  <button type="button" onClick={() => onOpen(duplicate.id)}>
                    {t('patients.duplicates.open')}
                  </button>
                </li>
              );
            })}
          </ul>
          <button type="button" onClick={() => void save(true)}>
            {t('patients.duplicates.registerAnyway')}
          </button>
        </div>
      ) : null}
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
