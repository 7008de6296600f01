import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../framing/hex';
import { ROLL_COLUMNS, referralSlipReceipt, wrapColumns } from './referral-slip';
import { SAMPLE_REFERRAL_SLIP } from './sample-referral-slip';

const gb = new TextDecoder('gb18030');

/** The printable text of ESC/POS bytes: commands and the QR store dropped, lines split at LF. */
function printedLines(bytes: Uint8Array): string[] {
  const text: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i] ?? 0;
    if (b === 0x1b) i += b === 0x1b && bytes[i + 1] === 0x40 ? 2 : 3;
    else if (b === 0x1c) i += 2;
    else if (b === 0x1d && bytes[i + 1] === 0x28) i += 5 + ((bytes[i + 3] ?? 0) | ((bytes[i + 4] ?? 0) << 8));
    else if (b === 0x1d) i += 3;
    else {
      text.push(b);
      i += 1;
    }
  }
  return gb.decode(Uint8Array.from(text)).split('\n');
}

describe('ESC/POS referral slip (80 mm)', () => {
  it('matches the expected bytes of the sample slip exactly', () => {
    const expected = readFileSync(new URL('./fixtures/sample-referral-slip.bin', import.meta.url));
    expect(toHex(referralSlipReceipt(SAMPLE_REFERRAL_SLIP).build())).toBe(toHex(new Uint8Array(expected)));
  });

  it('prints every field, wraps long values under their label, never past 48 columns', () => {
    const lines = printedLines(referralSlipReceipt(SAMPLE_REFERRAL_SLIP).build());
    expect(lines.slice(0, 3)).toEqual(['石龙镇中心卫生院', '双向转诊单', 'No. 450881123-7KQ3-000042']);
    expect(lines).toContain('离线开具：尚未经县级平台确认，接诊前请扫码核验');
    const reason = lines.findIndex((line) => line.startsWith('转诊原因：'));
    expect(lines[reason + 1]).toMatch(/^ {10}\S/);
    expect(lines.join('')).toContain('请携带本单及身份证按时就诊');
    const width = (line: string) =>
      Array.from(line).reduce((n, c) => n + (c.charCodeAt(0) > 0x7f ? 2 : 1), 0);
    for (const line of lines.slice(3)) expect(width(line)).toBeLessThanOrEqual(ROLL_COLUMNS);
  });

  it('stores the slip code in the QR with pL/pH = length + 3 and 4-dot modules', () => {
    const code = `XYS1.${'A'.repeat(500)}`;
    const hex = toHex(referralSlipReceipt({ ...SAMPLE_REFERRAL_SLIP, qr: code }).build());
    expect(hex).toContain('1d 28 6b 03 00 31 43 04');
    expect(hex).toContain(
      `1d 28 6b ${toHex(Uint8Array.of((code.length + 3) & 255, (code.length + 3) >> 8))} 31 50 30`,
    );
  });

  it('wraps by columns, a Chinese character counting two', () => {
    expect(wrapColumns('一二三四五', 4)).toEqual(['一二', '三四', '五']);
    expect(wrapColumns('ab一二', 4, 3)).toEqual(['ab', '一二']);
  });
});
