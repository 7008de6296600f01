/**
 * HTML to PDF for the headless host, with the system's Chromium (the same
 * engine Electron's printToPDF uses). One browser is started on first use
 * and reused; each job gets its own page.
 */
import { type Browser, chromium } from 'playwright-core';
import type { PdfOptions } from '../bridge/contract';

export function createChromiumPdf(executablePath: string) {
  let browser: Promise<Browser> | undefined;
  const launch = () =>
    chromium.launch({
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
  return {
    async htmlToPdf(html: string, options: PdfOptions): Promise<Buffer> {
      browser ??= launch();
      const page = await (await browser).newPage();
      try {
        // No network: a slip must be self-contained, so anything it tries to fetch is refused.
        await page.route('**/*', (route) => route.abort());
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({
          format: options.pageSize,
          landscape: options.landscape,
          printBackground: true,
          preferCSSPageSize: true,
        });
      } finally {
        await page.close();
      }
    },
    async close() {
      if (browser) await (await browser).close();
    },
  };
}
