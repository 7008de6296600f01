import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SimulatedFault } from '../../electron/bridge/contract';
import { can } from '../../sync/protocol/roles';
import { useSignedIn } from '../app/app-store';
import { connectBridge } from '../bridge/connect';
import { ageOn } from '../patients/age';
import { PatientSearch } from '../patients/PatientSearch';
import { usePatientIndex } from '../patients/use-patient-index';
import { assignTrayItem, discardTrayItem, refreshDevices, useVitals } from './device-feed';
import { localTime } from './format';
import { PendingConfirmBox } from './PendingConfirm';
import { useDeviceLabel } from './VitalsPanel';
import { type FollowUpRow, hypertensionFollowUp } from './vitals-data';

const FAULTS: SimulatedFault[] = ['bad-checksum', 'truncated', 'garbage', 'unplug', 'error'];

/** The unassigned tray, readings waiting for a confirmation, hypertension follow-up, and the devices. */
export function VitalsPage() {
  const { t } = useTranslation();
  const { session } = useSignedIn();
  const pending = useVitals((state) => state.pending);
  const mayCapture = can(session.roles, 'reading.capture');
  return (
    <div className="vitals-page">
      <h1>{t('vitals.page.title')}</h1>
      {pending.map((entry) => (
        <PendingConfirmBox key={entry.id} pending={entry} showPatient />
      ))}
      {mayCapture ? <Tray /> : null}
      <FollowUp />
      <Devices />
    </div>
  );
}

function Tray() {
  const { t } = useTranslation();
  const { db } = useSignedIn();
  const tray = useVitals((state) => state.tray);
  const patientIndex = usePatientIndex(db);
  const [assigning, setAssigning] = useState<string>();
  return (
    <section className="card" data-testid="tray">
      <h2>{t('vitals.tray.title')}</h2>
      <p className="note">{t('vitals.tray.intro')}</p>
      {tray.length === 0 ? <p className="note">{t('vitals.tray.empty')}</p> : null}
      <ul className="tray-list">
        {tray.map((item) => (
          <li key={item.id} data-testid="tray-item">
            <span>
              {item.reading.systolic !== undefined
                ? `${item.reading.systolic}/${item.reading.diastolic} mmHg `
                : ''}
              {item.reading.pulse !== undefined ? `${t('vitals.field.pulse')} ${item.reading.pulse} ` : ''}
              {item.reading.spo2 !== undefined ? `SpO₂ ${item.reading.spo2}% ` : ''}
              <span className="note">
                {localTime(item.at)} · {item.deviceId}
              </span>
            </span>
            <button type="button" onClick={() => setAssigning(assigning === item.id ? undefined : item.id)}>
              {t('vitals.tray.assign')}
            </button>
            <button type="button" onClick={() => discardTrayItem(item.id)}>
              {t('vitals.tray.discard')}
            </button>
            {assigning === item.id ? (
              <div className="tray-assign">
                <PatientSearch
                  patientIndex={patientIndex}
                  inputId={`assign-${item.id}`}
                  label={t('vitals.tray.pick')}
                  onOpen={(id) => {
                    const name = patientIndex.summaries.get(id)?.name ?? id;
                    setAssigning(undefined);
                    void assignTrayItem(item.id, { id, name });
                  }}
                />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function FollowUp() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [rows, setRows] = useState<FollowUpRow[]>();
  useEffect(() => {
    void hypertensionFollowUp(db, session).then(setRows);
  }, [db, session]);
  return (
    <section className="card" data-testid="follow-up">
      <h2>{t('vitals.followUp.title')}</h2>
      <p className="note">{t('vitals.followUp.intro')}</p>
      {rows && rows.length === 0 ? <p className="note">{t('vitals.followUp.empty')}</p> : null}
      {rows && rows.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>{t('patient.field.name')}</th>
              <th>{t('vitals.followUp.latest')}</th>
              <th>{t('vitals.col.time')}</th>
              <th>{t('vitals.followUp.recent')}</th>
              <th>{t('vitals.followUp.state')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.patientId} data-testid="follow-up-row">
                <td>
                  {row.name}{' '}
                  <span className="note">
                    {t(`sex.${row.sex}`)} · {t('patients.age', { age: ageOn(row.birthDate) })}
                  </span>
                  {row.diagnosed ? <span className="badge">{t('vitals.followUp.diagnosed')}</span> : null}
                </td>
                <td>
                  {row.latest ? `${row.latest.systolic}/${row.latest.diastolic} mmHg` : t('common.none')}
                  {row.latest?.pulse !== undefined ? ` · ${t('vitals.field.pulse')} ${row.latest.pulse}` : ''}
                </td>
                <td>{row.latest ? localTime(row.latest.measuredAt) : ''}</td>
                <td>{row.recentCount}</td>
                <td>
                  <span className={`badge follow-${row.state}`}>
                    {t(`vitals.followUp.states.${row.state}`)}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Devices() {
  const { t } = useTranslation();
  const { session } = useSignedIn();
  const statuses = useVitals((state) => state.statuses);
  const drivers = useVitals((state) => state.drivers);
  const label = useDeviceLabel();
  const mayConfigure = can(session.roles, 'reading.capture') || session.roles.includes('admin');
  const [form, setForm] = useState({ id: '', driver: '', port: '', capture: false });
  const [error, setError] = useState<string>();
  const [simResult, setSimResult] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    try {
      await connectBridge().devices.configure({
        id: form.id.trim(),
        driver: form.driver,
        port: form.port.trim(),
        capture: form.capture,
      });
      setForm({ id: '', driver: '', port: '', capture: false });
      await refreshDevices();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  async function remove(id: string) {
    await connectBridge().devices.remove(id);
    useVitals.setState((state) => ({ statuses: state.statuses.filter((status) => status.id !== id) }));
  }

  async function simulate(
    id: string,
    action: Parameters<ReturnType<typeof connectBridge>['devices']['simulate']>[1],
  ) {
    const outcome = await connectBridge().devices.simulate(id, action);
    setSimResult(outcome.ok ? undefined : t(`vitals.reason.${outcome.reason}`));
  }

  return (
    <section className="card devices" data-testid="devices">
      <h2>{t('vitals.devices.title')}</h2>
      <table className="table">
        <thead>
          <tr>
            <th>{t('vitals.devices.device')}</th>
            <th>{t('vitals.devices.port')}</th>
            <th>{t('vitals.devices.state')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {statuses.map((status) => (
            <tr key={status.id} data-testid="device-row">
              <td>
                {label(status)}
                {status.simulated ? <span className="badge">{t('vitals.devices.simulated')}</span> : null}
                {status.capture ? <span className="badge">{t('vitals.devices.capturing')}</span> : null}
              </td>
              <td className="mono">{status.port}</td>
              <td>
                <span className={`state state-${status.state}`}>{t(`vitals.state.${status.state}`)}</span>
                {status.detail && status.state !== 'connected' ? (
                  <span className="note"> {status.detail}</span>
                ) : null}
              </td>
              <td>
                <div className="device-actions">
                  {status.simulated ? (
                    <>
                      {status.driver === 'omron-hbp9030' ? (
                        <button type="button" onClick={() => void simulate(status.id, { do: 'measure' })}>
                          {t('vitals.sim.measure')}
                        </button>
                      ) : null}
                      {status.driver === 'health-card-qr' ? (
                        <button type="button" onClick={() => void simulate(status.id, { do: 'scan' })}>
                          {t('vitals.sim.scan')}
                        </button>
                      ) : null}
                      <select
                        aria-label={t('vitals.sim.fault')}
                        defaultValue=""
                        onChange={(event) =>
                          void simulate(status.id, {
                            do: 'fault',
                            fault: (event.target.value || null) as SimulatedFault | null,
                          })
                        }
                      >
                        <option value="">{t('vitals.sim.noFault')}</option>
                        {FAULTS.map((fault) => (
                          <option key={fault} value={fault}>
                            {t(`vitals.sim.faults.${fault}`)}
                          </option>
                        ))}
                      </select>
                      <button type="button" onClick={() => void simulate(status.id, { do: 'unplug' })}>
                        {t('vitals.sim.unplug')}
                      </button>
                    </>
                  ) : null}
                  {mayConfigure && !status.simulated ? (
                    <button type="button" className="danger" onClick={() => void remove(status.id)}>
                      {t('vitals.devices.remove')}
                    </button>
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {statuses.length === 0 ? <p className="note">{t('vitals.devices.none')}</p> : null}
      {simResult ? <p className="warn">{simResult}</p> : null}
      {mayConfigure ? (
        <form className="device-form" onSubmit={submit}>
          <h3>{t('vitals.devices.add')}</h3>
          <div className="grid">
            <label className="field">
              <span>{t('vitals.devices.driver')}</span>
              <select
                value={form.driver}
                onChange={(event) => setForm({ ...form, driver: event.target.value })}
              >
                <option value="">{t('patient.choose')}</option>
                {drivers.map((driver) => (
                  <option key={driver.id} value={driver.id}>
                    {t(driver.labelKey)} ({driver.vendor} {driver.model})
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('vitals.devices.id')}</span>
              <input
                value={form.id}
                onChange={(event) => setForm({ ...form, id: event.target.value })}
                placeholder="bp-1"
              />
            </label>
            <label className="field">
              <span>{t('vitals.devices.port')}</span>
              <input
                value={form.port}
                onChange={(event) => setForm({ ...form, port: event.target.value })}
                placeholder="COM3 / /dev/ttyUSB0"
              />
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={form.capture}
                onChange={(event) => setForm({ ...form, capture: event.target.checked })}
              />
              {t('vitals.devices.capture')}
            </label>
          </div>
          {error ? <p className="form-error">{error}</p> : null}
          <button type="submit" className="primary" disabled={!form.driver || !form.id || !form.port}>
            {t('vitals.devices.save')}
          </button>
        </form>
      ) : null}
    </section>
  );
}
