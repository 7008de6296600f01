import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceStatus } from '../../electron/bridge/contract';
import { can } from '../../sync/protocol/roles';
import type { PatientDoc } from '../../sync/protocol/schema';
import { useSignedIn } from '../app/app-store';
import { connectBridge } from '../bridge/connect';
import {
  assignTrayItem,
  cancelMeasurement,
  discardTrayItem,
  startMeasurement,
  useVitals,
} from './device-feed';
import { describeReading, localTime, vitalsReceipt } from './format';
import { ManualEntry } from './ManualEntry';
import { PendingConfirmBox } from './PendingConfirm';
import { TrendChart } from './TrendChart';
import { useReadings } from './use-readings';

const MEASURING_KINDS = new Set(['bp', 'spo2', 'monitor']);

export function useDeviceLabel() {
  const { t } = useTranslation();
  const drivers = useVitals((state) => state.drivers);
  return (status: Pick<DeviceStatus, 'id' | 'driver'>) => {
    const driver = drivers.find((entry) => entry.id === status.driver);
    return driver ? `${t(driver.labelKey)} · ${status.id}` : status.id;
  };
}

/** Vitals on the patient card: measure from a device, watch it, enter by hand, see the trend, print. */
export function VitalsPanel({ patient }: { patient: PatientDoc }) {
  const { t } = useTranslation();
  const { db, session, facility } = useSignedIn();
  const statuses = useVitals((state) => state.statuses);
  const drivers = useVitals((state) => state.drivers);
  const measurements = useVitals((state) => state.measurements);
  const live = useVitals((state) => state.live);
  const notice = useVitals((state) => state.notices[patient.id]);
  const pending = useVitals((state) => state.pending).filter((entry) => entry.patientId === patient.id);
  const tray = useVitals((state) => state.tray);
  const readings = useReadings(db, patient);
  const label = useDeviceLabel();
  const [chosen, setChosen] = useState<string>();
  const [manual, setManual] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [printed, setPrinted] = useState<string>();

  const mayCapture = can(session.roles, 'reading.capture') && patient.status === 'active';
  const devices = statuses.filter((status) => status.kind !== undefined && MEASURING_KINDS.has(status.kind));
  const startableFirst = [...devices].sort(
    (a, b) =>
      Number(drivers.find((d) => d.id === b.driver)?.startable ?? false) -
      Number(drivers.find((d) => d.id === a.driver)?.startable ?? false),
  );
  const deviceId =
    chosen ?? startableFirst.find((status) => status.state === 'connected')?.id ?? startableFirst[0]?.id;
  const device = devices.find((status) => status.id === deviceId);
  const startable = drivers.find((driver) => driver.id === device?.driver)?.startable ?? false;
  const open = measurements.find((measurement) => measurement.patientId === patient.id);
  const deviceBusy = measurements.some((measurement) => measurement.deviceId === deviceId);
  const printer = statuses.find((status) => status.kind === 'printer' && status.state === 'connected');
  const recent = readings.slice(-8).reverse();

  async function start() {
    if (!deviceId) return;
    setProblem(undefined);
    const result = await startMeasurement(deviceId, { id: patient.id, name: patient.name });
    if (result) setProblem(result);
  }

  async function print() {
    if (!printer) return;
    const receipt = vitalsReceipt(facility.name, patient, readings, t);
    if (!receipt) return;
    const outcome = await connectBridge().devices.printReceipt(printer.id, receipt);
    setPrinted(outcome.ok ? 'ok' : outcome.reason);
  }

  const liveValues = open ? live[open.deviceId] : undefined;

  return (
    <section className="vitals card" data-testid="vitals-panel" aria-labelledby="vitals-title">
      <div className="card-head">
        <h3 id="vitals-title">{t('vitals.title')}</h3>
        {printer && readings.length > 0 ? (
          <button type="button" onClick={() => void print()}>
            {t('vitals.print')}
          </button>
        ) : null}
      </div>
      {printed ? (
        <p className={printed === 'ok' ? 'ok' : 'warn'} role="status" data-testid="print-result">
          {printed === 'ok' ? t('vitals.printed') : t(`vitals.reason.${printed}`)}
        </p>
      ) : null}
      {mayCapture ? (
        <div className="row">
          {devices.length > 0 ? (
            <>
              <label className="row-inline">
                <span>{t('vitals.device')}</span>
                <select
                  aria-label={t('vitals.device')}
                  value={deviceId ?? ''}
                  onChange={(event) => setChosen(event.target.value)}
                  className="device-select"
                >
                  {startableFirst.map((status) => (
                    <option key={status.id} value={status.id}>
                      {label(status)} · {t(`vitals.state.${status.state}`)}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="primary"
                disabled={device?.state !== 'connected' || deviceBusy}
                onClick={() => void start()}
              >
                {startable ? t('vitals.start') : t('vitals.await')}
              </button>
            </>
          ) : (
            <span className="note">{t('vitals.noDevices')}</span>
          )}
          <button type="button" onClick={() => setManual(true)} disabled={manual}>
            {t('vitals.manual.open')}
          </button>
        </div>
      ) : null}
      {problem ? <p className="warn">{t(`vitals.startProblem.${problem}`)}</p> : null}
      {open ? (
        <div className="measuring" role="status" data-testid="measuring">
          <span className="pulse-dot" />
          <span>{t('vitals.measuringFor', { name: open.patientName, device: open.deviceId })}</span>
          {liveValues?.mmHg !== undefined ? (
            <strong className="cuff" data-testid="cuff-pressure">
              {t('vitals.cuff', { mmHg: liveValues.mmHg })}
            </strong>
          ) : null}
          {liveValues?.spo2 !== undefined ? (
            <strong className="cuff">
              SpO₂ {liveValues.spo2}% · {t('vitals.field.pulse')} {liveValues.pulse}
            </strong>
          ) : null}
          {!open.started ? <span className="note">{t('vitals.pressStart')}</span> : null}
          <button type="button" onClick={() => cancelMeasurement(open.id)}>
            {t('common.cancel')}
          </button>
        </div>
      ) : null}
      {notice ? (
        <p
          className={notice.kind === 'saved' ? 'vitals-notice ok' : 'vitals-notice warn'}
          role={notice.kind === 'saved' ? 'status' : 'alert'}
          data-testid="vitals-notice"
        >
          {notice.kind === 'saved'
            ? t('vitals.saved', {
                device: notice.deviceId === 'manual' ? t('vitals.source.manual') : notice.deviceId,
                time: new Date(notice.at).toLocaleTimeString('zh-CN', { hour12: false }),
              })
            : notice.kind === 'aborted'
              ? t('vitals.aborted', { reason: t(`vitals.reason.${notice.reason}`) })
              : t(`vitals.refused.${notice.reason}`)}
        </p>
      ) : null}
      {pending.map((entry) => (
        <PendingConfirmBox key={entry.id} pending={entry} />
      ))}
      {mayCapture && tray.length > 0 ? (
        <div className="tray-strip" data-testid="tray-strip">
          <p>{t('vitals.tray.waiting', { count: tray.length })}</p>
          <ul>
            {tray.map((item) => (
              <li key={item.id} data-testid="tray-item">
                <span>
                  {item.reading.systolic !== undefined
                    ? `${item.reading.systolic}/${item.reading.diastolic} mmHg `
                    : ''}
                  {item.reading.pulse !== undefined
                    ? `${t('vitals.field.pulse')} ${item.reading.pulse} `
                    : ''}
                  {item.reading.spo2 !== undefined ? `SpO₂ ${item.reading.spo2}% ` : ''}
                  <span className="note">
                    {localTime(item.at)} · {item.deviceId}
                  </span>
                </span>
                <button
                  type="button"
                  onClick={() => void assignTrayItem(item.id, { id: patient.id, name: patient.name })}
                >
                  {t('vitals.tray.assignTo', { name: patient.name })}
                </button>
                <button type="button" onClick={() => discardTrayItem(item.id)}>
                  {t('vitals.tray.discard')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {manual ? <ManualEntry patient={patient} onDone={() => setManual(false)} /> : null}
      {recent.length > 0 ? (
        <table className="table readings" data-testid="readings">
          <thead>
            <tr>
              <th>{t('vitals.col.time')}</th>
              <th>{t('vitals.col.kind')}</th>
              <th>{t('vitals.col.values')}</th>
              <th>{t('vitals.col.source')}</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((reading) => (
              <tr key={reading.id} data-testid="reading-row">
                <td>{localTime(reading.measuredAt)}</td>
                <td>{t(`vitals.kind.${reading.kind}`)}</td>
                <td>
                  {describeReading(reading, t)}
                  {reading.outOfRangeConfirmed ? (
                    <span className="badge waiting">{t('vitals.confirmed')}</span>
                  ) : null}
                </td>
                <td>{reading.source === 'manual' ? t('vitals.source.manual') : reading.deviceId}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="note">{t('vitals.none')}</p>
      )}
      <TrendChart readings={readings} />
    </section>
  );
}
