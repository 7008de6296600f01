/**
 * Printing a self-contained page (the A5 referral slip) in Electron: the
 * settings for webContents.print and printToPDF, and the print flow against a
 * page that can list printers and print. Nothing here touches Electron, so it
 * is tested without a display; main.ts only hands in a hidden window's
 * webContents.
 */
import type { OsPrinter, PdfOptions, PrintOptions, PrintOutcome } from '../bridge/contract';

/**
 * The page margins, the same as the slip template's `@page` rule (9 mm top
 * and bottom, 10 mm left and right): the paper copy and the PDF archive copy
 * must come out alike, whatever the printer's own default margins are.
 */
export const PAGE_MARGINS_MM = { top: 9, right: 10, bottom: 9, left: 10 } as const;

const MM_PER_INCH = 25.4;
const POINTS_PER_INCH = 72;

type Margins = { top: number; right: number; bottom: number; left: number };
const marginsIn = (perInch: number, round: (n: number) => number): Margins => ({
  top: round((PAGE_MARGINS_MM.top / MM_PER_INCH) * perInch),
  right: round((PAGE_MARGINS_MM.right / MM_PER_INCH) * perInch),
  bottom: round((PAGE_MARGINS_MM.bottom / MM_PER_INCH) * perInch),
  left: round((PAGE_MARGINS_MM.left / MM_PER_INCH) * perInch),
});

/** What webContents.print takes (the subset used here). */
export interface OsPrintSettings {
  silent: false;
  printBackground: true;
  color: boolean;
  pageSize: PdfOptions['pageSize'];
  landscape: boolean;
  margins: { marginType: 'custom' } & Margins;
  deviceName?: string;
}

/** What webContents.printToPDF takes (the subset used here). */
export interface PdfSettings {
  pageSize: PdfOptions['pageSize'];
  landscape: boolean;
  printBackground: true;
  preferCSSPageSize: true;
  displayHeaderFooter: false;
  margins: Margins;
}

/**
 * Settings for the OS print dialog. Never silent: the doctor sees the dialog,
 * picks paper and copies, and can cancel. No header or footer keys at all:
 * given either, Chromium prints the page title, URL and date around the slip.
 * The chosen printer is preselected only while the OS still has it (a printer
 * removed since falls back to the system default instead of failing).
 */
export function osPrintSettings(options: PrintOptions, installed: readonly OsPrinter[]): OsPrintSettings {
  const known = options.printer !== undefined && installed.some((p) => p.name === options.printer);
  return {
    silent: false,
    printBackground: true,
    // The seal is red; a colour printer prints it so.
    color: true,
    pageSize: options.pageSize,
    landscape: options.landscape,
    // Chromium reads custom print margins in points (Electron's docs say pixels).
    margins: { marginType: 'custom', ...marginsIn(POINTS_PER_INCH, Math.round) },
    ...(known ? { deviceName: options.printer } : {}),
  };
}

/** Settings for the PDF archive copy: the same page as the paper one. */
export function pdfSettings(options: PdfOptions): PdfSettings {
  return {
    pageSize: options.pageSize,
    landscape: options.landscape,
    printBackground: true,
    preferCSSPageSize: true,
    displayHeaderFooter: false,
    // printToPDF takes inches.
    margins: marginsIn(1, (n) => Math.round(n * 1000) / 1000),
  };
}

/** What the print callback said, in the bridge's words. */
export function printOutcome(success: boolean, failureReason: string): PrintOutcome {
  if (success) return { ok: true };
  // Electron reports a dismissed dialog as "Print job canceled" (or "cancelled").
  if (/cancel/i.test(failureReason)) return { ok: false, reason: 'cancelled', detail: failureReason };
  return { ok: false, reason: 'failed', detail: failureReason || 'the printer gave no reason' };
}

/** Electron's printer list, as the bridge gives it. */
export function osPrinters(list: ReadonlyArray<{ name: string; displayName?: string }>): OsPrinter[] {
  return list.map((p) => ({ name: p.name, displayName: p.displayName || p.name }));
}

/** A loaded page that can print: a hidden window's webContents in Electron, a fake in tests. */
export interface PrintablePage {
  printers(): Promise<OsPrinter[]>;
  print(settings: OsPrintSettings): Promise<{ success: boolean; failureReason: string }>;
}

export async function printOnOsPrinter(page: PrintablePage, options: PrintOptions): Promise<PrintOutcome> {
  const installed = await page.printers();
  if (installed.length === 0)
    return { ok: false, reason: 'no-printer', detail: 'no printer is installed on this PC' };
  const { success, failureReason } = await page.print(osPrintSettings(options, installed));
  return printOutcome(success, failureReason);
}
