import type { ThermalReferralSlip } from './referral-slip';

/** A referral slip as the renderer sends it; the fixture test pins its exact bytes. */
export const SAMPLE_REFERRAL_SLIP: ThermalReferralSlip = {
  facility: '石龙镇中心卫生院',
  title: '双向转诊单',
  serialNo: '450881123-7KQ3-000042',
  notice: '离线开具：尚未经县级平台确认，接诊前请扫码核验',
  lines: [
    { label: '患者', value: '韦秀英  女  68岁' },
    { label: '转诊', value: '上转 · 门诊' },
    { label: '诊断', value: 'I10 原发性高血压；E11.9 2型糖尿病不伴有并发症' },
    {
      label: '转诊原因',
      value: '血压控制不佳，多次调整用药后收缩压仍高于180 mmHg，需上级医院进一步诊治。',
    },
    { label: '转入机构', value: '桂平市人民医院 心血管内科' },
    { label: '接诊医生', value: '黄志明  2026-11-24 09:30' },
    { label: '转诊医生', value: '李建国  2026-11-22' },
  ],
  qr: 'XYS1.TEST.0123456789AB.SIGNATURE',
  footer: '请携带本单及身份证按时就诊',
};
