import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { RegistryError, registerDeath } from './patient-registry';

export function DeathDialog(props: {
  patient: PatientDoc;
  onClose(): void;
  onRegistered(patient: PatientDoc): void;
}) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [date, setDate] = useState('');
  const [cause, setCause] = useState('');
  const [error, setError] = useState<string>();

  async function confirm() {
    try {
      props.onRegistered(await registerDeath(db, session, props.patient.id, { date, cause }));
      props.onClose();
    } catch (failure) {
      if (failure instanceof RegistryError) setError(failure.fieldErrors.deathDate ?? failure.message);
      else throw failure;
    }
  }

  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="death-title">
      <div className="card">
        <h2 id="death-title">
          {t('patients.death.title')}: {props.patient.name}
        </h2>
        <Field id="deathDate" label={t('patients.death.date')} error={error} hint="YYYY-MM-DD" required>
          <input id="deathDate" value={date} onChange={(event) => setDate(event.target.value)} autoFocus />
        </Field>
        <Field id="deathCause" label={t('patients.death.cause')}>
          <input id="deathCause" value={cause} onChange={(event) => setCause(event.target.value)} />
        </Field>
        <div className="row">
          <button type="button" className="danger" onClick={() => void confirm()} disabled={!date}>
            {t('patients.death.confirm')}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
