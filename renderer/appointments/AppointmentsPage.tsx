/**
 * 诊间复诊预约: the clinic's own follow-ups by day and by week, who is
 * overdue, and the day list to print for the front desk.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../sync/protocol/roles';
import type { AppointmentDoc, PatientDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { ageOn } from '../patients/age';
import { localDate } from '../slots/booking';
import { localDateTime } from '../slots/format';
import { ListTable } from '../slots/ListTable';
import { RebookingNotice } from '../slots/RebookingNotice';
import { type Directory, useDirectory, usePatients } from '../slots/use-directory';
import { FollowUpForm } from './FollowUpForm';
import { addDays, dayList, overdueFollowUps, timeOf, weekGrid } from './follow-up-rules';
import { cancelFollowUp, recordOutcome } from './follow-ups';
import { useFollowUps } from './use-follow-ups';
import './appointments.css';

type View = 'day' | 'week' | 'overdue';

export function AppointmentsPage() {
  const { t } = useTranslation();
  const { db, session, facility } = useSignedIn();
  const today = localDate(new Date());
  const [view, setView] = useState<View>('day');
  const [date, setDate] = useState(today);
  const [form, setForm] = useState<{ moving?: AppointmentDoc } | undefined>();
  const [error, setError] = useState<string>();
  const appointments = useFollowUps(db, session.facilityId);
  const patients = usePatients(
    db,
    appointments.map((a) => a.patientId),
  );
  const directory = useDirectory(db);
  const mayEdit = can(session.roles, 'patient.edit');
  const day = dayList(appointments, date);
  const step = view === 'week' ? 7 : 1;

  async function act(work: () => Promise<unknown>) {
    setError(undefined);
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  }

  const actions = (a: AppointmentDoc) =>
    mayEdit ? (
      <span className="row-inline follow-up-actions">
        {a.status === 'confirmed' && a.scheduledAt.slice(0, 10) <= today ? (
          <>
            <button
              type="button"
              onClick={() => void act(() => recordOutcome(db, session, a.id, 'attended'))}
            >
              {t('appointments.attended')}
            </button>
            <button type="button" onClick={() => void act(() => recordOutcome(db, session, a.id, 'missed'))}>
              {t('appointments.missed')}
            </button>
          </>
        ) : null}
        {a.status === 'confirmed' || a.status === 'missed' ? (
          <button type="button" onClick={() => setForm({ moving: a })}>
            {a.status === 'missed' ? t('appointments.rebook') : t('appointments.reschedule')}
          </button>
        ) : null}
        {a.status === 'confirmed' ? (
          <button
            type="button"
            className="danger"
            onClick={() => void act(() => cancelFollowUp(db, session, a.id))}
          >
            {t('appointments.cancel')}
          </button>
        ) : null}
      </span>
    ) : null;

  return (
    <div className="appointments-page">
      <div className="card-head no-print">
        <h1>{t('appointments.title')}</h1>
        {mayEdit ? (
          <button type="button" className="primary" onClick={() => setForm({})}>
            {t('appointments.new')}
          </button>
        ) : null}
      </div>
      <div className="no-print">
        <RebookingNotice />
      </div>
      <div className="appointments-toolbar no-print">
        <div className="tabs" role="tablist">
          {(['day', 'week', 'overdue'] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              aria-selected={view === v}
              className={view === v ? 'active' : ''}
              onClick={() => setView(v)}
            >
              {t(`appointments.tabs.${v}`)}
            </button>
          ))}
        </div>
        {view !== 'overdue' ? (
          <div className="row-inline">
            <button type="button" onClick={() => setDate(addDays(date, -step))}>
              {view === 'week' ? t('appointments.prevWeek') : t('appointments.prev')}
            </button>
            <input
              type="date"
              aria-label={t('appointments.date')}
              value={date}
              onChange={(e) => e.target.value && setDate(e.target.value)}
            />
            <button type="button" onClick={() => setDate(addDays(date, step))}>
              {view === 'week' ? t('appointments.nextWeek') : t('appointments.next')}
            </button>
            <button type="button" onClick={() => setDate(today)}>
              {t('appointments.today')}
            </button>
            {view === 'day' ? (
              <button type="button" onClick={() => window.print()}>
                {t('appointments.print')}
              </button>
            ) : null}
          </div>
        ) : null}
      </div>
      {error ? (
        <p className="warn no-print" role="alert">
          {error}
        </p>
      ) : null}

      {view === 'day' ? (
        <section className="card no-print" data-testid="follow-up-day">
          <ListTable
            columns={[
              t('appointments.col.time'),
              t('appointments.col.patient'),
              t('appointments.col.doctor'),
              t('appointments.col.note'),
              t('appointments.col.status'),
            ]}
            rows={day}
            rowTestId="follow-up-row"
            empty={t('appointments.empty')}
          >
            {(a) => (
              <>
                <td>{timeOf(a)}</td>
                <td>
                  <PatientLabel patient={patients.get(a.patientId)} />
                </td>
                <td>{directory.person(a.doctorId)}</td>
                <td>{a.note ?? ''}</td>
                <td>
                  <span className={`badge follow-up-${a.status}`}>
                    {t(`appointments.status.${a.status}`)}
                  </span>
                </td>
                <td>{actions(a)}</td>
              </>
            )}
          </ListTable>
        </section>
      ) : null}

      {view === 'week' ? (
        <section className="week-grid no-print" data-testid="follow-up-week">
          {weekGrid(appointments, date).map((column, i) => (
            <div key={column.date} className={`week-day${column.date === today ? ' is-today' : ''}`}>
              <button
                type="button"
                className="week-day-head"
                onClick={() => {
                  setDate(column.date);
                  setView('day');
                }}
              >
                {t(`appointments.weekday.${i}`)} <span className="note">{column.date.slice(5)}</span>
              </button>
              <ul>
                {column.appointments.map((a) => (
                  <li key={a.id} className={`follow-up-${a.status}`} data-testid="week-entry">
                    <span className="mono">{timeOf(a)}</span> {patients.get(a.patientId)?.name ?? ''}
                    {a.status !== 'confirmed' ? (
                      <span className="note"> · {t(`appointments.status.${a.status}`)}</span>
                    ) : null}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ) : null}

      {view === 'overdue' ? (
        <OverdueList
          appointments={appointments}
          today={today}
          patients={patients}
          directory={directory}
          actions={actions}
        />
      ) : null}

      {view === 'day' ? (
        <PrintDayList
          facilityName={facility.name}
          date={date}
          appointments={day.filter((a) => a.status !== 'cancelled')}
          patients={patients}
          directory={directory}
        />
      ) : null}

      {form ? (
        <FollowUpForm
          date={
            form.moving ? form.moving.scheduledAt.slice(0, 10) : date.localeCompare(today) > 0 ? date : today
          }
          {...(form.moving
            ? {
                moving: {
                  appointment: form.moving,
                  patientName: patients.get(form.moving.patientId)?.name ?? '',
                },
              }
            : {})}
          onClose={() => setForm(undefined)}
        />
      ) : null}
    </div>
  );
}

function PatientLabel({ patient }: { patient: PatientDoc | undefined }) {
  const { t } = useTranslation();
  if (!patient) return null;
  return (
    <>
      {patient.name}{' '}
      <span className="note">
        {t(`sex.${patient.sex}`)} · {t('patients.age', { age: ageOn(patient.birthDate) })}
      </span>
    </>
  );
}

function OverdueList(props: {
  appointments: AppointmentDoc[];
  today: string;
  patients: Map<string, PatientDoc>;
  directory: Directory;
  actions(a: AppointmentDoc): React.ReactNode;
}) {
  const { t } = useTranslation();
  const overdue = overdueFollowUps(props.appointments, props.today);
  return (
    <section className="card no-print" data-testid="follow-up-overdue">
      <p className="note">{t('appointments.overdueIntro')}</p>
      <ListTable
        columns={[
          t('appointments.col.patient'),
          t('appointments.col.phone'),
          t('appointments.col.due'),
          t('appointments.col.overdue'),
          t('appointments.col.doctor'),
        ]}
        rows={overdue.map((row) => ({ id: row.appointment.id, ...row }))}
        rowTestId="overdue-row"
        empty={t('appointments.overdueEmpty')}
      >
        {({ appointment, daysOverdue }) => (
          <>
            <td>
              <PatientLabel patient={props.patients.get(appointment.patientId)} />
            </td>
            <td>{props.patients.get(appointment.patientId)?.phone ?? ''}</td>
            <td>{appointment.scheduledAt.replace('T', ' ')}</td>
            <td className="warn">{t('appointments.overdueDays', { count: daysOverdue })}</td>
            <td>{props.directory.person(appointment.doctorId)}</td>
            <td>{props.actions(appointment)}</td>
          </>
        )}
      </ListTable>
    </section>
  );
}

/** Shown only on paper: the front desk's list for the day, with a column to tick arrivals. */
function PrintDayList(props: {
  facilityName: string;
  date: string;
  appointments: AppointmentDoc[];
  patients: Map<string, PatientDoc>;
  directory: Directory;
}) {
  const { t } = useTranslation();
  return (
    <section className="print-day-list" data-testid="print-day-list">
      <h1>{t('appointments.printTitle', { facility: props.facilityName, date: props.date })}</h1>
      <p>
        {t('appointments.printCount', { count: props.appointments.length })} ·{' '}
        {t('appointments.printedAt', { at: localDateTime(new Date()) })}
      </p>
      <table>
        <thead>
          <tr>
            <th>{t('appointments.col.time')}</th>
            <th>{t('appointments.col.patient')}</th>
            <th>{t('appointments.col.phone')}</th>
            <th>{t('appointments.col.doctor')}</th>
            <th>{t('appointments.col.note')}</th>
            <th>{t('appointments.col.signature')}</th>
          </tr>
        </thead>
        <tbody>
          {props.appointments.map((a) => (
            <tr key={a.id}>
              <td>{timeOf(a)}</td>
              <td>
                <PatientLabel patient={props.patients.get(a.patientId)} />
              </td>
              <td>{props.patients.get(a.patientId)?.phone ?? ''}</td>
              <td>{props.directory.person(a.doctorId)}</td>
              <td>{a.note ?? ''}</td>
              <td className="signature" />
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
