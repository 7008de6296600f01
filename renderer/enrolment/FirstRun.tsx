import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FACILITY_LEVELS, type FacilityDoc, type FacilityLevel } from '../../sync/protocol/schema';
import { useApp } from '../app/app-store';
import { Field } from '../app/Field';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { EnrolmentError, enrolClinic } from './enrol';

const PROBLEM_KEYS: Record<string, string> = {
  facilityCode: 'enrol.error.facilityCode',
  facilityName: 'enrol.error.facilityName',
  level: 'enrol.error.level',
};

export function FirstRun() {
  const { t } = useTranslation();
  const { db, signedIn } = useApp();
  const [form, setForm] = useState({
    facilityCode: '',
    facilityName: '',
    level: 'village' as FacilityLevel,
    displayName: '',
    username: '',
    password: '',
    passwordAgain: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const update = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm({ ...form, [field]: event.target.value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!db) return;
    if (form.password !== form.passwordAgain) {
      setErrors({ passwordAgain: 'enrol.error.passwordAgain.mismatch' });
      return;
    }
    setBusy(true);
    try {
      const session = await enrolClinic(db, {
        facilityCode: form.facilityCode,
        facilityName: form.facilityName,
        level: form.level,
        admin: { displayName: form.displayName, username: form.username, password: form.password },
      });
      const facility = (
        await db.facilities.findOne(session.facilityId).exec()
      )?.toMutableJSON() as FacilityDoc;
      signedIn(session, facility);
    } catch (error) {
      if (!(error instanceof EnrolmentError)) throw error;
      setErrors(
        Object.fromEntries(
          error.problems.map((p) => [
            p.field,
            `${PROBLEM_KEYS[p.field] ?? `account.error.${p.field}`}.${p.problem}`,
          ]),
        ),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="centered">
      <form className="card enrol" onSubmit={submit} noValidate>
        <div className="card-head">
          <h1>{t('enrol.title')}</h1>
          <LanguageSwitch />
        </div>
        <p className="intro">{t('enrol.intro')}</p>
        <fieldset>
          <legend>{t('enrol.facilitySection')}</legend>
          <Field
            id="facilityCode"
            label={t('enrol.facilityCode')}
            hint={t('enrol.facilityCodeHint')}
            error={errors.facilityCode}
            required
          >
            <input id="facilityCode" value={form.facilityCode} onChange={update('facilityCode')} autoFocus />
          </Field>
          <Field id="facilityName" label={t('enrol.facilityName')} error={errors.facilityName} required>
            <input id="facilityName" value={form.facilityName} onChange={update('facilityName')} />
          </Field>
          <Field id="level" label={t('enrol.level')} error={errors.level} required>
            <select id="level" value={form.level} onChange={update('level')}>
              {FACILITY_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {t(`level.${level}`)}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <fieldset>
          <legend>{t('enrol.adminSection')}</legend>
          <Field id="displayName" label={t('enrol.displayName')} error={errors.displayName} required>
            <input id="displayName" value={form.displayName} onChange={update('displayName')} />
          </Field>
          <Field
            id="username"
            label={t('enrol.username')}
            hint={t('enrol.usernameHint')}
            error={errors.username}
            required
          >
            <input
              id="username"
              value={form.username}
              onChange={update('username')}
              autoComplete="username"
            />
          </Field>
          <Field id="password" label={t('enrol.password')} error={errors.password} required>
            <input
              id="password"
              type="password"
              value={form.password}
              onChange={update('password')}
              autoComplete="new-password"
            />
          </Field>
          <Field id="passwordAgain" label={t('enrol.passwordAgain')} error={errors.passwordAgain} required>
            <input
              id="passwordAgain"
              type="password"
              value={form.passwordAgain}
              onChange={update('passwordAgain')}
              autoComplete="new-password"
            />
          </Field>
        </fieldset>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.saving') : t('enrol.submit')}
        </button>
      </form>
    </div>
  );
}
