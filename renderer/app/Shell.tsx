import { useTranslation } from 'react-i18next';
import { type Action, can } from '../../sync/protocol/roles';
import { AppointmentsPage } from '../appointments/AppointmentsPage';
import { AuditPage } from '../audit/AuditPage';
import { appendAudit } from '../audit/audit-log';
import { PatientsPage } from '../patients/PatientsPage';
import { InboxPage } from '../referrals/inbox/InboxPage';
import { ReferralsPage } from '../referrals/ReferralsPage';
import { VerifySlipPage } from '../referrals/slip/VerifySlipPage';
import { StatisticsPage } from '../referrals/statistics/StatisticsPage';
import { SettingsPage } from '../settings/SettingsPage';
import { SlotsPage } from '../slots/SlotsPage';
import { SyncIndicator } from '../sync/SyncIndicator';
import { SyncPage } from '../sync/SyncPage';
import { useCountySync } from '../sync/use-county-sync';
import { UsersPage } from '../users/UsersPage';
import { useDeviceFeed } from '../vitals/device-feed';
import { VitalsPage } from '../vitals/VitalsPage';
import { type Page, useApp, useSignedIn } from './app-store';
import { LanguageSwitch } from './LanguageSwitch';
import { useIdleLock } from './use-idle-lock';

const NAV: Array<{ page: Page; needs: Action }> = [
  { page: 'patients', needs: 'patient.read' },
  { page: 'vitals', needs: 'patient.read' },
  { page: 'referrals', needs: 'patient.read' },
  { page: 'inbox', needs: 'patient.read' },
  { page: 'appointments', needs: 'patient.read' },
  { page: 'slots', needs: 'patient.read' },
  { page: 'statistics', needs: 'patient.read' },
  { page: 'verify', needs: 'patient.read' },
  { page: 'users', needs: 'user.manage' },
  { page: 'audit', needs: 'audit.read' },
  { page: 'sync', needs: 'sync.manage' },
  { page: 'settings', needs: 'patient.read' },
];

export function Shell() {
  const { t } = useTranslation();
  const { db, session, facility } = useSignedIn();
  const { page, go, lock, signedOut } = useApp();
  useIdleLock();
  useCountySync(db, session);
  useDeviceFeed(db, session);
  const visible = NAV.filter((item) => can(session.roles, item.needs));
  const current = visible.some((item) => item.page === page) ? page : 'patients';

  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">{t('app.name')}</div>
        <div className="facility" data-testid="facility-name">
          {facility.name} · {t(`level.${facility.level}`)}
        </div>
        <nav className="nav">
          {visible.map((item) => (
            <button
              key={item.page}
              type="button"
              className={item.page === current ? 'active' : ''}
              onClick={() => go(item.page)}
            >
              {t(`nav.${item.page}`)}
            </button>
          ))}
        </nav>
        <div className="who" data-testid="signed-in-user">
          {session.userName} · {session.roles.map((role) => t(`role.${role}`)).join('/')}
        </div>
        <SyncIndicator onOpen={can(session.roles, 'sync.manage') ? () => go('sync') : undefined} />
        <LanguageSwitch />
        <button type="button" onClick={lock}>
          {t('lock.lockNow')}
        </button>
        <button
          type="button"
          onClick={async () => {
            await appendAudit(db, session, {
              action: 'session.sign-out',
              recordType: 'session',
              recordId: session.userId,
            });
            signedOut();
          }}
        >
          {t('lock.signOut')}
        </button>
      </header>
      <main className="page">
        {current === 'patients' && <PatientsPage />}
        {current === 'vitals' && <VitalsPage />}
        {current === 'referrals' && <ReferralsPage />}
        {current === 'inbox' && <InboxPage />}
        {current === 'appointments' && <AppointmentsPage />}
        {current === 'slots' && <SlotsPage />}
        {current === 'statistics' && <StatisticsPage />}
        {current === 'verify' && <VerifySlipPage />}
        {current === 'users' && <UsersPage />}
        {current === 'audit' && <AuditPage />}
        {current === 'sync' && <SyncPage />}
        {current === 'settings' && <SettingsPage />}
      </main>
    </div>
  );
}
