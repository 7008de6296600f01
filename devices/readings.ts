/**
 * The typed events every driver emits. Parsers produce them from bytes, sessions forward them,
 * and the main process relays them to the renderer unchanged, so this module stays free of I/O.
 */

export type DeviceKind = 'bp' | 'spo2' | 'idcard' | 'qr' | 'printer' | 'monitor';

/** Why a frame, a command or a connection went wrong; the UI picks its message from this. */
export type FaultReason =
  | 'checksum'
  | 'truncated'
  | 'garbage'
  | 'out-of-range'
  | 'device-error'
  | 'busy'
  | 'timeout'
  | 'disconnected'
  | 'no-card';

export interface Fault {
  type: 'fault';
  reason: FaultReason;
  detail: string;
  /** Device-specific error name (e.g. a SAM status or an Omron err digit), when the device gave one. */
  deviceCode?: string;
  /** The offending bytes, capped, so support can see them without opening a capture file. */
  bytes?: Uint8Array;
}

export interface BpReading {
  type: 'reading';
  kind: 'bp';
  deviceId: string;
  systolic: number;
  diastolic: number;
  mean?: number;
  pulse?: number;
  /** Device clock, local time without zone (`YYYY-MM-DDTHH:mm`); the device has no notion of zone. */
  measuredAt?: string;
  patientId?: string;
  bodyMovement?: boolean;
}

export interface Spo2Reading {
  type: 'reading';
  kind: 'spo2';
  deviceId: string;
  spo2: number;
  pulse: number;
  /** Plethysmogram sample 0-127, for drawing the waveform. */
  pleth?: number;
  /** Signal strength 0-15 as the oximeter reports it. */
  signal?: number;
}

/** A bedside monitor reports several vitals in one message; absent ones were not sent or were invalid. */
export interface VitalsReading {
  type: 'reading';
  kind: 'vitals';
  deviceId: string;
  systolic?: number;
  diastolic?: number;
  mean?: number;
  pulse?: number;
  spo2?: number;
  temperatureC?: number;
  respiration?: number;
  measuredAt?: string;
  patientId?: string;
}

export type Reading = BpReading | Spo2Reading | VitalsReading;

export interface CuffPressure {
  type: 'cuff-pressure';
  mmHg: number;
}

/** Protocol-level replies and state changes worth showing ("measuring...", "finger out"). */
export type DeviceStatusCode =
  | 'accepted'
  | 'done'
  | 'busy'
  | 'finger-out'
  | 'finger-in'
  | 'card-found'
  | 'no-card'
  | 'ok'
  | 'paper-ok'
  | 'paper-near-end'
  | 'paper-out';

export interface DeviceStatus {
  type: 'status';
  status: DeviceStatusCode;
  /** Payload that came with the status, e.g. a SAM id; empty when none. */
  data?: Uint8Array;
}

export type Sex = 'male' | 'female' | 'unknown';

export interface IdCardPerson {
  name: string;
  sex: Sex;
  /** GB 3304 two-digit code, e.g. "01" = 汉族; the UI maps it to a label. */
  ethnicityCode: string;
  /** `YYYY-MM-DD` */
  birthDate: string;
  address: string;
  idNumber: string;
  issuingAuthority: string;
  validFrom: string;
  /** `YYYY-MM-DD`, or `long-term` for cards printed 长期. */
  validTo: string;
}

export interface IdCardRead {
  type: 'idcard';
  deviceId: string;
  person: IdCardPerson;
  /** WLT-compressed photo exactly as read; only closed vendor libraries decode it. */
  photo: Uint8Array;
}

export interface Scan {
  type: 'scan';
  deviceId: string;
  /** Opaque health-card token: stored as is and resolved by the platform when online. */
  token: string;
}

/** One HL7 message received from a monitor; the session answers it with this acknowledgement code. */
export interface Hl7Received {
  type: 'hl7-received';
  controlId: string;
  messageType: string;
  ack: 'AA' | 'AE' | 'AR';
  sendingApplication: string;
  sendingFacility: string;
  /** MSH-12, echoed in the acknowledgement. */
  version: string;
  error?: string;
}

export type DeviceEvent = Reading | CuffPressure | DeviceStatus | IdCardRead | Scan | Hl7Received | Fault;

const MAX_FAULT_BYTES = 64;

export function fault(reason: FaultReason, detail: string, bytes?: Uint8Array, deviceCode?: string): Fault {
  const event: Fault = { type: 'fault', reason, detail };
  if (bytes !== undefined) event.bytes = bytes.slice(0, MAX_FAULT_BYTES);
  if (deviceCode !== undefined) event.deviceCode = deviceCode;
  return event;
}

/** Thrown (rejected) by session commands; carries the same reason vocabulary as fault events. */
export class DeviceError extends Error {
  override readonly name = 'DeviceError';
  constructor(
    readonly reason: FaultReason,
    detail: string,
    readonly deviceCode?: string,
  ) {
    super(`${reason}: ${detail}`);
  }

  static fromFault(event: Fault): DeviceError {
    return new DeviceError(event.reason, event.detail, event.deviceCode);
  }
}
