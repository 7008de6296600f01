/**
 * Referral serial numbers (转诊单号) that are unique without a network.
 *
 * A facility may run several workstations that print slips while offline, so a
 * facility-wide counter is impossible. Each workstation instead keeps its own
 * tag (random, chosen once, kept in a local document that never replicates) and
 * its own counter: `<facility code>-<workstation tag>-<sequence>`, for example
 * `H3305210001-7KQ3-000042`. Two workstations differ in their tag; one
 * workstation never repeats a sequence number. A reinstalled workstation draws
 * a new tag, so a lost counter cannot repeat an old number either.
 */
import type { FacilityDoc } from '../../../sync/protocol/schema';
import type { ClinicDatabase } from '../../store/database';

/** The workstation's slip counter (local document: per PC, not replicated). */
export const SERIAL_LOCAL_DOC = 'referral-serial';

interface SerialState {
  tag: string;
  next: number;
}

/** Crockford base32 without I, L, O, U: cannot be misread on paper. */
const TAG_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TAG_LENGTH = 4;
/** referralSchema.serialNo.maxLength */
export const SERIAL_MAX = 40;
const SEQUENCE_DIGITS = 6;

export class SerialNumberError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerialNumberError';
  }
}

export function newWorkstationTag(random: (n: number) => Uint8Array = randomBytes): string {
  return Array.from(random(TAG_LENGTH), (byte) => TAG_ALPHABET[byte % TAG_ALPHABET.length]).join('');
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** A caller-given workstation id becomes a tag: upper-case letters and digits, at most 8. */
export function normaliseWorkstationTag(deviceId: string): string {
  const tag = deviceId
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '')
    .slice(0, 8);
  if (!tag) throw new SerialNumberError(`workstation id "${deviceId}" has no letters or digits`);
  return tag;
}

export function formatSerialNumber(facilityCode: string, tag: string, sequence: number): string {
  const serial = `${facilityCode}-${tag}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
  if (serial.length > SERIAL_MAX)
    throw new SerialNumberError(`serial number ${serial} is longer than ${SERIAL_MAX} characters`);
  return serial;
}

/** The parts of a serial number, or null when it is not one of ours. */
export function parseSerialNumber(
  serial: string,
): { facilityCode: string; tag: string; sequence: number } | null {
  const match = /^([0-9A-Z]+)-([0-9A-Z]{1,8})-(\d{6,})$/.exec(serial);
  const [, facilityCode, tag, sequence] = match ?? [];
  return facilityCode && tag && sequence ? { facilityCode, tag, sequence: Number(sequence) } : null;
}

// One counter per database object: two slips issued at the same moment on this
// workstation must not read the same `next`.
const queues = new WeakMap<ClinicDatabase, Promise<unknown>>();

/**
 * Takes the next serial number of this workstation for `facility`. Works
 * offline; the number is final (the county keeps it).
 */
export async function nextSerialNumber(
  db: ClinicDatabase,
  facility: Pick<FacilityDoc, 'code'>,
  deviceId?: string,
): Promise<string> {
  const previous = queues.get(db) ?? Promise.resolve();
  const work = previous.then(async () => {
    const found = await db.getLocal<SerialState>(SERIAL_LOCAL_DOC);
    const state: SerialState = found
      ? { tag: found.get('tag'), next: found.get('next') }
      : { tag: newWorkstationTag(), next: 1 };
    const tag = deviceId === undefined ? state.tag : normaliseWorkstationTag(deviceId);
    const serial = formatSerialNumber(facility.code, tag, state.next);
    await db.upsertLocal<SerialState>(SERIAL_LOCAL_DOC, { tag: state.tag, next: state.next + 1 });
    return serial;
  });
  queues.set(
    db,
    work.catch(() => undefined),
  );
  return work;
}
