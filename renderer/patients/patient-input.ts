/**
 * The registration form's rules, as a pure function of what was typed. Each
 * problem is reported on its own field as a translation key
 * (`patient.error.<field>.<problem>`); the typed values are never altered, so
 * nothing is lost when a field is refused.
 */
import { divisionPath } from '../../sync/protocol/identity/divisions';
import { ETHNICITIES } from '../../sync/protocol/identity/ethnicity';
import { crossCheckIdNumber, parseIdNumber } from '../../sync/protocol/identity/id-number';
import { checkPhone } from '../../sync/protocol/identity/phone';
import { SEXES, type Sex } from '../../sync/protocol/schema';

export interface PatientInput {
  name: string;
  sex: Sex | '';
  birthDate: string;
  idNumber: string;
  phone: string;
  divisionCode: string;
  addressDetail: string;
  ethnicity: string;
  healthCardToken: string;
  allergies: string;
  chronicConditions: string;
}

export const EMPTY_PATIENT_INPUT: PatientInput = {
  name: '',
  sex: '',
  birthDate: '',
  idNumber: '',
  phone: '',
  divisionCode: '',
  addressDetail: '',
  ethnicity: '',
  healthCardToken: '',
  allergies: '',
  chronicConditions: '',
};

/** The validated, normalised demographic fields of a patient document. */
export interface PatientFields {
  name: string;
  sex: Sex;
  birthDate: string;
  idNumber?: string;
  phone?: string;
  address: { divisionCode?: string; detail?: string };
  ethnicity?: string;
  healthCardToken?: string;
  allergies: string[];
  chronicConditions: string[];
}

export type FieldErrors = Partial<Record<keyof PatientInput, string>>;
export type PatientInputResult = { ok: true; value: PatientFields } | { ok: false; errors: FieldErrors };

const NAME_CHARACTERS = /^[\p{Script=Han}A-Za-z·•.\s]+$/u;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function splitList(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,，、;；\n]/)
        .map((item) => item.trim())
        .filter(Boolean),
    ),
  ];
}

function localDate(today: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
}

export function validatePatientInput(input: PatientInput, today = new Date()): PatientInputResult {
  const errors: FieldErrors = {};
  const error = (field: keyof PatientInput, problem: string) => {
    errors[field] ??= `patient.error.${field}.${problem}`;
  };

  const name = input.name.trim().replace(/\s+/g, ' ');
  if (!name) error('name', 'empty');
  else if (name.length > 60) error('name', 'too-long');
  else if (!NAME_CHARACTERS.test(name)) error('name', 'characters');

  let sex = input.sex;
  let birthDate = input.birthDate.trim();
  let idNumber: string | undefined;
  if (input.idNumber.trim()) {
    const parsed = parseIdNumber(input.idNumber, today);
    if (!parsed.ok) error('idNumber', parsed.problem);
    else {
      idNumber = parsed.value.idNumber;
      // Blank fields take what the ID number says; filled ones must agree with it.
      if (!birthDate) birthDate = parsed.value.birthDate;
      if (!sex) sex = parsed.value.sex;
      for (const mismatch of crossCheckIdNumber(parsed.value, birthDate, sex || undefined)) {
        if (mismatch === 'birth-date-mismatch') error('birthDate', 'mismatch-id');
        if (mismatch === 'sex-mismatch') error('sex', 'mismatch-id');
      }
    }
  }

  if (!birthDate) error('birthDate', 'empty');
  else if (!isCalendarDate(birthDate)) error('birthDate', 'invalid');
  else if (birthDate > localDate(today)) error('birthDate', 'future');
  else if (birthDate < '1900-01-01') error('birthDate', 'too-old');

  if (!sex) error('sex', 'empty');
  else if (!SEXES.includes(sex)) error('sex', 'unknown');

  let phone: string | undefined;
  if (input.phone.trim()) {
    const checked = checkPhone(input.phone);
    if (checked.ok) phone = checked.value;
    else error('phone', checked.problem);
  }

  const divisionCode = input.divisionCode.trim();
  if (divisionCode && !divisionPath(divisionCode)) error('divisionCode', 'unknown');

  const ethnicity = input.ethnicity.trim();
  if (ethnicity && !ETHNICITIES.some((entry) => entry.code === ethnicity)) error('ethnicity', 'unknown');

  const healthCardToken = input.healthCardToken.trim();
  if (healthCardToken.length > 200) error('healthCardToken', 'too-long');
  else if (healthCardToken && !/^[\x21-\x7e]+$/.test(healthCardToken)) error('healthCardToken', 'characters');

  const addressDetail = input.addressDetail.trim();
  if (addressDetail.length > 200) error('addressDetail', 'too-long');

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name,
      sex: sex as Sex,
      birthDate,
      ...(idNumber ? { idNumber } : {}),
      ...(phone ? { phone } : {}),
      address: {
        ...(divisionCode ? { divisionCode } : {}),
        ...(addressDetail ? { detail: addressDetail } : {}),
      },
      ...(ethnicity ? { ethnicity } : {}),
      ...(healthCardToken ? { healthCardToken } : {}),
      allergies: splitList(input.allergies),
      chronicConditions: splitList(input.chronicConditions),
    },
  };
}

/** The form's view of a stored patient, for editing. */
export function inputFromPatient(patient: PatientFields): PatientInput {
  return {
    name: patient.name,
    sex: patient.sex,
    birthDate: patient.birthDate,
    idNumber: patient.idNumber ?? '',
    phone: patient.phone ?? '',
    divisionCode: patient.address.divisionCode ?? '',
    addressDetail: patient.address.detail ?? '',
    ethnicity: patient.ethnicity ?? '',
    healthCardToken: patient.healthCardToken ?? '',
    allergies: patient.allergies.join('、'),
    chronicConditions: patient.chronicConditions.join('、'),
  };
}
