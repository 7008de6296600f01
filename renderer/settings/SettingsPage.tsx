import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo } from '../../electron/bridge/contract';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { idleLockMinutes } from '../app/use-idle-lock';
import { setPin } from '../auth/accounts';
import { connectBridge } from '../bridge/connect';

export function SettingsPage() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [pin, setPinValue] = useState('');
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [info, setInfo] = useState<AppInfo>();

  useEffect(() => {
    void connectBridge().app.info().then(setInfo);
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = await setPin(db, session, pin);
    setError(problem ? `settings.pinError.${problem}` : undefined);
    setSaved(!problem);
    if (!problem) setPinValue('');
  }

  return (
    <div className="settings">
      <h1>{t('settings.title')}</h1>
      <form className="card" onSubmit={submit}>
        <h2>{t('settings.pin')}</h2>
        <Field id="pin" label={t('settings.pin')} hint={t('settings.pinHint')} error={error}>
          <input
            id="pin"
            type="password"
            inputMode="numeric"
            value={pin}
            onChange={(e) => setPinValue(e.target.value)}
            autoComplete="off"
          />
        </Field>
        <button type="submit" className="primary" disabled={!pin}>
          {t('settings.setPin')}
        </button>
        {saved ? <p className="ok">{t('settings.pinSaved')}</p> : null}
        <p className="note">{t('settings.idleLock', { minutes: idleLockMinutes() })}</p>
      </form>
      {info ? (
        <section className="card about" data-testid="about">
          <h2>{t('settings.about')}</h2>
          <dl className="facts">
            <div>
              <dt>{t('settings.version')}</dt>
              <dd>
                {info.version} · {t(`app.shell.${info.shell}`)} · {info.platform}/{info.arch}
              </dd>
            </div>
            <div>
              <dt>{t('settings.dataDir')}</dt>
              <dd className="mono">{info.dataDir}</dd>
            </div>
            <div>
              <dt>{t('settings.gateway')}</dt>
              <dd className="mono">{info.countyGatewayUrl}</dd>
            </div>
          </dl>
        </section>
      ) : null}
    </div>
  );
}
