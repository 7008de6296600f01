/**
 * Device events as they cross the bridge: JSON-safe, without photos or raw bytes, which stay in
 * the host (and in the capture file when one is kept).
 */
import type { DeviceEvent, DeviceKind, Reading } from '../../../devices/readings';
import type { WireDeviceEvent, WireReading } from '../../bridge/contract';

export function wireReading(reading: Reading): WireReading {
  const wire: WireReading = { kind: reading.kind };
  const copy = <K extends keyof WireReading>(key: K, value: WireReading[K] | undefined) => {
    if (value !== undefined) wire[key] = value;
  };
  if (reading.kind === 'spo2') {
    copy('spo2', reading.spo2);
    copy('pulse', reading.pulse);
    return wire;
  }
  copy('systolic', reading.systolic);
  copy('diastolic', reading.diastolic);
  copy('mean', reading.mean);
  copy('pulse', reading.pulse);
  copy('deviceTime', reading.measuredAt);
  if (reading.kind === 'vitals') {
    copy('spo2', reading.spo2);
    copy('temperatureC', reading.temperatureC);
  }
  return wire;
}

/**
 * What the renderer hears of one device event. An oximeter's stream of samples is live display,
 * not a reading: only a spot check (the median of a settled run) becomes one, else every sample
 * would land in the unassigned tray. HL7 acknowledgements stay in the host.
 */
export function toWire(
  kind: DeviceKind,
  event: DeviceEvent,
  at: Date = new Date(),
): WireDeviceEvent | undefined {
  switch (event.type) {
    case 'reading':
      if (kind === 'spo2' && event.kind === 'spo2')
        return { type: 'spo2-live', spo2: event.spo2, pulse: event.pulse };
      return { type: 'reading', reading: wireReading(event), at: at.toISOString() };
    case 'cuff-pressure':
      return { type: 'cuff-pressure', mmHg: event.mmHg };
    case 'status':
      return { type: 'status', status: event.status };
    case 'fault':
      return {
        type: 'fault',
        reason: event.reason,
        detail: event.detail,
        ...(event.deviceCode !== undefined ? { deviceCode: event.deviceCode } : {}),
      };
    case 'idcard':
      return { type: 'idcard', person: event.person };
    case 'scan':
      return { type: 'scan', token: event.token };
    case 'hl7-received':
      return undefined;
  }
}
