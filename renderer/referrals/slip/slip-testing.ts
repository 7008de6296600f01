/** A filled-in slip for tests and the bench: real labels, every field set. */
import i18next from 'i18next';
import { sampleSlipContent } from '../../../sync/protocol/referral/slip/testing';
import type { ReferralDoc } from '../../../sync/protocol/schema';
import zhCN from './i18n/zh-CN.json';
import { slipLabels } from './slip-labels';
import type { SlipFacts } from './slip-model';

export async function zhSlipLabels() {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'zh-CN', resources: { 'zh-CN': { translation: zhCN } } });
  return slipLabels(i18n.t);
}

export const SAMPLE_REASON = '血压控制不佳，多次调整用药后收缩压仍高于180 mmHg，需上级医院进一步诊治。';

export function sampleFacts(over: Partial<SlipFacts> = {}): SlipFacts {
  const content = sampleSlipContent();
  const referral: ReferralDoc = {
    id: content.referralId,
    facilityId: 'f-shilong',
    createdAt: '2026-11-22T02:15:00.000Z',
    updatedAt: '2026-11-22T02:15:00.000Z',
    createdBy: 'u-li',
    updatedBy: 'u-li',
    serialNo: content.serialNo,
    patientId: 'p-wei',
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: ['f-guiping'],
    state: 'draft',
    reason: SAMPLE_REASON,
    diagnoses: [
      { code: 'I10', name: '原发性高血压' },
      { code: 'E11.9', name: '2型糖尿病不伴有并发症' },
    ],
    attachmentIds: [],
    appliedSeq: 0,
  };
  return {
    referral,
    patient: { name: '韦秀英', sex: 'female', birthDate: '1958-03-17', idNumber: '45088119580317002X' },
    facility: { code: '450881123', name: '石龙镇中心卫生院' },
    target: { code: '450881001', name: '桂平市人民医院' },
    department: '心血管内科',
    doctor: '黄志明',
    slotTime: '2026-11-24 09:30',
    referringDoctor: '李建国',
    issuedAt: new Date(2026, 10, 22, 10, 15),
    confirmed: false,
    ...over,
  };
}
