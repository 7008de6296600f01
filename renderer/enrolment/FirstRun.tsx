import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FACILITY_LEVELS, type FacilityDoc, type FacilityLevel } from '../../sync/protocol/schema';
import { useApp } from '../app/app-store';
import { Field } from '../app/Field';
import { LanguageSwitch } from '../app/LanguageSwitch';
import { connectBridge } from '../bridge/connect';
import { CountyError } from '../sync/county-api';
import { enrolWithCounty, FacilityNotInCounty } from '../sync/county-link';
import { EnrolmentError, enrolClinic } from './enrol';

type Mode = 'county' | 'standalone';

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
  const [mode, setMode] = useState<Mode>('county');
  const [code, setCode] = useState('');
  const [gatewayUrl, setGatewayUrl] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void connectBridge()
      .app.info()
      .then((info) => setGatewayUrl(info.countyGatewayUrl));
  }, []);
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
    setFailure('');
    try {
      const admin = { displayName: form.displayName, username: form.username, password: form.password };
      const session =
        mode === 'county'
          ? await enrolWithCounty(db, connectBridge(), {
              baseUrl: gatewayUrl,
              code,
              deviceName: navigator.userAgent.slice(0, 60),
              admin,
            })
          : await enrolClinic(db, {
              facilityCode: form.facilityCode,
              facilityName: form.facilityName,
              level: form.level,
              admin,
            });
      const facility = (
        await db.facilities.findOne(session.facilityId).exec()
      )?.toMutableJSON() as FacilityDoc;
      signedIn(session, facility);
    } catch (error) {
      if (error instanceof CountyError) {
        setFailure(t(`sync.error.${error.code}`, { defaultValue: error.message }));
        return;
      }
      if (error instanceof FacilityNotInCounty) {
        setFailure(error.message);
        return;
      }
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
        <fieldset className="enrol-mode">
          <legend>{t('enrol.mode')}</legend>
          <label className="check">
            <input type="radio" name="mode" checked={mode === 'county'} onChange={() => setMode('county')} />{' '}
            {t('enrol.modeCounty')}
          </label>
          <label className="check">
            <input
              type="radio"
              name="mode"
              checked={mode === 'standalone'}
              onChange={() => setMode('standalone')}
            />{' '}
            {t('enrol.modeStandalone')}
          </label>
        </fieldset>
        {mode === 'county' ? (
          <fieldset>
            <legend>{t('enrol.countySection')}</legend>
            <Field
              id="enrolmentCode"
              label={t('enrol.code')}
              hint={t('enrol.codeHint', { url: gatewayUrl })}
              required
            >
              <input
                id="enrolmentCode"
                value={code}
                onChange={(event) => setCode(event.target.value)}
                autoComplete="off"
              />
            </Field>
          </fieldset>
        ) : (
          <fieldset>
            <legend>{t('enrol.facilitySection')}</legend>
            <Field
              id="facilityCode"
              label={t('enrol.facilityCode')}
              hint={t('enrol.facilityCodeHint')}
              error={errors.facilityCode}
              required
            >
              <input
                id="facilityCode"
                value={form.facilityCode}
                onChange={update('facilityCode')}
                autoFocus
              />
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
        )}
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
        {failure ? (
          <div className="form-error" role="alert" data-testid="enrol-failure">
            {failure}
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.saving') : t('enrol.submit')}
        </button>
      </form>
    </div>
  );
}
