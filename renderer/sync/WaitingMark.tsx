import { useTranslation } from 'react-i18next';
import { useSync } from './sync-store';

/** On a record that the county has not stored yet (only where this PC syncs at all). */
export function WaitingMark(props: { document: { countySeq?: number } }) {
  const { t } = useTranslation();
  const linked = useSync((state) => state.linked);
  if (!linked || props.document.countySeq !== undefined) return null;
  return (
    <span className="badge waiting" title={t('sync.notYetAtCounty')} data-testid="waiting-mark">
      {t('sync.waitingShort')}
    </span>
  );
}
