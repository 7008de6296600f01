/**
 * The renderer's end of the device host: device statuses, live values, open measurements, the
 * unassigned tray and readings waiting for an out-of-range confirmation, in one zustand store.
 * One feed runs for the signed-in shell (`useDeviceFeed` in Shell), so a reading that arrives
 * while the nurse is on another screen still lands: on its patient, or in the tray.
 */

import { useEffect } from 'react';
import { create } from 'zustand';
import { KeyboardWedge } from '../../devices/drivers/health-card-qr/keyboard';
import type {
  BridgeEvent,
  ClinicBridge,
  DeviceStatus,
  DriverInfo,
  WireDeviceEvent,
} from '../../electron/bridge/contract';
import { looksLikeSlipCode } from '../../sync/protocol/referral/slip/payload';
import { useApp } from '../app/app-store';
import type { Session } from '../auth/session';
import { connectBridge, onBridgeEvent } from '../bridge/connect';
import type { ClinicDatabase } from '../store/database';
import {
  CaptureDesk,
  type DeskOutcome,
  MeasurementBusy,
  type OpenMeasurement,
  type TrayItem,
  valuesOf,
} from './capture-desk';
import type { VitalField, VitalValues } from './ranges';
import { captureReadings, ReadingError } from './vitals-data';

export interface PendingConfirm {
  id: string;
  patientId: string;
  patientName: string;
  deviceId: string;
  values: VitalValues;
  at: string;
  outOfRange: VitalField[];
  /** Came from the tray: assigning it is audited as such. */
  fromTray: boolean;
}

export interface Notice {
  kind: 'saved' | 'aborted' | 'refused';
  reason?: string;
  deviceId?: string;
  at: number;
}

export interface VitalsState {
  statuses: DeviceStatus[];
  drivers: DriverInfo[];
  live: Record<string, { mmHg?: number; spo2?: number; pulse?: number }>;
  measurements: OpenMeasurement[];
  tray: TrayItem[];
  pending: PendingConfirm[];
  /** The last outcome per patient, for the vitals panel. */
  notices: Record<string, Notice>;
  /** A health-card scan not yet handled by the patients screen (which takes it). */
  scan?: { token: string; seq: number };
}

export const useVitals = create<VitalsState>(() => ({
  statuses: [],
  drivers: [],
  live: {},
  measurements: [],
  tray: [],
  pending: [],
  notices: {},
}));

const TRAY_DOC = 'vitals-tray';

interface Context {
  db: ClinicDatabase;
  session: Session;
  bridge: ClinicBridge;
}

let context: Context | undefined;
let desk = new CaptureDesk();
/** Host-started measurements whose result came back in the command's answer before its event. */
const echoes = new Set<string>();

function sync(): void {
  useVitals.setState({ measurements: desk.measurements, tray: desk.tray });
  const db = context?.db;
  if (db) void db.upsertLocal(TRAY_DOC, { items: desk.tray }).catch(() => undefined);
}

export function notify(patientId: string, notice: Omit<Notice, 'at'>): void {
  useVitals.setState((state) => ({
    notices: { ...state.notices, [patientId]: { ...notice, at: Date.now() } },
  }));
}

function clearLive(deviceId: string): void {
  useVitals.setState((state) => {
    const { [deviceId]: _gone, ...rest } = state.live;
    return { live: rest };
  });
}

async function store(pending: Omit<PendingConfirm, 'id' | 'outOfRange'>, confirm: boolean): Promise<void> {
  if (!context) return;
  try {
    await captureReadings(
      context.db,
      context.session,
      {
        patientId: pending.patientId,
        values: pending.values,
        source: 'device',
        deviceId: pending.deviceId,
        measuredAt: pending.at,
        confirmOutOfRange: confirm,
      },
      pending.fromTray ? 'reading.assign' : 'reading.capture',
    );
    notify(pending.patientId, { kind: 'saved', deviceId: pending.deviceId });
  } catch (error) {
    if (error instanceof ReadingError && error.problem === 'out-of-range' && error.check) {
      const waiting: PendingConfirm = {
        ...pending,
        id: crypto.randomUUID(),
        outOfRange: error.check.outOfRange,
      };
      useVitals.setState((state) => ({ pending: [...state.pending, waiting] }));
      return;
    }
    notify(pending.patientId, {
      kind: 'refused',
      reason: error instanceof ReadingError ? error.problem : 'failed',
      deviceId: pending.deviceId,
    });
  }
}

function handle(outcome: DeskOutcome): void {
  switch (outcome.kind) {
    case 'bound': {
      const { measurement } = outcome;
      clearLive(measurement.deviceId);
      sync();
      void store(
        {
          patientId: measurement.patientId,
          patientName: measurement.patientName,
          deviceId: measurement.deviceId,
          values: outcome.values,
          at: outcome.at,
          fromTray: false,
        },
        false,
      );
      return;
    }
    case 'aborted':
      clearLive(outcome.measurement.deviceId);
      sync();
      notify(outcome.measurement.patientId, {
        kind: 'aborted',
        reason: outcome.reason,
        deviceId: outcome.measurement.deviceId,
      });
      return;
    case 'tray':
      sync();
      return;
    case 'none':
      return;
  }
}

/** A health card was scanned, by a serial scanner or one in keyboard mode: find or register its patient. */
function onScan(token: string): void {
  useVitals.setState((state) => ({ scan: { token, seq: (state.scan?.seq ?? 0) + 1 } }));
  useApp.getState().go('patients');
}

/**
 * Scanners in HID keyboard mode reach the app as keystrokes, so they are read
 * here where the keys arrive (the wedge is the health-card driver's pure
 * timing rule). The Enter that ends a scan is kept from the focused field, so
 * a search box does not also act on it.
 */
function listenForKeyboardScans(): () => void {
  const wedge = new KeyboardWedge();
  const onKey = (event: KeyboardEvent) => {
    const scanned = wedge.push({ key: event.key, at: event.timeStamp });
    if (scanned === undefined) return;
    // A field that takes scans itself (the slip verifier) keeps them: on a busy PC a long code
    // may arrive in bursts, and its tail must not pass for a health card. A slip's code scanned
    // elsewhere is not a health card either.
    const field = event.target instanceof Element ? event.target.closest('[data-takes-scans]') : null;
    if (field || looksLikeSlipCode(scanned)) return;
    event.preventDefault();
    event.stopPropagation();
    onScan(scanned);
  };
  window.addEventListener('keydown', onKey, true);
  return () => window.removeEventListener('keydown', onKey, true);
}

function onDeviceEvent(deviceId: string, event: WireDeviceEvent): void {
  if (event.type === 'cuff-pressure') {
    useVitals.setState((state) => ({
      live: { ...state.live, [deviceId]: { ...state.live[deviceId], mmHg: event.mmHg } },
    }));
    return;
  }
  if (event.type === 'spo2-live') {
    useVitals.setState((state) => ({
      live: { ...state.live, [deviceId]: { ...state.live[deviceId], spo2: event.spo2, pulse: event.pulse } },
    }));
    return;
  }
  if (event.type === 'scan') {
    onScan(event.token);
    return;
  }
  if (event.type === 'reading' && echoes.delete(deviceId)) return;
  handle(desk.onEvent(deviceId, event));
}

function onStatus(status: DeviceStatus): void {
  useVitals.setState((state) => {
    const others = state.statuses.filter((entry) => entry.id !== status.id);
    const at = state.statuses.findIndex((entry) => entry.id === status.id);
    const statuses =
      at === -1
        ? [...others, status]
        : state.statuses.map((entry) => (entry.id === status.id ? status : entry));
    return { statuses };
  });
  handle(desk.onStatus(status));
}

function onEvent(event: BridgeEvent): void {
  if (event.type === 'device-status') onStatus(event.status);
  else onDeviceEvent(event.deviceId, event.event);
}

export async function refreshDevices(): Promise<void> {
  if (!context) return;
  const [statuses, drivers] = await Promise.all([
    context.bridge.devices.list(),
    context.bridge.devices.drivers(),
  ]);
  useVitals.setState({ statuses, drivers });
}

/** Runs the feed while the shell is signed in. */
export function useDeviceFeed(db: ClinicDatabase, session: Session): void {
  useEffect(() => {
    const bridge = connectBridge();
    context = { db, session, bridge };
    const stop = onBridgeEvent(onEvent);
    const stopKeyboard = listenForKeyboardScans();
    void refreshDevices().catch(() => undefined);
    void db.getLocal<{ items: TrayItem[] }>(TRAY_DOC).then((doc) => {
      const saved = doc?.get('items') as TrayItem[] | undefined;
      if (saved?.length) {
        desk = new CaptureDesk([
          ...saved,
          ...desk.tray.filter((item) => !saved.some((s) => s.id === item.id)),
        ]);
        sync();
      }
    });
    return () => {
      stop();
      stopKeyboard();
      context = undefined;
    };
  }, [db, session]);
}

export function driverOf(deviceId: string): DriverInfo | undefined {
  const { statuses, drivers } = useVitals.getState();
  const status = statuses.find((entry) => entry.id === deviceId);
  return drivers.find((driver) => driver.id === status?.driver);
}

export type StartProblem = 'busy' | 'no-feed';

/**
 * Opens a measurement on `deviceId` bound to this patient, and starts it where the device can be
 * started. The result lands through the feed; a failure ends it with a notice and stores nothing.
 */
export async function startMeasurement(
  deviceId: string,
  patient: { id: string; name: string },
): Promise<StartProblem | undefined> {
  if (!context) return 'no-feed';
  const { bridge, session } = context;
  const startable = driverOf(deviceId)?.startable ?? false;
  let measurement: OpenMeasurement;
  try {
    measurement = desk.start(deviceId, patient, session.userId, startable);
  } catch (error) {
    if (error instanceof MeasurementBusy) return 'busy';
    throw error;
  }
  sync();
  if (!startable) return undefined;
  let outcome: Awaited<ReturnType<ClinicBridge['devices']['measure']>>;
  try {
    outcome = await bridge.devices.measure(deviceId);
  } catch {
    outcome = { ok: false, reason: 'not-connected', detail: 'the local host did not answer' };
  }
  const stillOpen = desk.measurementOn(deviceId)?.id === measurement.id;
  if (!outcome.ok) {
    handle(desk.fail(measurement.id, outcome.reason));
    return undefined;
  }
  if (stillOpen) {
    // The answer overtook the reading's event: bind from the answer and drop the echo.
    echoes.add(deviceId);
    handle(
      desk.onEvent(deviceId, { type: 'reading', reading: outcome.reading, at: new Date().toISOString() }),
    );
  }
  return undefined;
}

export function cancelMeasurement(measurementId: string): void {
  const measurement = desk.cancel(measurementId);
  if (measurement) clearLive(measurement.deviceId);
  sync();
}

export async function confirmPending(id: string): Promise<void> {
  const pending = useVitals.getState().pending.find((entry) => entry.id === id);
  if (!pending) return;
  useVitals.setState((state) => ({ pending: state.pending.filter((entry) => entry.id !== id) }));
  await store(pending, true);
}

export function discardPending(id: string): void {
  const pending = useVitals.getState().pending.find((entry) => entry.id === id);
  useVitals.setState((state) => ({ pending: state.pending.filter((entry) => entry.id !== id) }));
  if (pending)
    notify(pending.patientId, { kind: 'refused', reason: 'discarded', deviceId: pending.deviceId });
}

/** The nurse explicitly gives a tray reading to a patient. */
export async function assignTrayItem(itemId: string, patient: { id: string; name: string }): Promise<void> {
  const item = desk.take(itemId);
  if (!item) return;
  sync();
  await store(
    {
      patientId: patient.id,
      patientName: patient.name,
      deviceId: item.deviceId,
      values: valuesOf(item.reading),
      at: item.at,
      fromTray: true,
    },
    false,
  );
}

export function discardTrayItem(itemId: string): void {
  desk.take(itemId);
  sync();
}

/** For tests: a fresh desk. */
export function resetDeviceFeed(): void {
  desk = new CaptureDesk();
  echoes.clear();
  useVitals.setState({ measurements: [], tray: [], pending: [], notices: {}, live: {} });
}
