import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createChromiumPdf } from './chromium-pdf';

const pdf = createChromiumPdf(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
afterAll(() => pdf.close());

describe('HTML to PDF in the headless host', () => {
  it('prints A5 pages with Chinese text that pdftotext reads back', async () => {
    const bytes = await pdf.htmlToPdf(
      '<!doctype html><meta charset="utf-8"><style>@page { size: A5; margin: 12mm }</style><h1>双向转诊单</h1><p>患者：张三</p>',
      { pageSize: 'A5', landscape: false },
    );
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = join(mkdtempSync(join(tmpdir(), 'pdf-')), 'slip.pdf');
    writeFileSync(file, bytes);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    // A5 is 148 x 210 mm = 419.5 x 595.3 pt.
    expect(info).toMatch(/Page size:.*\(A5\)/);
    expect(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' })).toContain('双向转诊单');
  }, 60_000);

  it('fetches nothing from the network while rendering', async () => {
    const bytes = await pdf.htmlToPdf('<img src="http://127.0.0.1:9/tracker.png"><p>ok</p>', {
      pageSize: 'A4',
      landscape: true,
    });
    expect(bytes.length).toBeGreaterThan(500);
  }, 60_000);
});
