import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { notify } from './device-feed';
import { checkVitals, VITAL_FIELDS, type VitalField, type VitalsCheck, type VitalValues } from './ranges';
import { captureReadings } from './vitals-data';

const FIELDS: VitalField[] = ['systolic', 'diastolic', 'pulse', 'spo2', 'temperatureC'];

function parse(text: Record<VitalField, string>): VitalValues {
  const values: VitalValues = {};
  for (const field of VITAL_FIELDS) {
    const raw = text[field]?.trim();
    if (raw) values[field] = Number(raw.replace(',', '.'));
  }
  return values;
}

/** When no device is at hand: typed values, stored as manual, same ranges and confirm step. */
export function ManualEntry({ patient, onDone }: { patient: PatientDoc; onDone(): void }) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [text, setText] = useState<Record<VitalField, string>>({
    systolic: '',
    diastolic: '',
    mean: '',
    pulse: '',
    spo2: '',
    temperatureC: '',
  });
  const [check, setCheck] = useState<VitalsCheck>();
  const [confirming, setConfirming] = useState<VitalField[]>([]);
  const [busy, setBusy] = useState(false);

  async function save(confirm: boolean) {
    const values = parse(text);
    const result = checkVitals(values);
    setCheck(result);
    if (Object.keys(result.invalid).length > 0) return;
    if (result.outOfRange.length > 0 && !confirm) {
      setConfirming(result.outOfRange);
      return;
    }
    setBusy(true);
    try {
      await captureReadings(db, session, {
        patientId: patient.id,
        values,
        source: 'manual',
        confirmOutOfRange: confirm,
      });
      notify(patient.id, { kind: 'saved', deviceId: 'manual' });
      onDone();
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void save(false);
  }

  const formProblem = check?.invalid.form;
  return (
    <form className="manual-entry" onSubmit={submit} noValidate data-testid="manual-entry">
      <h4>{t('vitals.manual.title')}</h4>
      <div className="vitals-grid">
        {FIELDS.map((field) => {
          const problem = check?.invalid[field];
          return (
            <label key={field} className={problem ? 'field field-invalid' : 'field'}>
              <span>
                {t(`vitals.field.${field}`)} <small>{t(`vitals.unit.${field}`)}</small>
              </span>
              <input
                inputMode="decimal"
                value={text[field]}
                aria-invalid={Boolean(problem)}
                onChange={(event) => {
                  setText((current) => ({ ...current, [field]: event.target.value }));
                  setConfirming([]);
                }}
              />
              {problem ? <span className="form-error">{t(`vitals.problem.${problem}`)}</span> : null}
            </label>
          );
        })}
      </div>
      {formProblem ? <p className="form-error">{t(`vitals.problem.${formProblem}`)}</p> : null}
      {confirming.length > 0 ? (
        <div className="confirm-range" role="alert" data-testid="confirm-range">
          <p>
            {t('vitals.confirm.unusual', {
              fields: confirming.map((field) => t(`vitals.field.${field}`)).join('、'),
            })}
          </p>
          <div className="row">
            <button type="button" className="primary" disabled={busy} onClick={() => void save(true)}>
              {t('vitals.confirm.save')}
            </button>
            <button type="button" onClick={() => setConfirming([])}>
              {t('vitals.confirm.back')}
            </button>
          </div>
        </div>
      ) : (
        <div className="row">
          <button type="submit" className="primary" disabled={busy}>
            {t('vitals.manual.save')}
          </button>
          <button type="button" onClick={onDone}>
            {t('common.cancel')}
          </button>
        </div>
      )}
    </form>
  );
}
