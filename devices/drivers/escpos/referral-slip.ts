/**
 * The referral slip (双向转诊单) on an 80 mm thermal roll: 48 columns of
 * Font A (576 dots at 203 dpi), a Chinese character taking two. Lines are
 * wrapped here, not by the printer, so a continued value stays indented under
 * its label and a character is never split. The QR code uses 4-dot modules
 * (0.5 mm): a version 19 code is 93 modules, 372 dots, well inside the roll.
 */
import { Receipt } from './receipt';

export interface ThermalReferralSlip {
  facility: string;
  title: string;
  serialNo: string;
  /** Boxed under the title, e.g. "not yet confirmed by the county". */
  notice?: string;
  lines: Array<{ label: string; value: string }>;
  /** The signed slip code. */
  qr: string;
  footer: string;
}

export const ROLL_COLUMNS = 48;

function columns(char: string): number {
  return (char.codePointAt(0) ?? 0) > 0x7f ? 2 : 1;
}

/** Splits text into lines of at most `width` columns (first line `first` columns). */
export function wrapColumns(text: string, width: number, first = width): string[] {
  const lines: string[] = [];
  let line = '';
  let used = 0;
  let limit = first;
  for (const char of text) {
    const w = columns(char);
    if (used + w > limit) {
      lines.push(line);
      line = '';
      used = 0;
      limit = width;
    }
    line += char;
    used += w;
  }
  lines.push(line);
  return lines;
}

export function referralSlipReceipt(slip: ThermalReferralSlip): Receipt {
  const receipt = new Receipt()
    .align('center')
    .bold(true)
    .size(2, 2)
    .line(slip.facility)
    .line(slip.title)
    .size(1, 1)
    .bold(false)
    .line(`No. ${slip.serialNo}`);
  if (slip.notice) {
    const rule = '='.repeat(ROLL_COLUMNS);
    receipt.line(rule).bold(true);
    for (const part of wrapColumns(slip.notice, ROLL_COLUMNS)) receipt.line(part);
    receipt.bold(false).line(rule);
  }
  receipt.align('left');
  for (const { label, value } of slip.lines) {
    const head = `${label}：`;
    const indent = Array.from(head).reduce((sum, char) => sum + columns(char), 0);
    const [firstPart = '', ...rest] = wrapColumns(value, ROLL_COLUMNS - indent);
    receipt.line(head + firstPart);
    for (const part of rest) receipt.line(' '.repeat(indent) + part);
  }
  return receipt
    .feed(1)
    .align('center')
    .qr(slip.qr, { moduleSize: 4, errorCorrection: 'M' })
    .line(slip.footer)
    .cut();
}
