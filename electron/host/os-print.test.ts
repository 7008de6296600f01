import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { PrintOptions } from '../bridge/contract';
import {
  type OsPrintSettings,
  osPrinters,
  osPrintSettings,
  PAGE_MARGINS_MM,
  type PrintablePage,
  pdfSettings,
  printOnOsPrinter,
  printOutcome,
} from './os-print';

const A5: PrintOptions = { pageSize: 'A5', landscape: false };
const installed = [
  { name: 'HP_LaserJet_M1136', displayName: 'HP LaserJet M1136' },
  { name: 'Deli_DL-888', displayName: '得力 DL-888' },
];

describe('the OS print settings for an A5 slip', () => {
  it('show the dialog, print A5 portrait with the slip margins in points, and no header or footer', () => {
    const settings = osPrintSettings(A5, installed);
    expect(settings).toEqual({
      silent: false,
      printBackground: true,
      color: true,
      pageSize: 'A5',
      landscape: false,
      // 9 mm = 25.5 pt, 10 mm = 28.3 pt.
      margins: { marginType: 'custom', top: 26, right: 28, bottom: 26, left: 28 },
    });
    for (const key of ['header', 'footer', 'deviceName', 'copies', 'scaleFactor'])
      expect(settings).not.toHaveProperty(key);
  });

  it('preselect the chosen printer while the OS still has it, else leave the default', () => {
    expect(osPrintSettings({ ...A5, printer: 'Deli_DL-888' }, installed).deviceName).toBe('Deli_DL-888');
    // The friendly name is not the system name: not preselected rather than failing.
    expect(osPrintSettings({ ...A5, printer: '得力 DL-888' }, installed)).not.toHaveProperty('deviceName');
    expect(osPrintSettings({ ...A5, printer: 'Removed_Printer' }, installed)).not.toHaveProperty(
      'deviceName',
    );
  });

  it('keep the page the caller asked for', () => {
    expect(osPrintSettings({ pageSize: 'A4', landscape: true }, installed)).toMatchObject({
      pageSize: 'A4',
      landscape: true,
    });
  });
});

describe('the PDF archive copy settings', () => {
  it('give the same page as paper: A5, the slip margins in inches, background, no header or footer', () => {
    expect(pdfSettings(A5)).toEqual({
      pageSize: 'A5',
      landscape: false,
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: false,
      margins: { top: 0.354, right: 0.394, bottom: 0.354, left: 0.394 },
    });
  });

  it('match the slip template @page rule, so paper, PDF and preview agree', () => {
    const template = readFileSync(
      new URL('../../renderer/referrals/slip/slip-template.ts', import.meta.url),
      'utf8',
    );
    const { top, right, bottom, left } = PAGE_MARGINS_MM;
    expect([top, right]).toEqual([bottom, left]);
    expect(template).toContain(`@page { size: A5 portrait; margin: ${top}mm ${right}mm; }`);
  });
});

describe('the print outcome', () => {
  it('names success, a dismissed dialog and a failure', () => {
    expect(printOutcome(true, '')).toEqual({ ok: true });
    expect(printOutcome(false, 'Print job canceled')).toEqual({
      ok: false,
      reason: 'cancelled',
      detail: 'Print job canceled',
    });
    expect(printOutcome(false, 'Print job failed')).toEqual({
      ok: false,
      reason: 'failed',
      detail: 'Print job failed',
    });
    expect(printOutcome(false, '')).toMatchObject({ reason: 'failed', detail: 'the printer gave no reason' });
  });

  it('lists printers by system name, with a readable name', () => {
    expect(osPrinters([{ name: 'HP_LaserJet_M1136', displayName: '' }, installed[1] as never])).toEqual([
      { name: 'HP_LaserJet_M1136', displayName: 'HP_LaserJet_M1136' },
      installed[1],
    ]);
  });
});

describe('printing a page on the OS printer', () => {
  function page(printers = installed, answer = { success: true, failureReason: '' }) {
    const print = vi.fn(async (_settings: OsPrintSettings) => answer);
    return { page: { printers: async () => printers, print } satisfies PrintablePage, print };
  }

  it('opens the dialog on the chosen printer and reports the result', async () => {
    const { page: p, print } = page();
    expect(await printOnOsPrinter(p, { ...A5, printer: 'Deli_DL-888' })).toEqual({ ok: true });
    expect(print).toHaveBeenCalledWith(expect.objectContaining({ silent: false, deviceName: 'Deli_DL-888' }));
  });

  it('says there is no printer without opening a dialog', async () => {
    const { page: p, print } = page([]);
    expect(await printOnOsPrinter(p, A5)).toMatchObject({ ok: false, reason: 'no-printer' });
    expect(print).not.toHaveBeenCalled();
  });

  it('reports a cancelled dialog as cancelled', async () => {
    const { page: p } = page(installed, { success: false, failureReason: 'Print job canceled' });
    expect(await printOnOsPrinter(p, A5)).toMatchObject({ ok: false, reason: 'cancelled' });
  });
});
