import { useTranslation } from 'react-i18next';
import { totalWaiting, useSync } from './sync-store';
import { currentCountySync } from './use-county-sync';

/**
 * The header's one-glance state of the county link. An admin opens the sync
 * page from it; anyone else wakes the sync from it, so a doctor who just
 * printed a slip after an outage need not wait out the back-off.
 */
export function SyncIndicator(props: { onOpen?(): void }) {
  const { t } = useTranslation();
  const sync = useSync();
  if (!sync.linked) return null;
  const waiting = totalWaiting(sync);
  return (
    <button
      type="button"
      className={`sync-indicator ${sync.online ? 'is-online' : 'is-offline'}`}
      onClick={props.onOpen ?? (() => currentCountySync()?.syncNow())}
      title={props.onOpen ? undefined : t('sync.now')}
      data-testid="sync-indicator"
    >
      <span className="dot" aria-hidden="true" />
      {sync.online ? t('sync.online') : t('sync.offline')}
      {waiting > 0 ? ` · ${t('sync.waitingCount', { count: waiting })}` : ''}
    </button>
  );
}
