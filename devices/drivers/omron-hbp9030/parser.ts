/**
 * Omron HBP-9030/9031C, "USB output format 5": one ASCII CSV line per measurement,
 *   YYYY,MM,DD,HH,mm,ID(20),err,SYS,DIA,PR,movement  = 53 bytes, then CRLF.
 * No checksum exists, so every byte is checked against the fixed field template instead. When
 * err != 0 the vitals are blanks. A cut-off record followed directly by a good one (cable wobble)
 * arrives as one overlong line; its last 53 bytes are still a valid record and are kept.
 */

import { LineSplitter } from '../../framing/lines';
import type { Parser } from '../../framing/parser';
import { type BpReading, type Fault, fault } from '../../readings';

export const RECORD_LENGTH = 53;
const MAX_LINE = 256;

/** d digit, s digit or blank (vitals), i printable ASCII (patient ID), m movement flag. */
const TEMPLATE = 'dddd,dd,dd,dd,dd,iiiiiiiiiiiiiiiiiiii,d,sss,sss,sss,m';

export const LIMITS = {
  systolic: [60, 260],
  diastolic: [30, 215],
  pulse: [40, 180],
} as const;

export type OmronEvent = BpReading | Fault;

export function createOmronParser(options: { deviceId: string }): Parser<OmronEvent> {
  const lines = new LineSplitter(MAX_LINE);
  const out: OmronEvent[] = [];
  const onLine = (line: Uint8Array, overlong: boolean): void => {
    if (line.length === 0) return;
    if (overlong) {
      out.push(fault('garbage', `line longer than ${MAX_LINE} bytes`, line));
      return;
    }
    readLine(line, options.deviceId, out);
  };
  return {
    push(chunk) {
      for (const { line, overlong } of lines.push(chunk)) onLine(line, overlong);
      return out.splice(0);
    },
    flush() {
      const tail = lines.flush();
      if (tail !== undefined) {
        out.push(
          fitsTemplatePrefix(tail)
            ? fault('truncated', `record ended after ${tail.length} of ${RECORD_LENGTH} bytes`, tail)
            : fault('garbage', 'unterminated bytes that are not a record', tail),
        );
      }
      return out.splice(0);
    },
  };
}

function readLine(line: Uint8Array, deviceId: string, out: OmronEvent[]): void {
  if (line.length === RECORD_LENGTH) {
    out.push(
      fitsTemplate(line) ? readRecord(line, deviceId) : fault('garbage', 'not a format-5 record', line),
    );
    return;
  }
  if (line.length > RECORD_LENGTH) {
    const record = line.subarray(line.length - RECORD_LENGTH);
    if (fitsTemplate(record)) {
      const before = line.subarray(0, line.length - RECORD_LENGTH);
      out.push(
        fitsTemplatePrefix(before)
          ? fault('truncated', `record cut after ${before.length} bytes, next one followed`, before)
          : fault('garbage', `${before.length} bytes before a record`, before),
      );
      out.push(readRecord(record, deviceId));
      return;
    }
    out.push(fault('garbage', `${line.length}-byte line is not a record`, line));
    return;
  }
  out.push(
    fitsTemplatePrefix(line)
      ? fault('truncated', `record has ${line.length} of ${RECORD_LENGTH} bytes`, line)
      : fault('garbage', 'not a format-5 record', line),
  );
}

function fitsTemplate(bytes: Uint8Array): boolean {
  return bytes.length === RECORD_LENGTH && fitsTemplatePrefix(bytes);
}

function fitsTemplatePrefix(bytes: Uint8Array): boolean {
  if (bytes.length > RECORD_LENGTH) return false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    const isDigit = byte >= 0x30 && byte <= 0x39;
    switch (TEMPLATE[i]) {
      case 'd':
        if (!isDigit) return false;
        break;
      case 's':
        if (!isDigit && byte !== 0x20) return false;
        break;
      case 'i':
        if (byte < 0x20 || byte > 0x7e) return false;
        break;
      case 'm':
        if (byte !== 0x30 && byte !== 0x31 && byte !== 0x20) return false;
        break;
      default:
        if (byte !== 0x2c) return false;
    }
  }
  return true;
}

function readRecord(record: Uint8Array, deviceId: string): OmronEvent {
  const text = String.fromCharCode(...record);
  const field = (start: number, length: number): string => text.slice(start, start + length);
  const [year, month, day, hour, minute] = [
    field(0, 4),
    field(5, 2),
    field(8, 2),
    field(11, 2),
    field(14, 2),
  ];
  const err = field(38, 1);
  if (err !== '0') {
    return fault('device-error', `monitor reported error ${err}`, record, `E${err}`);
  }
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) {
    return fault('out-of-range', `date ${year}-${month}-${day}`, record);
  }
  if (Number(hour) > 23 || Number(minute) > 59) {
    return fault('out-of-range', `time ${hour}:${minute}`, record);
  }
  const systolic = vital(field(40, 3));
  const diastolic = vital(field(44, 3));
  const pulse = vital(field(48, 3));
  const problem =
    outOfRange('systolic', systolic, LIMITS.systolic) ??
    outOfRange('diastolic', diastolic, LIMITS.diastolic) ??
    outOfRange('pulse', pulse, LIMITS.pulse) ??
    ((diastolic as number) >= (systolic as number)
      ? `diastolic ${diastolic} not below systolic ${systolic}`
      : undefined);
  if (problem !== undefined) return fault('out-of-range', problem, record);
  const reading: BpReading = {
    type: 'reading',
    kind: 'bp',
    deviceId,
    systolic: systolic as number,
    diastolic: diastolic as number,
    pulse: pulse as number,
    measuredAt: `${year}-${month}-${day}T${hour}:${minute}`,
    bodyMovement: field(52, 1) === '1',
  };
  const patientId = field(17, 20).trim();
  if (patientId !== '' && !/^0+$/.test(patientId)) reading.patientId = patientId;
  return reading;
}

function vital(text: string): number | undefined {
  const trimmed = text.trim();
  return trimmed === '' || trimmed.includes(' ') ? undefined : Number(trimmed);
}

function outOfRange(
  name: string,
  value: number | undefined,
  [low, high]: readonly [number, number],
): string | undefined {
  if (value === undefined) return `${name} blank without an error code`;
  if (value < low || value > high) return `${name} ${value} outside ${low}-${high}`;
  return undefined;
}

/** The exact line a monitor would send; shared by the simulator and tests. */
export function formatRecord(record: {
  at: Date;
  patientId?: string;
  err?: number;
  systolic?: number;
  diastolic?: number;
  pulse?: number;
  bodyMovement?: boolean;
}): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const three = (n: number | undefined): string => (n === undefined ? '   ' : String(n).padStart(3, '0'));
  const err = record.err ?? 0;
  const vitals =
    err === 0
      ? [three(record.systolic), three(record.diastolic), three(record.pulse)]
      : ['   ', '   ', '   '];
  const at = record.at;
  return [
    String(at.getFullYear()).padStart(4, '0'),
    two(at.getMonth() + 1),
    two(at.getDate()),
    two(at.getHours()),
    two(at.getMinutes()),
    (record.patientId ?? '').padStart(20, '0').slice(-20),
    String(err),
    ...vitals,
    record.bodyMovement ? '1' : '0',
  ].join(',');
}
