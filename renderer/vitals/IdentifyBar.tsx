import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../sync/protocol/roles';
import { useSignedIn } from '../app/app-store';
import { connectBridge } from '../bridge/connect';
import type { PatientInput } from '../patients/patient-input';
import { useVitals } from './device-feed';
import { findByHealthCard, findByIdNumber, inputFromCard, inputFromHealthCard } from './identify';

interface Props {
  onFound(id: string): void;
  /** An unknown card or health card: registration, prefilled; `null` when the role may not register. */
  onUnknown(initial: PatientInput, source: 'idcard' | 'healthcard'): void;
}

/** Pick the patient by reading the ID card, or by scanning the health-card QR (serial scanner). */
export function IdentifyBar({ onFound, onUnknown }: Props) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const statuses = useVitals((state) => state.statuses);
  const scan = useVitals((state) => state.scan);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const reader = statuses.find((status) => status.kind === 'idcard');
  const mayRegister = can(session.roles, 'patient.register');
  const callbacks = useRef({ onFound, onUnknown });
  callbacks.current = { onFound, onUnknown };

  useEffect(() => {
    if (!scan) return;
    // Taken once: the scan that brought the nurse to this screen is handled here, exactly once.
    useVitals.setState({ scan: undefined });
    void (async () => {
      const id = await findByHealthCard(db, scan.token);
      if (id) {
        setMessage(undefined);
        callbacks.current.onFound(id);
      } else if (mayRegister) {
        setMessage('unknownHealthCard');
        callbacks.current.onUnknown(inputFromHealthCard(scan.token), 'healthcard');
      } else setMessage('unknownNoRegister');
    })();
  }, [scan, db, mayRegister]);

  async function readCard() {
    if (!reader) return;
    setBusy(true);
    setMessage(undefined);
    try {
      const outcome = await connectBridge().devices.readCard(reader.id);
      if (!outcome.ok) {
        setMessage(outcome.reason === 'no-card' ? 'noCard' : 'readFailed');
        return;
      }
      const id = await findByIdNumber(db, outcome.person.idNumber);
      if (id) callbacks.current.onFound(id);
      else if (mayRegister) {
        setMessage('unknownCard');
        callbacks.current.onUnknown(inputFromCard(outcome.person), 'idcard');
      } else setMessage('unknownNoRegister');
    } finally {
      setBusy(false);
    }
  }

  if (!reader && !statuses.some((status) => status.kind === 'qr')) return null;
  return (
    <div className="identify" data-testid="identify">
      {reader ? (
        <button type="button" onClick={() => void readCard()} disabled={busy || reader.state !== 'connected'}>
          {busy ? t('vitals.identify.reading') : t('vitals.identify.readCard')}
        </button>
      ) : null}
      {statuses.some((status) => status.kind === 'qr') ? (
        <span className="note">{t('vitals.identify.scanHint')}</span>
      ) : null}
      {message ? (
        <p
          className={message.startsWith('unknown') ? 'note' : 'warn'}
          role="status"
          data-testid="identify-message"
        >
          {t(`vitals.identify.${message}`)}
        </p>
      ) : null}
    </div>
  );
}
