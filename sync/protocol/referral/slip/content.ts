/**
 * What a referral slip (双向转诊单) says, in the one canonical form that is
 * signed and carried in its QR code.
 *
 * The canonical form is a pure function of the content: a format tag, then one
 * field per line in a fixed order. Text is normalised first (NFKC, so
 * full-width letters and digits equal their half-width forms; whitespace runs,
 * line breaks included, become one space; control characters go), so a line
 * break can never occur inside a field and the same slip always gives the same
 * bytes. Long free text is not carried: the reason travels as a digest of its
 * normalised text, names are cut to fixed lengths, so the QR code stays small
 * enough for a 35 mm square on the slip and a 80 mm thermal roll.
 */
import smCrypto from 'sm-crypto';
import type { ReferralDirection, ReferralType } from '../../schema/referrals';

export const SLIP_FORMAT = 'XYS1';

/** The county had applied the referral when the slip was printed, or not yet (printed offline). */
export type SlipConfirmation = 'confirmed' | 'unconfirmed';

export interface SlipContent {
  referralId: string;
  serialNo: string;
  /** The referring facility: the one whose key signs. */
  facilityCode: string;
  facilityName: string;
  patientName: string;
  patientSex: 'male' | 'female' | 'unknown';
  /** YYYY-MM-DD, or '' when unknown. */
  patientBirthDate: string;
  /** Last four characters of the ID number, or '' (the full number is never carried). */
  patientIdTail: string;
  direction: ReferralDirection;
  type: ReferralType;
  /** ICD-10 codes, in the order the doctor gave them. */
  diagnosisCodes: string[];
  /** First 16 hex digits of SM3 over the normalised reason text (see reasonDigest). */
  reasonDigest: string;
  targetFacilityCode: string;
  targetFacilityName: string;
  department: string;
  doctor: string;
  /** YYYY-MM-DD HH:mm (local time of the target), or '' when no slot is booked. */
  slotTime: string;
  referringDoctor: string;
  /** YYYY-MM-DD HH:mm, local time at the referring facility. */
  issuedAt: string;
  confirmation: SlipConfirmation;
}

/** Field order of the canonical form. Changing it is a new SLIP_FORMAT. */
export const SLIP_FIELDS = [
  'referralId',
  'serialNo',
  'facilityCode',
  'facilityName',
  'patientName',
  'patientSex',
  'patientBirthDate',
  'patientIdTail',
  'direction',
  'type',
  'diagnosisCodes',
  'reasonDigest',
  'targetFacilityCode',
  'targetFacilityName',
  'department',
  'doctor',
  'slotTime',
  'referringDoctor',
  'issuedAt',
  'confirmation',
] as const satisfies ReadonlyArray<keyof SlipContent>;

/** Longest text (in characters) each field keeps in the canonical form. */
export const SLIP_FIELD_LIMITS: Record<(typeof SLIP_FIELDS)[number], number> = {
  referralId: 40,
  serialNo: 40,
  facilityCode: 22,
  facilityName: 20,
  patientName: 12,
  patientSex: 1,
  patientBirthDate: 10,
  patientIdTail: 4,
  direction: 1,
  type: 1,
  diagnosisCodes: 32,
  reasonDigest: 16,
  targetFacilityCode: 22,
  targetFacilityName: 20,
  department: 12,
  doctor: 8,
  slotTime: 16,
  referringDoctor: 8,
  issuedAt: 16,
  confirmation: 1,
};

// One letter each on the wire: the QR code is small.
const SEX = { male: 'M', female: 'F', unknown: 'U' } as const;
const DIRECTION = { up: 'U', lateral: 'L', down: 'D' } as const;
const TYPE = { outpatient: 'O', inpatient: 'I', emergency: 'E' } as const;
const CONFIRMATION = { confirmed: 'C', unconfirmed: 'P' } as const;

export class SlipContentError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SlipContentError';
  }
}

/** NFKC, whitespace runs to one space, no control characters, trimmed. */
export function normaliseSlipText(text: string): string {
  return (
    text
      .normalize('NFKC')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200b-\u200d\ufeff]/g, '')
      .replace(/\s+/gu, ' ')
      .trim()
  );
}

function cut(text: string, limit: number): string {
  const chars = Array.from(text);
  return chars.length > limit ? chars.slice(0, limit).join('') : text;
}

/**
 * Normalised and cut, to a fixed point: a cut can leave a trailing space, and
 * removing a joiner can let NFKC compose further, so one pass is not always
 * final. Canonical text must read back to itself.
 */
function fieldText(value: string, limit: number): string {
  let text = normaliseSlipText(value);
  for (let pass = 0; pass < 8; pass++) {
    const next = normaliseSlipText(cut(text, limit));
    if (next === text) return text;
    text = next;
  }
  throw new SlipContentError('text', `text does not settle under normalisation: ${JSON.stringify(value)}`);
}

export function reasonDigest(reason: string): string {
  return smCrypto.sm3(Array.from(new TextEncoder().encode(normaliseSlipText(reason)))).slice(0, 16);
}

/** The content as it will be signed: normalised and cut, codes upper-case. */
export function normaliseSlipContent(content: SlipContent): SlipContent {
  const text = (field: (typeof SLIP_FIELDS)[number], value: string) =>
    fieldText(value, SLIP_FIELD_LIMITS[field]);
  const codes: string[] = [];
  let length = 0;
  for (const code of content.diagnosisCodes.map((c) =>
    normaliseSlipText(c).toUpperCase().replace(/[ ,]/g, ''),
  )) {
    if (!code) continue;
    // Whole codes only: a cut code would name another disease.
    if (length + code.length + (codes.length ? 1 : 0) > SLIP_FIELD_LIMITS.diagnosisCodes) break;
    length += code.length + (codes.length ? 1 : 0);
    codes.push(code);
  }
  return {
    ...content,
    referralId: text('referralId', content.referralId),
    serialNo: text('serialNo', content.serialNo),
    facilityCode: text('facilityCode', content.facilityCode).toUpperCase(),
    facilityName: text('facilityName', content.facilityName),
    patientName: text('patientName', content.patientName),
    patientBirthDate: text('patientBirthDate', content.patientBirthDate),
    patientIdTail: text('patientIdTail', content.patientIdTail).toUpperCase(),
    diagnosisCodes: codes,
    reasonDigest: text('reasonDigest', content.reasonDigest).toLowerCase(),
    targetFacilityCode: text('targetFacilityCode', content.targetFacilityCode).toUpperCase(),
    targetFacilityName: text('targetFacilityName', content.targetFacilityName),
    department: text('department', content.department),
    doctor: text('doctor', content.doctor),
    slotTime: text('slotTime', content.slotTime),
    referringDoctor: text('referringDoctor', content.referringDoctor),
    issuedAt: text('issuedAt', content.issuedAt),
  };
}

function required(field: string, value: string): string {
  if (!value) throw new SlipContentError(field, `the slip needs ${field}`);
  return value;
}

/** The canonical text of a slip: what is signed and what the QR code carries. */
export function canonicalSlip(content: SlipContent): string {
  const c = normaliseSlipContent(content);
  for (const field of ['referralId', 'serialNo', 'facilityCode', 'patientName', 'issuedAt'] as const)
    required(field, c[field]);
  if (!/^[0-9a-f]{16}$/.test(c.reasonDigest))
    throw new SlipContentError('reasonDigest', 'reasonDigest must be 16 hex digits (see reasonDigest())');
  const lines: string[] = [SLIP_FORMAT];
  for (const field of SLIP_FIELDS) {
    switch (field) {
      case 'patientSex':
        lines.push(SEX[c.patientSex]);
        break;
      case 'direction':
        lines.push(DIRECTION[c.direction]);
        break;
      case 'type':
        lines.push(TYPE[c.type]);
        break;
      case 'confirmation':
        lines.push(CONFIRMATION[c.confirmation]);
        break;
      case 'diagnosisCodes':
        lines.push(c.diagnosisCodes.join(','));
        break;
      default:
        lines.push(c[field]);
    }
  }
  return lines.join('\n');
}

function reverse<K extends string>(table: Record<K, string>, letter: string, field: string): K {
  const found = (Object.keys(table) as K[]).find((key) => table[key] === letter);
  if (!found) throw new SlipContentError(field, `"${letter}" is not a known ${field}`);
  return found;
}

/**
 * Reads a canonical text back. Refuses anything that is not exactly what
 * canonicalSlip would produce for the content it describes, so one slip has
 * one signed form.
 */
export function parseCanonicalSlip(text: string): SlipContent {
  const lines = text.split('\n');
  if (lines[0] !== SLIP_FORMAT)
    throw new SlipContentError(
      'format',
      `not a ${SLIP_FORMAT} slip (starts with "${lines[0]?.slice(0, 8)}")`,
    );
  if (lines.length !== SLIP_FIELDS.length + 1)
    throw new SlipContentError(
      'format',
      `a slip has ${SLIP_FIELDS.length} fields, this one ${lines.length - 1}`,
    );
  const value = (field: (typeof SLIP_FIELDS)[number]) => lines[SLIP_FIELDS.indexOf(field) + 1] ?? '';
  const content: SlipContent = {
    referralId: value('referralId'),
    serialNo: value('serialNo'),
    facilityCode: value('facilityCode'),
    facilityName: value('facilityName'),
    patientName: value('patientName'),
    patientSex: reverse(SEX, value('patientSex'), 'patientSex'),
    patientBirthDate: value('patientBirthDate'),
    patientIdTail: value('patientIdTail'),
    direction: reverse(DIRECTION, value('direction'), 'direction'),
    type: reverse(TYPE, value('type'), 'type'),
    diagnosisCodes: value('diagnosisCodes') ? value('diagnosisCodes').split(',') : [],
    reasonDigest: value('reasonDigest'),
    targetFacilityCode: value('targetFacilityCode'),
    targetFacilityName: value('targetFacilityName'),
    department: value('department'),
    doctor: value('doctor'),
    slotTime: value('slotTime'),
    referringDoctor: value('referringDoctor'),
    issuedAt: value('issuedAt'),
    confirmation: reverse(CONFIRMATION, value('confirmation'), 'confirmation'),
  };
  if (canonicalSlip(content) !== text)
    throw new SlipContentError('format', 'the slip text is not in canonical form');
  return content;
}
