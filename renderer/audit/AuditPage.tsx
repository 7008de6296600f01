import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { recentAudit } from './audit-log';

/** Details are stored as plain codes (never patient data); they are worded here, in the reader's language. */
function describeDetail(entry: AuditDoc, t: TFunction): string {
  const detail = entry.detail;
  if (!detail) return '';
  const list = (prefix: string) =>
    detail
      .split(',')
      .map((item) => t(`${prefix}.${item}`))
      .join('、');
  switch (entry.action) {
    case 'patient.edit':
      return t('audit.details.fields', { fields: list('patient.field') });
    case 'patient.merge':
    case 'patient.merged-into':
      return t('audit.details.mergedWith', { id: detail.slice(0, 8) });
    case 'session.sign-in-failed':
      return t(`audit.details.reason.${detail}`);
    case 'user.create':
      return list('role');
    case 'user.deactivate':
      return t(`users.${detail}`);
    default:
      return detail;
  }
}

export function AuditPage() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [entries, setEntries] = useState<AuditDoc[]>([]);

  useEffect(() => {
    void recentAudit(db, session).then(setEntries);
  }, [db, session]);

  return (
    <div className="audit">
      <h1>{t('audit.title')}</h1>
      <p className="intro">{t('audit.intro')}</p>
      <table className="table" data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('audit.at')}</th>
            <th>{t('audit.user')}</th>
            <th>{t('audit.role')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.record')}</th>
            <th>{t('audit.detail')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              <td>{new Date(entry.at).toLocaleString()}</td>
              <td>{entry.userName}</td>
              <td>
                {entry.role
                  .split('+')
                  .map((role) => t(`role.${role}`))
                  .join('/')}
              </td>
              <td>{t(`audit.actions.${entry.action}`)}</td>
              <td className="mono">
                {entry.recordType}:{entry.recordId.slice(0, 8)}
              </td>
              <td>{describeDetail(entry, t)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
