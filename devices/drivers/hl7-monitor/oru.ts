/**
 * HL7 v2 ORU^R01 as IHE PCD-01 monitors (Mindray, Comen) send it: vitals are OBX segments whose
 * OBX-3 starts with an MDC code. Only the codes below are read; other OBX rows (alarms, settings,
 * waveform references) are skipped without complaint.
 */
import { type Fault, fault, type Hl7Received, type VitalsReading } from '../../readings';

type VitalField = 'systolic' | 'diastolic' | 'mean' | 'pulse' | 'spo2' | 'temperatureC' | 'respiration';

export const MDC_CODES: Record<string, VitalField> = {
  '150021': 'systolic',
  '150022': 'diastolic',
  '150023': 'mean',
  '149546': 'pulse',
  '150456': 'spo2',
  '150344': 'temperatureC',
  '151562': 'respiration',
};

const LIMITS: Record<VitalField, [number, number]> = {
  systolic: [40, 300],
  diastolic: [15, 250],
  mean: [20, 260],
  pulse: [15, 350],
  spo2: [0, 100],
  temperatureC: [25, 45],
  respiration: [0, 150],
};

export interface OruResult {
  receipt: Hl7Received;
  reading?: VitalsReading;
  faults: Fault[];
}

/** Decodes one message's text. Never throws: malformed text yields an AE receipt and a fault. */
export function readOru(text: string, deviceId: string): OruResult {
  const segments = text.split(/\r\n|\r|\n/).filter((segment) => segment !== '');
  const msh = segments[0];
  const receipt: Hl7Received = {
    type: 'hl7-received',
    controlId: '',
    messageType: '',
    ack: 'AE',
    sendingApplication: '',
    sendingFacility: '',
    version: '2.6',
  };
  if (msh === undefined || !msh.startsWith('MSH') || msh.length < 8) {
    receipt.error = 'message does not start with MSH';
    return { receipt, faults: [fault('garbage', receipt.error)] };
  }
  const separator = msh[3] as string;
  const component = msh[4] as string;
  const fieldsOf = (segment: string): string[] => segment.split(separator);
  const first = (field: string | undefined): string => (field ?? '').split(component)[0] ?? '';
  // MSH-1 is the separator itself, so MSH-n sits at index n-1.
  const header = fieldsOf(msh);
  receipt.sendingApplication = first(header[2]);
  receipt.sendingFacility = first(header[3]);
  receipt.messageType = (header[8] ?? '').split(component).slice(0, 2).join('^');
  receipt.controlId = header[9] ?? '';
  receipt.version = first(header[11]) || '2.6';
  if (receipt.messageType !== 'ORU^R01') {
    receipt.ack = 'AR';
    receipt.error = `unsupported message type ${receipt.messageType || '(none)'}`;
    return { receipt, faults: [] };
  }
  receipt.ack = 'AA';

  const reading: VitalsReading = { type: 'reading', kind: 'vitals', deviceId };
  const faults: Fault[] = [];
  let found = false;
  for (const segment of segments.slice(1)) {
    const fields = fieldsOf(segment);
    if (fields[0] === 'PID') {
      const patientId = first((fields[3] ?? '').split(msh[5] ?? '~')[0]);
      if (patientId !== '') reading.patientId = patientId;
    } else if (fields[0] === 'OBR' && reading.measuredAt === undefined) {
      const at = hl7Time(first(fields[7]));
      if (at !== undefined) reading.measuredAt = at;
    } else if (fields[0] === 'OBX') {
      const field = MDC_CODES[first(fields[3])];
      if (field === undefined) continue;
      let value = Number(first(fields[5]));
      if (first(fields[5]).trim() === '' || !Number.isFinite(value)) {
        faults.push(fault('out-of-range', `${field} value "${first(fields[5])}" is not a number`));
        continue;
      }
      if (field === 'temperatureC' && /FAHR/i.test(fields[6] ?? '')) value = ((value - 32) * 5) / 9;
      const [low, high] = LIMITS[field];
      if (value < low || value > high) {
        faults.push(fault('out-of-range', `${field} ${value} outside ${low}-${high}`));
        continue;
      }
      reading[field] = value;
      found = true;
    }
  }
  return found ? { receipt, reading, faults } : { receipt, faults };
}

/** `YYYYMMDDHHMM[SS][.S][+ZZZZ]` -> `YYYY-MM-DDTHH:mm[:ss][+ZZ:ZZ]`; the device's zone when it gave one. */
export function hl7Time(value: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, zone] = match;
  const seconds = second === undefined ? '' : `:${second}`;
  const offset = zone === undefined ? '' : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${year}-${month}-${day}T${hour}:${minute}${seconds}${offset}`;
}

/** The host's answer (original acknowledgement mode), echoing the sender and control ID. */
export function buildAck(receipt: Hl7Received, now: Date, facility = 'XIANGYI'): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const msh = [
    'MSH',
    '^~\\&',
    'XIANGYI',
    facility,
    receipt.sendingApplication,
    receipt.sendingFacility,
    stamp,
    '',
    'ACK^R01^ACK',
    `ACK${receipt.controlId}`,
    'P',
    receipt.version,
  ].join('|');
  const msa = [
    'MSA',
    receipt.ack,
    receipt.controlId,
    ...(receipt.error === undefined ? [] : [receipt.error]),
  ].join('|');
  return `${msh}\r${msa}\r`;
}
