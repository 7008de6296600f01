import { useTranslation } from 'react-i18next';
import { totalWaiting, useSync } from './sync-store';
import { currentCountySync } from './use-county-sync';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What a clinic admin needs to know about the link to the county, in plain words. */
export function SyncPage() {
  const { t } = useTranslation();
  const sync = useSync();
  const waiting = totalWaiting(sync);
  const total = sync.pulled + sync.remaining;
  const percent = total > 0 ? Math.round((sync.pulled / total) * 100) : 100;
  // A problem that a later success has put behind us is not news.
  const currentError =
    sync.lastError && (!sync.lastSuccessAt || sync.lastError.at > sync.lastSuccessAt)
      ? sync.lastError
      : undefined;

  return (
    <div className="sync-page">
      <h1>{t('sync.title')}</h1>
      {!sync.linked ? (
        <p className="notice" data-testid="sync-not-linked">
          {t('sync.notLinked')}
        </p>
      ) : (
        <section
          className="card sync-card"
          data-testid="sync-panel"
          data-pulled={sync.pulled}
          data-remaining={sync.remaining}
        >
          <dl className="facts">
            <div>
              <dt>{t('sync.status')}</dt>
              <dd data-testid="sync-status" className={sync.online ? 'ok' : 'warn'}>
                {sync.online ? t('sync.online') : t('sync.offline')}
              </dd>
            </div>
            <div>
              <dt>{t('sync.lastSuccess')}</dt>
              <dd>{sync.lastSuccessAt ? new Date(sync.lastSuccessAt).toLocaleString() : t('sync.never')}</dd>
            </div>
            <div>
              <dt>{t('sync.waiting')}</dt>
              <dd data-testid="sync-waiting">{t('sync.waitingCount', { count: waiting })}</dd>
            </div>
            <div>
              <dt>{t('sync.bytes')}</dt>
              <dd>
                ↑ {formatBytes(sync.bytesUp)} · ↓ {formatBytes(sync.bytesDown)}
              </dd>
            </div>
          </dl>
          {sync.remaining > 0 ? (
            <div className="progress" data-testid="sync-progress">
              <div className="progress-label">{t('sync.progress', { done: sync.pulled, total })}</div>
              <progress max={total} value={sync.pulled}>
                {percent}%
              </progress>
            </div>
          ) : null}
          {currentError ? (
            <div className="sync-error" role="status" data-testid="sync-last-error">
              <strong>{t('sync.lastError')}</strong>{' '}
              {t(`sync.error.${currentError.code}`, { defaultValue: currentError.message })}{' '}
              <span className="note">({new Date(currentError.at).toLocaleTimeString()})</span>
              {sync.nextRetryAt ? (
                <div className="note">
                  {t('sync.nextRetry', { at: new Date(sync.nextRetryAt).toLocaleTimeString() })}
                </div>
              ) : null}
            </div>
          ) : null}
          {Object.entries(sync.waiting).some(([, n]) => n > 0) ? (
            <ul className="waiting-list">
              {Object.entries(sync.waiting)
                .filter(([, n]) => n > 0)
                .map(([collection, n]) => (
                  <li key={collection}>
                    {t(`sync.collection.${collection}`)}: {n}
                  </li>
                ))}
            </ul>
          ) : null}
          <div className="row">
            <button type="button" className="primary" onClick={() => currentCountySync()?.syncNow()}>
              {t('sync.now')}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
