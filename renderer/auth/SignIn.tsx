import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp } from '../app/app-store';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { signIn } from './accounts';

export function SignIn() {
  const { t } = useTranslation();
  const { db, facility, signedIn } = useApp();
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  if (!db || !facility) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!db || !facility) return;
    setBusy(true);
    try {
      const result = await signIn(db, facility, username, secret);
      if (result.ok) signedIn(result.session, facility);
      else {
        setSecret('');
        setMessage(
          t(`signIn.${result.reason}`, {
            until: result.lockedUntil ? new Date(result.lockedUntil).toLocaleTimeString() : '',
          }),
        );
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="centered">
      <form className="card sign-in" onSubmit={submit}>
        <div className="card-head">
          <h1>{t('signIn.title')}</h1>
          <LanguageSwitch />
        </div>
        <p className="facility-line">{t('signIn.facility', { name: facility.name })}</p>
        <label htmlFor="username">{t('signIn.username')}</label>
        <input
          id="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          autoComplete="username"
          autoFocus
        />
        <label htmlFor="secret">{t('signIn.secret')}</label>
        <input
          id="secret"
          type="password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoComplete="current-password"
        />
        {message ? (
          <div className="form-error" role="alert">
            {message}
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy || !username || !secret}>
          {t('signIn.submit')}
        </button>
        <p className="note">{t('signIn.offlineNote')}</p>
      </form>
    </div>
  );
}
