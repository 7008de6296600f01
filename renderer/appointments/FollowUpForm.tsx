/** Books a follow-up, or moves one: patient (new only), date, time, doctor, note. */
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentDoc, UserDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { Field } from '../app/Field';
import { NoteField, PatientField } from '../slots/BookingFields';
import type { FollowUpProblem } from './follow-up-rules';
import { FollowUpInvalid, rescheduleFollowUp, scheduleFollowUp } from './follow-ups';

export function FollowUpForm(props: {
  /** Moving this one; a new follow-up when absent. */
  moving?: { appointment: AppointmentDoc; patientName: string };
  date: string;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const moving = props.moving?.appointment;
  const [patientId, setPatientId] = useState<string | undefined>(moving?.patientId);
  const [date, setDate] = useState(moving ? props.date : props.date);
  const [time, setTime] = useState(moving?.scheduledAt.slice(11, 16) ?? '09:00');
  const [doctorId, setDoctorId] = useState(
    moving?.doctorId ?? (session.roles.includes('doctor') ? session.userId : ''),
  );
  const [note, setNote] = useState(moving?.note ?? '');
  const [problems, setProblems] = useState<FollowUpProblem[]>([]);
  const [error, setError] = useState<string>();
  const [doctors, setDoctors] = useState<UserDoc[]>([]);

  useEffect(() => {
    void db.users
      .find({ selector: { facilityId: session.facilityId, active: true } })
      .exec()
      .then((docs) =>
        setDoctors(docs.map((d) => d.toJSON() as UserDoc).filter((u) => u.roles.includes('doctor'))),
      );
  }, [db, session.facilityId]);

  const errorOf = (field: 'date' | 'time') => {
    const problem = problems.find((p) => p.field === field);
    return problem ? `appointments.problem.${problem.code}` : undefined;
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    if (!patientId) return setError(t('appointments.form.needsPatient'));
    try {
      if (moving) await rescheduleFollowUp(db, session, moving.id, { date, time });
      else
        await scheduleFollowUp(db, session, {
          patientId,
          date,
          time,
          ...(doctorId ? { doctorId } : {}),
          ...(note.trim() ? { note } : {}),
        });
      props.onClose();
    } catch (caught) {
      if (caught instanceof FollowUpInvalid) setProblems(caught.problems);
      else setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  return (
    <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="follow-up-title">
      <form className="card" onSubmit={save} noValidate>
        <h2 id="follow-up-title">
          {moving
            ? t('appointments.form.rescheduleTitle', { patient: props.moving?.patientName })
            : t('appointments.form.newTitle')}
        </h2>
        {moving ? null : <PatientField form="follow-up" patientId={patientId} onPick={setPatientId} />}
        <div className="follow-up-when">
          <Field id="follow-up-date" label={t('appointments.form.date')} error={errorOf('date')} required>
            <input id="follow-up-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} />
          </Field>
          <Field id="follow-up-time" label={t('appointments.form.time')} error={errorOf('time')} required>
            <input
              id="follow-up-time"
              value={time}
              placeholder="09:30"
              onChange={(e) => setTime(e.target.value)}
            />
          </Field>
        </div>
        {moving ? null : (
          <>
            <Field id="follow-up-doctor" label={t('appointments.form.doctor')}>
              <select id="follow-up-doctor" value={doctorId} onChange={(e) => setDoctorId(e.target.value)}>
                <option value="">{t('appointments.form.anyDoctor')}</option>
                {doctors.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.displayName}
                  </option>
                ))}
              </select>
            </Field>
            <NoteField form="follow-up" note={note} onChange={setNote} />
          </>
        )}
        {error ? (
          <p className="warn" role="alert">
            {error}
          </p>
        ) : null}
        <div className="row-inline">
          <button type="submit" className="primary">
            {t('appointments.form.save')}
          </button>
          <button type="button" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
