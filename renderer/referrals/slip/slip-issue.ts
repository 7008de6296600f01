/**
 * Issuing a slip: the signed content, its QR code and the A5 HTML, plus the
 * thermal variant. The host signs (the private key never reaches the page).
 */
import QRCode from 'qrcode';
import type { ClinicBridge, ThermalReferralSlip } from '../../../electron/bridge/contract';
import { canonicalSlip, encodeSlipPayload, type SlipContent } from '../../../sync/protocol/referral/slip';
import { type SlipFacts, slipContent } from './slip-model';
import { type SlipLabels, slipHtml } from './slip-template';

export interface IssuedSlip {
  facts: SlipFacts;
  content: SlipContent;
  code: string;
  keyId: string;
  html: string;
}

/** Error correction M: a stamp or a fold over part of the code still reads. */
export const SLIP_QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 1 } as const;

export async function issueSlip(
  signer: Pick<ClinicBridge['slip'], 'sign'>,
  facts: SlipFacts,
  labels: SlipLabels,
): Promise<IssuedSlip> {
  const content = slipContent(facts);
  const text = canonicalSlip(content);
  const { keyId, signature } = await signer.sign(text);
  const code = encodeSlipPayload({ text, keyId, signature });
  const qrSvg = await QRCode.toString(code, { ...SLIP_QR_OPTIONS, type: 'svg' });
  return { facts, content, code, keyId, html: slipHtml({ facts, content, code, keyId, qrSvg, labels }) };
}

export function thermalSlip(slip: IssuedSlip, labels: SlipLabels & { footer: string }): ThermalReferralSlip {
  const { facts, content } = slip;
  const none = labels.none;
  // The bridge takes at most 200 characters a line; whole characters only.
  const cut = (text: string) => {
    const chars = Array.from(text);
    return chars.length > 190 ? `${chars.slice(0, 189).join('')}…` : text;
  };
  return {
    facility: facts.facility.name,
    title: labels.title,
    serialNo: content.serialNo,
    ...(content.confirmation === 'unconfirmed'
      ? { notice: `${labels.unconfirmed} ${labels.unconfirmedHint}` }
      : {}),
    lines: [
      { label: labels.patient, value: `${facts.patient.name} ${labels.sexes[content.patientSex]}` },
      {
        label: labels.direction,
        value: `${labels.directions[content.direction]} · ${labels.types[content.type]}`,
      },
      {
        label: labels.diagnosis,
        value: cut(facts.referral.diagnoses.map((d) => `${d.code} ${d.name}`).join('；') || none),
      },
      { label: labels.reason, value: cut(facts.referral.reason) },
      { label: labels.target, value: cut(facts.target?.name ?? none) },
      { label: labels.department, value: facts.department ?? none },
      { label: labels.doctor, value: facts.doctor ?? none },
      { label: labels.slotTime, value: facts.slotTime ?? none },
      { label: labels.referringDoctor, value: facts.referringDoctor },
      { label: labels.issuedAt, value: content.issuedAt },
    ],
    qr: slip.code,
    footer: labels.footer,
  };
}
