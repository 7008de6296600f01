/**
 * Which patient a device reading belongs to. A measurement is opened on one device for the patient
 * on screen at that moment, and the binding is fixed then: whatever the nurse opens afterwards,
 * the result goes to that patient. A reading with no open measurement on its device is never
 * guessed: it waits in the unassigned tray until someone assigns it explicitly.
 * Pure state, no I/O: the device feed (device-feed.ts) wires it to the bridge and the store.
 */
import type { DeviceStatus, WireDeviceEvent, WireReading } from '../../electron/bridge/contract';
import type { VitalValues } from './ranges';

export interface OpenMeasurement {
  id: string;
  deviceId: string;
  patientId: string;
  patientName: string;
  operatorId: string;
  startedAt: string;
  /** Started by the host (SunTech, oximeter spot check); otherwise the nurse starts it on the device. */
  started: boolean;
}

export interface TrayItem {
  id: string;
  deviceId: string;
  reading: WireReading;
  at: string;
}

export type DeskOutcome =
  | { kind: 'bound'; measurement: OpenMeasurement; values: VitalValues; at: string }
  | { kind: 'tray'; item: TrayItem }
  | { kind: 'aborted'; measurement: OpenMeasurement; reason: string }
  | { kind: 'none' };

export class MeasurementBusy extends Error {
  constructor(readonly measurement: OpenMeasurement) {
    super(`${measurement.deviceId} is already measuring for ${measurement.patientName}`);
    this.name = 'MeasurementBusy';
  }
}

export function valuesOf(reading: WireReading): VitalValues {
  const values: VitalValues = {};
  for (const field of ['systolic', 'diastolic', 'mean', 'pulse', 'spo2', 'temperatureC'] as const) {
    const value = reading[field];
    if (value !== undefined) values[field] = value;
  }
  return values;
}

export class CaptureDesk {
  private readonly open = new Map<string, OpenMeasurement>();
  private items: TrayItem[];

  constructor(tray: TrayItem[] = []) {
    this.items = [...tray];
  }

  get measurements(): OpenMeasurement[] {
    return [...this.open.values()];
  }

  get tray(): TrayItem[] {
    return [...this.items];
  }

  measurementOn(deviceId: string): OpenMeasurement | undefined {
    return this.open.get(deviceId);
  }

  /** Binds the next reading of `deviceId` to this patient. One open measurement per device. */
  start(
    deviceId: string,
    patient: { id: string; name: string },
    operatorId: string,
    started: boolean,
    now = new Date(),
  ): OpenMeasurement {
    const current = this.open.get(deviceId);
    if (current) throw new MeasurementBusy(current);
    const measurement: OpenMeasurement = {
      id: crypto.randomUUID(),
      deviceId,
      patientId: patient.id,
      patientName: patient.name,
      operatorId,
      startedAt: now.toISOString(),
      started,
    };
    this.open.set(deviceId, measurement);
    return measurement;
  }

  cancel(measurementId: string): OpenMeasurement | undefined {
    const measurement = this.find(measurementId);
    if (measurement) this.open.delete(measurement.deviceId);
    return measurement;
  }

  /** The host reported the measurement failed (busy, device error, unplugged, timeout). */
  fail(measurementId: string, reason: string): DeskOutcome {
    const measurement = this.cancel(measurementId);
    return measurement ? { kind: 'aborted', measurement, reason } : { kind: 'none' };
  }

  onEvent(deviceId: string, event: WireDeviceEvent): DeskOutcome {
    const measurement = this.open.get(deviceId);
    if (event.type === 'reading') {
      if (!measurement) {
        const item: TrayItem = { id: crypto.randomUUID(), deviceId, reading: event.reading, at: event.at };
        this.items.push(item);
        return { kind: 'tray', item };
      }
      this.open.delete(deviceId);
      return { kind: 'bound', measurement, values: valuesOf(event.reading), at: event.at };
    }
    if (event.type === 'fault' && measurement) {
      // A lost link always ends the measurement. Other faults end it only when the device runs
      // it alone: a started module's own command decides (a bad cuff frame is not a lost result).
      if (event.reason === 'disconnected' || (!measurement.started && event.reason !== 'garbage')) {
        this.open.delete(deviceId);
        return { kind: 'aborted', measurement, reason: event.reason };
      }
    }
    return { kind: 'none' };
  }

  onStatus(status: DeviceStatus): DeskOutcome {
    const measurement = this.open.get(status.id);
    if (measurement && (status.state === 'disconnected' || status.state === 'error')) {
      this.open.delete(status.id);
      return { kind: 'aborted', measurement, reason: 'disconnected' };
    }
    return { kind: 'none' };
  }

  /** Takes an item out of the tray to assign (or discard) it. */
  take(itemId: string): TrayItem | undefined {
    const item = this.items.find((entry) => entry.id === itemId);
    this.items = this.items.filter((entry) => entry.id !== itemId);
    return item;
  }

  /** Puts an item back (its assignment failed). */
  restore(item: TrayItem): void {
    if (!this.items.some((entry) => entry.id === item.id)) this.items.push(item);
  }

  private find(measurementId: string): OpenMeasurement | undefined {
    return [...this.open.values()].find((measurement) => measurement.id === measurementId);
  }
}
