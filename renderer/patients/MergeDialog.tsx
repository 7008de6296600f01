import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { PatientSearch } from './PatientSearch';
import { mergePatients } from './patient-registry';
import type { PatientIndex } from './use-patient-index';

export function MergeDialog(props: {
  survivor: PatientDoc;
  patientIndex: PatientIndex;
  onClose(): void;
  onMerged(patient: PatientDoc): void;
}) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [duplicateId, setDuplicateId] = useState<string | null>(null);
  const duplicate = duplicateId ? props.patientIndex.summaries.get(duplicateId) : undefined;

  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="merge-title">
      <div className="card">
        <h2 id="merge-title">{t('patients.merge.title')}</h2>
        <p className="intro">{t('patients.merge.intro')}</p>
        {duplicate ? (
          <p className="pick" data-testid="merge-pick">
            {duplicate.name} · {duplicate.birthDate} · {duplicate.idNumber ?? ''} {duplicate.phone ?? ''}
          </p>
        ) : (
          <PatientSearch
            patientIndex={props.patientIndex}
            onOpen={setDuplicateId}
            exclude={props.survivor.id}
            inputId="merge-search"
            label={t('patients.merge.pick')}
          />
        )}
        <div className="row">
          <button
            type="button"
            className="primary"
            disabled={!duplicateId}
            onClick={async () => {
              if (!duplicateId) return;
              props.onMerged(await mergePatients(db, session, props.survivor.id, duplicateId));
              props.onClose();
            }}
          >
            {t('patients.merge.confirm')}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
