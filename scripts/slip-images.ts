/**
 * Finding the slip QR code in a PDF or a picture, for the verifier command,
 * the render test and the bench: pdftoppm (poppler) rasterises a PDF to grey
 * PGM, pngjs (qrcode's own PNG codec) reads PNG, jsQR finds the code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQR from 'jsqr';

export interface Raster {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  rgba: Uint8ClampedArray;
}

/** Binary PGM (P5, 8-bit) as written by `pdftoppm -gray`. */
export function parsePgm(bytes: Buffer): Raster {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(bytes.subarray(0, 64).toString('latin1'));
  if (!header) throw new Error('not a binary PGM image');
  const [whole, w, h] = header;
  const width = Number(w);
  const height = Number(h);
  const grey = bytes.subarray(whole.length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const v = grey[i] ?? 255;
    rgba.set([v, v, v, 255], i * 4);
  }
  return { width, height, rgba };
}

type PngCodec = { PNG: { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } } };

export function readPng(bytes: Buffer): Raster {
  // pngjs comes with qrcode; it ships no types, so only this shape is used.
  const { PNG } = createRequire(import.meta.url)('pngjs') as PngCodec;
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, rgba: new Uint8ClampedArray(png.data) };
}

/** Page 1 of a PDF as a raster at `dpi`. */
export function rasterisePdf(pdf: string, dpi = 200): Raster {
  const dir = mkdtempSync(join(tmpdir(), 'slip-raster-'));
  try {
    execFileSync('pdftoppm', [
      '-gray',
      '-r',
      String(dpi),
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      pdf,
      join(dir, 'page'),
    ]);
    return parsePgm(readFileSync(join(dir, 'page.pgm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function findQrText(raster: Raster): string | null {
  return jsQR(raster.rgba, raster.width, raster.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
}

/** The slip code in a file: a PDF, a PNG, or a text file holding the code itself. */
export function slipCodeFromFile(path: string): string {
  const bytes = readFileSync(path);
  const found = (raster: Raster) => {
    const text = findQrText(raster);
    if (text === null) throw new Error(`no QR code found in ${path}`);
    return text;
  };
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return found(rasterisePdf(path));
  if (bytes.subarray(1, 4).toString('latin1') === 'PNG') return found(readPng(bytes));
  return bytes.toString('utf8').trim();
}
