/** A filled-in slip for tests and the bench (every field set, Chinese text included). */
import { reasonDigest, type SlipContent } from './content';

export function sampleSlipContent(over: Partial<SlipContent> = {}): SlipContent {
  return {
    referralId: '0193a7c2-5d1e-7b3a-9c41-2f6e8d0b1a57',
    serialNo: '450881123-7KQ3-000042',
    facilityCode: '450881123',
    facilityName: '石龙镇中心卫生院',
    patientName: '韦秀英',
    patientSex: 'female',
    patientBirthDate: '1958-03-17',
    patientIdTail: '002X',
    direction: 'up',
    type: 'outpatient',
    diagnosisCodes: ['I10', 'E11.9'],
    reasonDigest: reasonDigest('血压控制不佳，多次调整用药后收缩压仍高于180 mmHg，需上级医院进一步诊治。'),
    targetFacilityCode: '450881001',
    targetFacilityName: '桂平市人民医院',
    department: '心血管内科',
    doctor: '黄志明',
    slotTime: '2026-11-24 09:30',
    referringDoctor: '李建国',
    issuedAt: '2026-11-22 10:15',
    confirmation: 'unconfirmed',
    ...over,
  };
}
