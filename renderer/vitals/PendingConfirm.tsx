import { useTranslation } from 'react-i18next';
import { confirmPending, discardPending, type PendingConfirm } from './device-feed';

/** A device reading outside the plausible range: stored only when the nurse confirms it. */
export function PendingConfirmBox({
  pending,
  showPatient,
}: {
  pending: PendingConfirm;
  showPatient?: boolean;
}) {
  const { t } = useTranslation();
  const v = pending.values;
  return (
    <div className="confirm-range" role="alert" data-testid="confirm-range">
      <p>
        {showPatient ? <strong>{pending.patientName} · </strong> : null}
        {v.systolic !== undefined ? `${v.systolic}/${v.diastolic} mmHg ` : ''}
        {v.pulse !== undefined ? `${t('vitals.field.pulse')} ${v.pulse} ` : ''}
        {v.spo2 !== undefined ? `SpO₂ ${v.spo2}% ` : ''}({pending.deviceId})
      </p>
      <p>
        {t('vitals.confirm.unusual', {
          fields: pending.outOfRange.map((field) => t(`vitals.field.${field}`)).join('、'),
        })}
      </p>
      <div className="row">
        <button type="button" className="primary" onClick={() => void confirmPending(pending.id)}>
          {t('vitals.confirm.save')}
        </button>
        <button type="button" onClick={() => discardPending(pending.id)}>
          {t('vitals.confirm.discard')}
        </button>
      </div>
    </div>
  );
}
