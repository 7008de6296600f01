/**
 * The A5 referral slip (双向转诊单) as self-contained HTML: no script, no
 * fetch, the QR code as inline SVG and the seal as a data: URL, so the same
 * string prints in Electron, renders to PDF in the headless host and shows in
 * the preview frame. Pure: labels come translated.
 */
import type { SlipContent } from '../../../sync/protocol/referral/slip';
import { ageAt, type SlipFacts } from './slip-model';

export const SLIP_LABEL_KEYS = [
  'title',
  'serialNo',
  'unconfirmed',
  'unconfirmedHint',
  'patient',
  'sex',
  'age',
  'idTail',
  'direction',
  'type',
  'diagnosis',
  'reason',
  'target',
  'department',
  'doctor',
  'slotTime',
  'slotPending',
  'referringDoctor',
  'issuedAt',
  'stamp',
  'seal',
  'verify',
  'keyId',
  'none',
] as const;
export type SlipLabels = Record<(typeof SLIP_LABEL_KEYS)[number], string> & {
  sexes: Record<SlipContent['patientSex'], string>;
  directions: Record<SlipContent['direction'], string>;
  types: Record<SlipContent['type'], string>;
};

export interface SlipDocument {
  facts: SlipFacts;
  content: SlipContent;
  /** The signed slip code the QR carries. */
  code: string;
  keyId: string;
  /** `<svg …>` of the QR code. */
  qrSvg: string;
  labels: SlipLabels;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function row(label: string, value: string, testId: string, wide = false): string {
  return `<tr${wide ? ' class="wide"' : ''}><th>${escapeHtml(label)}</th><td colspan="3" data-field="${testId}">${escapeHtml(value)}</td></tr>`;
}

function pair(a: [string, string, string], b: [string, string, string]): string {
  return `<tr><th>${escapeHtml(a[0])}</th><td data-field="${a[2]}">${escapeHtml(a[1])}</td><th>${escapeHtml(b[0])}</th><td data-field="${b[2]}">${escapeHtml(b[1])}</td></tr>`;
}

const STYLE = `
@page { size: A5 portrait; margin: 9mm 10mm; }
* { box-sizing: border-box; }
html, body { margin: 0; }
@media screen { body { padding: 9mm 10mm; } }
body { font-family: "Noto Serif CJK SC", "SimSun", "Songti SC", "Noto Sans CJK SC", serif; color: #000; font-size: 10.5pt; }
header { text-align: center; border-bottom: 1.2pt solid #000; padding-bottom: 2mm; margin-bottom: 2.5mm; }
header .facility { font-size: 13pt; letter-spacing: 0.5pt; }
header h1 { font-size: 18pt; margin: 1mm 0 0; letter-spacing: 6pt; }
.serial { display: flex; justify-content: space-between; font-size: 9.5pt; margin-bottom: 2mm; }
.serial b { font-family: "DejaVu Sans Mono", monospace; font-weight: 600; }
.unconfirmed { border: 1.5pt solid #000; padding: 1.5mm 2.5mm; margin-bottom: 2.5mm; font-weight: 700; font-size: 11pt; }
.unconfirmed small { display: block; font-weight: 400; font-size: 8.5pt; margin-top: 0.5mm; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th, td { border: 0.6pt solid #000; padding: 1.3mm 1.8mm; text-align: left; vertical-align: top; line-height: 1.35; }
th { width: 21mm; font-weight: 600; background: #f1f1f1; white-space: nowrap; }
tr.wide td { height: 17mm; }
footer { display: flex; justify-content: space-between; align-items: flex-start; margin-top: 3.5mm; gap: 4mm; }
.stamp { position: relative; width: 42mm; height: 42mm; border: 0.8pt dashed #000; }
.stamp span { position: absolute; left: 0; right: 0; top: 100%; margin-top: 1mm; text-align: center; font-size: 8.5pt; }
.stamp img { position: absolute; left: 50%; top: 50%; width: 38mm; height: 38mm; transform: translate(-50%, -50%); object-fit: contain; opacity: 0.9; }
.qr { width: 40mm; text-align: center; font-size: 7.5pt; }
.qr svg { width: 40mm; height: 40mm; display: block; }
.qr .key { font-family: "DejaVu Sans Mono", monospace; }
`;

export function slipHtml(doc: SlipDocument): string {
  const { facts, content, labels } = doc;
  const age = ageAt(facts.patient.birthDate, facts.issuedAt);
  const idTail = content.patientIdTail ? `****${content.patientIdTail}` : labels.none;
  const diagnoses = facts.referral.diagnoses.map((d) => `${d.code} ${d.name}`).join('；') || labels.none;
  const dash = (value: string | undefined) => value || labels.none;
  const seal = facts.sealImage?.startsWith('data:image/')
    ? `<img src="${escapeHtml(facts.sealImage)}" alt="${escapeHtml(labels.seal)}">`
    : '';
  const unconfirmed =
    content.confirmation === 'unconfirmed'
      ? `<div class="unconfirmed" data-field="unconfirmed">${escapeHtml(labels.unconfirmed)}<small>${escapeHtml(labels.unconfirmedHint)}</small></div>`
      : '';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(labels.title)} ${escapeHtml(content.serialNo)}</title>
<style>${STYLE}</style></head>
<body>
<header><div class="facility" data-field="facility">${escapeHtml(facts.facility.name)}</div><h1>${escapeHtml(labels.title)}</h1></header>
<div class="serial"><span>${escapeHtml(labels.serialNo)}：<b data-field="serialNo">${escapeHtml(content.serialNo)}</b></span><span>${escapeHtml(labels.issuedAt)}：<span data-field="issuedAt">${escapeHtml(content.issuedAt)}</span></span></div>
${unconfirmed}
<table>
${pair([labels.patient, facts.patient.name, 'patient'], [labels.sex, `${labels.sexes[content.patientSex]}${age === undefined ? '' : `　${labels.age.replace('{{age}}', String(age))}`}`, 'sex'])}
${pair([labels.direction, labels.directions[content.direction], 'direction'], [labels.type, labels.types[content.type], 'type'])}
${row(labels.idTail, idTail, 'idTail')}
${row(labels.diagnosis, diagnoses, 'diagnosis')}
${row(labels.reason, facts.referral.reason, 'reason', true)}
${row(labels.target, dash(facts.target?.name), 'target')}
${pair([labels.department, dash(facts.department), 'department'], [labels.doctor, dash(facts.doctor), 'doctor'])}
${pair([labels.slotTime, `${dash(facts.slotTime)}${facts.slotPending ? labels.slotPending : ''}`, 'slotTime'], [labels.referringDoctor, facts.referringDoctor, 'referringDoctor'])}
</table>
<footer>
<div class="stamp" data-field="stamp"><span>${escapeHtml(labels.stamp)}</span>${seal}</div>
<div class="qr" data-field="qr">${doc.qrSvg}<div>${escapeHtml(labels.verify)}</div><div class="key">${escapeHtml(labels.keyId)} ${escapeHtml(doc.keyId)}</div></div>
</footer>
</body></html>`;
}
