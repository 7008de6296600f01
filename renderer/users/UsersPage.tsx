import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role, type UserDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { AccountError, createUser, setActive } from '../auth/accounts';

export function UsersPage() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [users, setUsers] = useState<UserDoc[]>([]);
  const [form, setForm] = useState({ displayName: '', username: '', password: '', roles: [] as Role[] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState('');

  useEffect(() => {
    const subscription = db.users
      .find({ selector: { facilityId: session.facilityId }, sort: [{ username: 'asc' }] })
      .$.subscribe((docs) => setUsers(docs.map((doc) => doc.toMutableJSON() as UserDoc)));
    return () => subscription.unsubscribe();
  }, [db, session.facilityId]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const user = await createUser(db, session, form);
      setForm({ displayName: '', username: '', password: '', roles: [] });
      setErrors({});
      setMessage(t('users.created', { name: user.displayName }));
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      setErrors(
        Object.fromEntries(error.problems.map((p) => [p.field, `account.error.${p.field}.${p.problem}`])),
      );
    }
  }

  const toggleRole = (role: Role) =>
    setForm((f) => ({
      ...f,
      roles: f.roles.includes(role) ? f.roles.filter((r) => r !== role) : [...f.roles, role],
    }));

  return (
    <div className="users">
      <h1>{t('users.title')}</h1>
      <p className="intro">{t('users.intro')}</p>
      <table className="table">
        <thead>
          <tr>
            <th>{t('enrol.displayName')}</th>
            <th>{t('enrol.username')}</th>
            <th>{t('users.roles')}</th>
            <th>{t('users.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <td>{user.displayName}</td>
              <td>{user.username}</td>
              <td>{user.roles.map((role) => t(`role.${role}`)).join('、')}</td>
              <td>{user.active ? t('users.active') : t('users.inactive')}</td>
              <td>
                {user.id !== session.userId ? (
                  <button type="button" onClick={() => void setActive(db, session, user.id, !user.active)}>
                    {user.active ? t('users.deactivate') : t('users.activate')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card add-user" onSubmit={submit} noValidate>
        <h2>{t('users.add')}</h2>
        <Field id="new-displayName" label={t('enrol.displayName')} error={errors.displayName} required>
          <input
            id="new-displayName"
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          />
        </Field>
        <Field
          id="new-username"
          label={t('enrol.username')}
          hint={t('enrol.usernameHint')}
          error={errors.username}
          required
        >
          <input
            id="new-username"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
            autoComplete="off"
          />
        </Field>
        <Field id="new-password" label={t('users.initialPassword')} error={errors.password} required>
          <input
            id="new-password"
            type="password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            autoComplete="new-password"
          />
        </Field>
        <fieldset className="roles">
          <legend>{t('users.roles')}</legend>
          {ROLES.map((role) => (
            <label key={role} className="check">
              <input type="checkbox" checked={form.roles.includes(role)} onChange={() => toggleRole(role)} />{' '}
              {t(`role.${role}`)}
            </label>
          ))}
          {errors.roles ? (
            <div className="field-error">{t(errors.roles)}</div>
          ) : (
            <div className="field-hint" data-testid="review-roles-hint">
              {t('users.reviewRolesHint')}
            </div>
          )}
        </fieldset>
        <button type="submit" className="primary">
          {t('users.add')}
        </button>
        {message ? <p className="ok">{message}</p> : null}
      </form>
    </div>
  );
}
