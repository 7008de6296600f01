/** The admin's overnight download: window and cap, "download now", progress of the run. */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../sync/protocol/roles';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { useSync } from '../sync/sync-store';
import { formatBytes, localDateTime } from './format';
import {
  checkSchedule,
  nextScheduledStart,
  type OvernightSchedule,
  type ScheduleProblem,
} from './overnight-schedule';
import { readSchedule, runNow, saveSchedule, stopRun, useOvernight } from './overnight-scheduler';

export function OvernightCard() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const linked = useSync((state) => state.linked);
  const running = useOvernight((state) => state.running);
  const mayManage = can(session.roles, 'sync.manage');
  const [schedule, setSchedule] = useState<OvernightSchedule>();
  const [form, setForm] = useState({ enabled: true, start: '', end: '', cap: '' });
  const [problems, setProblems] = useState<ScheduleProblem[]>([]);
  const [message, setMessage] = useState<string>();

  useEffect(() => {
    void readSchedule(db).then((stored) => {
      setSchedule(stored);
      setForm({ enabled: stored.enabled, start: stored.start, end: stored.end, cap: String(stored.capKbps) });
    });
  }, [db]);

  const candidate: OvernightSchedule = {
    enabled: form.enabled,
    start: form.start.trim(),
    end: form.end.trim(),
    capKbps: Number(form.cap),
  };
  const errorOf = (field: ScheduleProblem['field']) => {
    const problem = problems.find((p) => p.field === field);
    return problem ? `slots.overnight.problem.${problem.code}` : undefined;
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    const found = checkSchedule(candidate);
    setProblems(found);
    if (found.length) return;
    setSchedule(await saveSchedule(db, session, candidate));
    setMessage(t('slots.overnight.saved'));
  }

  async function downloadNow() {
    setMessage(undefined);
    try {
      await runNow(db, session);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  }

  const next =
    schedule && checkSchedule(schedule).length === 0 ? nextScheduledStart(schedule, new Date()) : undefined;
  const progress = running?.progress;
  return (
    <section className="card slots-card" data-testid="overnight">
      <h2>{t('slots.overnight.title')}</h2>
      <p className="note">{t('slots.overnight.intro')}</p>
      {!linked ? <p className="notice">{t('slots.overnight.notLinked')}</p> : null}
      {schedule ? (
        <p data-testid="overnight-next">
          {schedule.enabled && next
            ? t('slots.overnight.next', {
                at: localDateTime(next),
                start: schedule.start,
                end: schedule.end,
                cap: schedule.capKbps,
              })
            : t('slots.overnight.off')}
        </p>
      ) : null}
      {mayManage ? (
        <form className="overnight-form" onSubmit={save} noValidate>
          <label className="check">
            <input
              type="checkbox"
              checked={form.enabled}
              onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
            />
            {t('slots.overnight.enabled')}
          </label>
          <div className="overnight-fields">
            <Field id="overnight-start" label={t('slots.overnight.start')} error={errorOf('start')}>
              <input
                id="overnight-start"
                value={form.start}
                placeholder="00:30"
                onChange={(e) => setForm({ ...form, start: e.target.value })}
              />
            </Field>
            <Field id="overnight-end" label={t('slots.overnight.end')} error={errorOf('end')}>
              <input
                id="overnight-end"
                value={form.end}
                placeholder="05:00"
                onChange={(e) => setForm({ ...form, end: e.target.value })}
              />
            </Field>
            <Field id="overnight-cap" label={t('slots.overnight.cap')} error={errorOf('capKbps')}>
              <input
                id="overnight-cap"
                inputMode="numeric"
                value={form.cap}
                onChange={(e) => setForm({ ...form, cap: e.target.value })}
              />
            </Field>
          </div>
          <p className="note">{t('slots.overnight.waitsForUpload')}</p>
          <div className="row-inline">
            <button type="submit">{t('slots.overnight.save')}</button>
            <button
              type="button"
              className="primary"
              disabled={!linked || Boolean(running)}
              onClick={() => void downloadNow()}
            >
              {t('slots.overnight.runNow')}
            </button>
            {running ? (
              <button type="button" className="danger" onClick={stopRun}>
                {t('slots.overnight.stop')}
              </button>
            ) : null}
            {message ? (
              <span className="note" role="status">
                {message}
              </span>
            ) : null}
          </div>
        </form>
      ) : (
        <p className="note">{t('slots.overnight.adminOnly')}</p>
      )}
      {running && progress ? (
        <div className="progress" data-testid="overnight-progress">
          <div className="progress-label">
            {t('slots.overnight.running')}{' '}
            {t('slots.overnight.progress', {
              received: progress.received,
              remaining: progress.remaining,
              bytes: formatBytes(progress.bytes),
            })}
          </div>
          <progress max={progress.received + progress.remaining || 1} value={progress.received} />
        </div>
      ) : null}
    </section>
  );
}
