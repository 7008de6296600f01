import { useTranslation } from 'react-i18next';
import { totalWaiting, useSync } from './sync-store';

/** The header's one-glance state of the county link. */
export function SyncIndicator(props: { onOpen?(): void }) {
  const { t } = useTranslation();
  const sync = useSync();
  if (!sync.linked) return null;
  const waiting = totalWaiting(sync);
  return (
    <button
      type="button"
      className={`sync-indicator ${sync.online ? 'is-online' : 'is-offline'}`}
      onClick={props.onOpen}
      data-testid="sync-indicator"
    >
      <span className="dot" aria-hidden="true" />
      {sync.online ? t('sync.online') : t('sync.offline')}
      {waiting > 0 ? ` · ${t('sync.waitingCount', { count: waiting })}` : ''}
    </button>
  );
}
