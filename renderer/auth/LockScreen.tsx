import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApp, useSignedIn } from '../app/app-store';
import { appendAudit } from '../audit/audit-log';
import { signIn } from './accounts';

/** Only the person who locked the screen can unlock it; anyone else signs in afresh. */
export function LockScreen() {
  const { t } = useTranslation();
  const { db, session, facility } = useSignedIn();
  const { unlock, signedOut } = useApp();
  const [secret, setSecret] = useState('');
  const [message, setMessage] = useState('');
  const [username, setUsername] = useState<string | null>(null);

  useEffect(() => {
    void db.users
      .findOne(session.userId)
      .exec()
      .then((user) => setUsername(user?.username ?? ''));
  }, [db, session.userId]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const result = await signIn(db, facility, username ?? '', secret);
    setSecret('');
    if (result.ok) {
      await appendAudit(db, session, {
        action: 'session.unlock',
        recordType: 'session',
        recordId: session.userId,
      });
      unlock();
    } else
      setMessage(
        t(`signIn.${result.reason}`, {
          until: result.lockedUntil ? new Date(result.lockedUntil).toLocaleTimeString() : '',
        }),
      );
  }

  return (
    <div className="centered">
      <form className="card lock" onSubmit={submit}>
        <h1>{t('lock.title')}</h1>
        <p>{t('lock.who', { name: session.userName })}</p>
        <label htmlFor="unlock-secret">{t('lock.secret')}</label>
        <input
          id="unlock-secret"
          type="password"
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
          autoFocus
        />
        {message ? (
          <div className="form-error" role="alert">
            {message}
          </div>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" disabled={!secret}>
            {t('lock.unlock')}
          </button>
          <button type="button" onClick={signedOut}>
            {t('lock.switchUser')}
          </button>
        </div>
      </form>
    </div>
  );
}
