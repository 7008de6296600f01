/** Finding a patient from an ID card or a health-card scan, and prefilling registration when unknown. */

import type { IdCardPerson } from '../../devices/readings';
import { regionOfIdNumber } from '../../sync/protocol/identity/divisions';
import type { PatientDoc } from '../../sync/protocol/schema';
import { EMPTY_PATIENT_INPUT, type PatientInput } from '../patients/patient-input';
import type { ClinicDatabase } from '../store/database';

/** The record to open: the living one when a merged-away duplicate matched too. */
function pick(docs: PatientDoc[]): string | undefined {
  const active = docs.find((doc) => doc.status !== 'merged');
  if (active) return active.id;
  return docs[0]?.mergedInto ?? docs[0]?.id;
}

export async function findByIdNumber(db: ClinicDatabase, idNumber: string): Promise<string | undefined> {
  const docs = await db.patients.find({ selector: { idNumber: idNumber.toUpperCase() } }).exec();
  return pick(docs.map((doc) => doc.toJSON() as PatientDoc));
}

export async function findByHealthCard(db: ClinicDatabase, token: string): Promise<string | undefined> {
  const docs = await db.patients.find({ selector: { healthCardToken: token } }).exec();
  return pick(docs.map((doc) => doc.toJSON() as PatientDoc));
}

/** The card's fields in the registration form; the nurse checks them and saves. */
export function inputFromCard(person: IdCardPerson): PatientInput {
  return {
    ...EMPTY_PATIENT_INPUT,
    name: person.name.trim(),
    sex: person.sex,
    birthDate: person.birthDate,
    idNumber: person.idNumber,
    ethnicity: person.ethnicityCode,
    // The card's address is where the ID was issued from: its county is a good first guess.
    divisionCode: regionOfIdNumber(person.idNumber)?.code ?? '',
    addressDetail: person.address.trim(),
  };
}

export function inputFromHealthCard(token: string): PatientInput {
  return { ...EMPTY_PATIENT_INPUT, healthCardToken: token };
}
