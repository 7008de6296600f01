/** The fields a follow-up and a slot booking both ask for. */
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { PatientSearch } from '../patients/PatientSearch';
import { usePatientIndex } from '../patients/use-patient-index';

/** Who the booking is for: the picked patient with a button to pick again, else the search. */
export function PatientField(props: {
  /** Prefixes the ids and test ids: `<form>-patient`, `<form>-patient-search`. */
  form: string;
  patientId: string | undefined;
  onPick(patientId: string | undefined): void;
}) {
  const { t } = useTranslation();
  const { db } = useSignedIn();
  const patientIndex = usePatientIndex(db);
  const picked = props.patientId ? patientIndex.summaries.get(props.patientId) : undefined;
  return (
    <div className="field">
      <span className="note">{t('slots.book.patient')}</span>
      {picked ? (
        <div className="row-inline">
          <strong data-testid={`${props.form}-patient`}>{picked.name}</strong>
          <button type="button" onClick={() => props.onPick(undefined)}>
            {t('common.edit')}
          </button>
        </div>
      ) : (
        <PatientSearch
          patientIndex={patientIndex}
          inputId={`${props.form}-patient-search`}
          label={t('slots.book.pickPatient')}
          onOpen={props.onPick}
        />
      )}
    </div>
  );
}

/** A free note, as long as the record keeps (500). */
export function NoteField(props: { form: string; note: string; onChange(note: string): void }) {
  const { t } = useTranslation();
  const id = `${props.form}-note`;
  return (
    <Field id={id} label={t('slots.book.note')}>
      <input id={id} value={props.note} maxLength={500} onChange={(e) => props.onChange(e.target.value)} />
    </Field>
  );
}
