import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ReferralCommandDoc } from '../../sync/protocol/schema';
import { localTime } from '../vitals/format';

/** What a command carried, in a few words (targets by name, a decision, a note). */
export function commandSummary(
  command: ReferralCommandDoc,
  names: ReadonlyMap<string, string>,
  t: TFunction,
): string {
  const p = command.payload;
  const parts: string[] = [];
  if (Array.isArray(p.targetFacilityIds))
    parts.push(p.targetFacilityIds.map((id) => names.get(String(id)) ?? String(id)).join('、'));
  const decision =
    p.decision ??
    (command.command === 'approve' || command.command === 'reject' ? command.command : undefined);
  if (decision === 'approve' || decision === 'reject') parts.push(t(`referral.decision.${decision}`));
  if (typeof p.level === 'number') parts.push(t('referral.history.level', { level: p.level }));
  if (typeof p.attended === 'boolean')
    parts.push(t(p.attended ? 'referral.history.attended' : 'referral.history.notAttended'));
  for (const key of ['note', 'reason', 'summary'] as const)
    if (typeof p[key] === 'string' && p[key]) parts.push(String(p[key]));
  return parts.join(' · ');
}

/**
 * The referral's full history: every command, who sent it and when, and the
 * county's outcome. A refusal is worded from its code (the gateway's English
 * sentence is kept as the tooltip, for the county's support staff).
 */
export function ReferralHistory(props: {
  commands: ReferralCommandDoc[];
  names: ReadonlyMap<string, string>;
}) {
  const { t } = useTranslation();
  if (props.commands.length === 0) return <p className="note">{t('referral.history.empty')}</p>;
  return (
    <ol className="referral-history" data-testid="referral-history">
      {props.commands.map((command) => {
        const outcome = command.outcome;
        const status = outcome?.status ?? 'waiting';
        return (
          <li key={command.id} className={`history-${status}`} data-testid="history-entry">
            <div className="history-head">
              <span className="history-command">
                {t(`referral.command.${command.command}`, { defaultValue: command.command })}
              </span>
              <span className="note">
                {localTime(command.createdAt)} · {props.names.get(command.facilityId) ?? command.facilityId}
              </span>
            </div>
            {commandSummary(command, props.names, t) ? (
              <div className="history-payload">{commandSummary(command, props.names, t)}</div>
            ) : null}
            <div className="history-outcome" title={outcome?.message}>
              {status === 'waiting' ? (
                <span className="badge waiting">{t('referral.history.waiting')}</span>
              ) : status === 'applied' ? (
                <span className="badge ok">
                  {t('referral.history.applied', { at: localTime(outcome?.appliedAt as string) })}
                </span>
              ) : (
                <>
                  <span className="badge danger">{t('referral.history.refused')}</span>{' '}
                  {t(`referral.refusal.${outcome?.reason}`, { defaultValue: outcome?.message ?? '' })}
                </>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
