import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { divisionLabel } from '../../sync/protocol/identity/divisions';
import { ethnicityName } from '../../sync/protocol/identity/ethnicity';
import { can } from '../../sync/protocol/roles';
import type { PatientDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { WaitingMark } from '../sync/WaitingMark';
import { VitalsPanel } from '../vitals/VitalsPanel';
import { ageOn } from './age';
import { DeathDialog } from './DeathDialog';
import { MergeDialog } from './MergeDialog';
import type { PatientIndex } from './use-patient-index';

interface Props {
  patient: PatientDoc;
  patientIndex: PatientIndex;
  onEdit(): void;
  onChanged(patient: PatientDoc): void;
  onOpen(id: string): void;
}

export function PatientCard({ patient, patientIndex, onEdit, onChanged, onOpen }: Props) {
  const { t, i18n } = useTranslation();
  const { session } = useSignedIn();
  const [dialog, setDialog] = useState<'merge' | 'death' | null>(null);
  const editable = patient.status === 'active';
  const none = t('common.none');
  const rows: Array<[string, string]> = [
    ['idNumber', patient.idNumber ?? none],
    ['sex', t(`sex.${patient.sex}`)],
    ['birthDate', `${patient.birthDate} (${t('patients.age', { age: ageOn(patient.birthDate) })})`],
    ['phone', patient.phone ?? none],
    [
      'ethnicity',
      patient.ethnicity
        ? (ethnicityName(patient.ethnicity, i18n.language === 'en' ? 'en' : 'zh-CN') ?? patient.ethnicity)
        : none,
    ],
    [
      'divisionCode',
      patient.address.divisionCode
        ? (divisionLabel(patient.address.divisionCode) ?? patient.address.divisionCode)
        : none,
    ],
    ['addressDetail', patient.address.detail ?? none],
    ['healthCardToken', patient.healthCardToken ?? none],
    ['allergies', patient.allergies.join('、') || none],
    ['chronicConditions', patient.chronicConditions.join('、') || none],
  ];

  return (
    <section className="patient-card card" data-testid="patient-card" aria-labelledby="patient-name">
      <div className="card-head">
        <h2 id="patient-name">{patient.name}</h2>
        <span className="row-inline">
          <WaitingMark document={patient} />
          <span className={`badge status-${patient.status}`}>{t(`patients.status.${patient.status}`)}</span>
        </span>
      </div>
      {patient.status === 'deceased' && patient.death ? (
        <p className="notice">{t('patients.death.registered', { date: patient.death.date })}</p>
      ) : null}
      {patient.status === 'merged' && patient.mergedInto ? (
        <p className="notice">
          {t('patients.mergedInto')}{' '}
          <button type="button" onClick={() => onOpen(patient.mergedInto as string)}>
            {t('patients.openSurvivor')}
          </button>
        </p>
      ) : null}
      {!editable ? <p className="notice">{t('patients.readOnly')}</p> : null}
      <dl className="facts">
        {rows.map(([field, value]) => (
          <div key={field}>
            <dt>{t(`patient.field.${field}`)}</dt>
            <dd data-field={field}>{value}</dd>
          </div>
        ))}
        <div>
          <dt>{t('patients.history.title')}</dt>
          <dd data-field="mergedFrom">
            {patient.mergedFrom.length ? patient.mergedFrom.length : t('patients.history.none')}
          </dd>
        </div>
      </dl>
      {editable ? (
        <div className="row">
          {can(session.roles, 'patient.edit') ? (
            <button type="button" onClick={onEdit}>
              {t('common.edit')}
            </button>
          ) : null}
          {can(session.roles, 'patient.merge') ? (
            <button type="button" onClick={() => setDialog('merge')}>
              {t('patients.merge.action')}
            </button>
          ) : null}
          {can(session.roles, 'patient.register-death') ? (
            <button type="button" className="danger" onClick={() => setDialog('death')}>
              {t('patients.death.action')}
            </button>
          ) : null}
        </div>
      ) : null}
      {dialog === 'merge' ? (
        <MergeDialog
          survivor={patient}
          patientIndex={patientIndex}
          onClose={() => setDialog(null)}
          onMerged={onChanged}
        />
      ) : null}
      {dialog === 'death' ? (
        <DeathDialog patient={patient} onClose={() => setDialog(null)} onRegistered={onChanged} />
      ) : null}
      <VitalsPanel patient={patient} />
    </section>
  );
}
