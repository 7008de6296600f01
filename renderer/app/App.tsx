import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LockScreen } from '../auth/LockScreen';
import { SignIn } from '../auth/SignIn';
import { FirstRun } from '../enrolment/FirstRun';
import { useOvernightSlots } from '../slots/overnight-scheduler';
import { useApp } from './app-store';
import { boot } from './boot';
import { Shell } from './Shell';

export function App() {
  const { t } = useTranslation();
  const { phase, locked, opened, failed, db, facility, session } = useApp();
  // Mounted here, not in the shell: the overnight slot download must run while the screen is locked or signed out.
  useOvernightSlots(db, facility?.id, session?.userId);

  useEffect(() => {
    boot().then(
      ({ db, facility }) => opened(db, facility),
      (error: unknown) => failed(error instanceof Error ? error.message : String(error)),
    );
  }, [opened, failed]);

  switch (phase.kind) {
    case 'loading':
      return <div className="splash">{t('app.loading')}</div>;
    case 'failed':
      return (
        <div className="splash splash-error" role="alert">
          {t('app.storeFailed', { message: phase.message })}
        </div>
      );
    case 'enrol':
      return <FirstRun />;
    case 'sign-in':
      return <SignIn />;
    case 'ready':
      return locked ? <LockScreen /> : <Shell />;
  }
}
