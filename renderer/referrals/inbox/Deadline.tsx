import { useTranslation } from 'react-i18next';
import { countdown } from './inbox';

/** The review's time left, in minutes and seconds; "no time limit" for a downward review. */
export function Deadline(props: { deadline: string | undefined; now: Date; running: boolean }) {
  const { t } = useTranslation();
  if (!props.running) return null;
  const left = countdown(props.deadline, props.now);
  if (!left) return <span className="inbox-deadline none">{t('inbox.noTimeLimit')}</span>;
  return (
    <span
      className={`inbox-deadline${left.urgent ? ' urgent' : ''}${left.overdue ? ' overdue' : ''}`}
      data-testid="inbox-countdown"
    >
      {left.overdue ? t('inbox.overdue') : t('inbox.timeLeft', { time: left.text })}
    </span>
  );
}
