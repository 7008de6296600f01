/**
 * What goes on a referral slip, gathered from the store (loadSlipFacts) and
 * turned into the signed content (slipContent). The content is a pure
 * function of the facts, so the printed slip, the PDF archive copy, the
 * thermal slip and the QR code all say the same thing.
 */
import { localSlipMinute, reasonDigest, type SlipContent } from '../../../sync/protocol/referral/slip';
import type { FacilityDoc, PatientDoc, ReferralDoc } from '../../../sync/protocol/schema';
import type { Session } from '../../auth/session';
import type { ClinicDatabase } from '../../store/database';

export interface SlipFacts {
  referral: ReferralDoc;
  patient: Pick<PatientDoc, 'name' | 'sex' | 'birthDate' | 'idNumber'>;
  facility: Pick<FacilityDoc, 'code' | 'name'>;
  target?: Pick<FacilityDoc, 'code' | 'name'>;
  department?: string;
  doctor?: string;
  /** YYYY-MM-DD HH:mm, or a date and period when the slot has no time. */
  slotTime?: string;
  /** The slot is an online booking the county has not confirmed yet. */
  slotPending?: boolean;
  referringDoctor: string;
  issuedAt: Date;
  /** The county had applied the referral (it left draft and carries the county stamp). */
  confirmed: boolean;
  /** data: URL of the facility seal, where configured at this workstation. */
  sealImage?: string;
}

export function isConfirmedByCounty(referral: ReferralDoc): boolean {
  return referral.state !== 'draft' && referral.countySeq !== undefined;
}

/** Local wall-clock time, YYYY-MM-DD HH:mm (the verifier compares retirements in the same form). */
export const localMinute = localSlipMinute;

export function ageAt(birthDate: string, at: Date): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  let age = at.getFullYear() - year;
  if (at.getMonth() + 1 < month || (at.getMonth() + 1 === month && at.getDate() < day)) age -= 1;
  return age >= 0 ? age : undefined;
}

/** The signed part of the slip. */
export function slipContent(facts: SlipFacts): SlipContent {
  const { referral, patient } = facts;
  return {
    referralId: referral.id,
    serialNo: referral.serialNo,
    facilityCode: facts.facility.code,
    facilityName: facts.facility.name,
    patientName: patient.name,
    patientSex: patient.sex,
    patientBirthDate: patient.birthDate ?? '',
    patientIdTail: patient.idNumber ? patient.idNumber.slice(-4) : '',
    direction: referral.direction,
    type: referral.type,
    diagnosisCodes: referral.diagnoses.map((d) => d.code),
    reasonDigest: reasonDigest(referral.reason),
    targetFacilityCode: facts.target?.code ?? '',
    targetFacilityName: facts.target?.name ?? '',
    department: facts.department ?? '',
    doctor: facts.doctor ?? '',
    slotTime: facts.slotTime ?? '',
    referringDoctor: facts.referringDoctor,
    issuedAt: localMinute(facts.issuedAt),
    confirmation: facts.confirmed ? 'confirmed' : 'unconfirmed',
  };
}

export class SlipFactsError extends Error {
  constructor(
    readonly problem: 'patient-missing' | 'facility-missing',
    message: string,
  ) {
    super(message);
    this.name = 'SlipFactsError';
  }
}

/** Reads everything the slip names from the local store (works offline). */
export async function loadSlipFacts(
  db: ClinicDatabase,
  referral: ReferralDoc,
  session: Session,
  options: { now?: Date; sealImage?: string } = {},
): Promise<SlipFacts> {
  const patient = (await db.patients.findOne(referral.patientId).exec())?.toJSON() as PatientDoc | undefined;
  if (!patient)
    throw new SlipFactsError('patient-missing', `patient ${referral.patientId} is not on this workstation`);
  const facility = (await db.facilities.findOne(referral.facilityId).exec())?.toJSON() as
    | FacilityDoc
    | undefined;
  if (!facility)
    throw new SlipFactsError('facility-missing', `facility ${referral.facilityId} is not known here`);
  const targetId = referral.acceptedFacilityId ?? referral.targetFacilityIds[0];
  const target = targetId
    ? ((await db.facilities.findOne(targetId).exec())?.toJSON() as FacilityDoc | undefined)
    : undefined;

  // The booking says where and when: the appointment made for this referral, else the referral's slot.
  const appointment = (
    await db.appointments
      .find({ selector: { referralId: referral.id }, sort: [{ createdAt: 'desc' }] })
      .exec()
  )
    .map((doc) => doc.toJSON())
    // A booking the county suspended or refused no longer says where the patient goes.
    .find((a) => a.status !== 'cancelled' && a.status !== 'needs-rebooking');
  const slotId = appointment?.slotId ?? referral.slotId;
  const slot = slotId ? (await db.slots.findOne(slotId).exec())?.toJSON() : undefined;
  const departmentId = appointment?.departmentId ?? slot?.departmentId;
  const department = target?.departments.find((d) => d.id === departmentId)?.name;
  const doctorId = appointment?.doctorId ?? slot?.doctorId;
  const doctor = doctorId ? (await db.staff.findOne(doctorId).exec())?.get('name') : undefined;
  // scheduledAt is the clinic-local wall time "YYYY-MM-DDTHH:MM".
  const slotTime = appointment?.scheduledAt
    ? appointment.scheduledAt.replace('T', ' ').slice(0, 16)
    : slot
      ? `${slot.date} ${slot.startTime ?? slot.period}`
      : undefined;

  const author =
    referral.createdBy === session.userId ? session.userName : await userName(db, referral.createdBy);
  return {
    referral,
    patient,
    facility,
    ...(target ? { target } : {}),
    ...(department ? { department } : {}),
    ...(doctor ? { doctor } : {}),
    ...(slotTime ? { slotTime } : {}),
    // An online slot held while the county could not be reached: the time may still change.
    ...(appointment?.status === 'waiting' ? { slotPending: true } : {}),
    referringDoctor: author ?? session.userName,
    issuedAt: options.now ?? new Date(),
    confirmed: isConfirmedByCounty(referral),
    ...(options.sealImage ? { sealImage: options.sealImage } : {}),
  };
}

async function userName(db: ClinicDatabase, userId: string): Promise<string | undefined> {
  const user = await db.users.findOne(userId).exec();
  if (user) return user.get('displayName');
  return (await db.staff.findOne(userId).exec())?.get('name');
}
