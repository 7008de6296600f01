import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../sync/protocol/roles';
import type { PatientDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { IdentifyBar } from '../vitals/IdentifyBar';
import { PatientCard } from './PatientCard';
import { PatientForm } from './PatientForm';
import { PatientSearch } from './PatientSearch';
import { inputFromPatient, type PatientInput } from './patient-input';
import { readPatient } from './patient-registry';
import { usePatientIndex } from './use-patient-index';

type View =
  | { kind: 'none' }
  | { kind: 'new'; initial?: PatientInput; seq?: number }
  | { kind: 'open'; patient: PatientDoc }
  | { kind: 'edit'; patient: PatientDoc };

export function PatientsPage() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const patientIndex = usePatientIndex(db);
  const [view, setView] = useState<View>({ kind: 'none' });
  const mayRegister = can(session.roles, 'patient.register');

  const open = async (id: string) => setView({ kind: 'open', patient: await readPatient(db, session, id) });
  const startNew = () => mayRegister && setView({ kind: 'new' });

  return (
    <div className="patients">
      <aside className="patients-side">
        <PatientSearch patientIndex={patientIndex} onOpen={(id) => void open(id)} onNew={startNew} />
        <IdentifyBar
          onFound={(id) => void open(id)}
          onUnknown={(initial) => setView({ kind: 'new', initial, seq: Date.now() })}
        />
        {mayRegister ? (
          <button type="button" className="primary new-patient" onClick={startNew}>
            {t('patients.new')}
          </button>
        ) : null}
      </aside>
      <section className="patients-main">
        {view.kind === 'new' ? (
          <PatientForm
            key={view.seq ?? 'new'}
            initial={view.initial}
            patientIndex={patientIndex}
            onSaved={(patient) => setView({ kind: 'open', patient })}
            onOpen={(id) => void open(id)}
            onCancel={() => setView({ kind: 'none' })}
          />
        ) : null}
        {view.kind === 'edit' ? (
          <PatientForm
            key={view.patient.id}
            editing={view.patient}
            initial={inputFromPatient(view.patient)}
            patientIndex={patientIndex}
            onSaved={(patient) => setView({ kind: 'open', patient })}
            onOpen={(id) => void open(id)}
            onCancel={() => setView({ kind: 'open', patient: view.patient })}
          />
        ) : null}
        {view.kind === 'open' ? (
          <PatientCard
            key={view.patient.id}
            patient={view.patient}
            patientIndex={patientIndex}
            onEdit={() => setView({ kind: 'edit', patient: view.patient })}
            onChanged={(patient) => setView({ kind: 'open', patient })}
            onOpen={(id) => void open(id)}
          />
        ) : null}
      </section>
    </div>
  );
}
