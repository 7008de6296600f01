/**
 * ESC/POS receipt builder: pure, returns bytes, no printer needed. Commands as in devices.md:
 *   init 1B 40 | align 1B 61 n | bold 1B 45 n | size 1D 21 n | partial cut 1D 56 01
 *   Chinese mode on 1C 26 / off 1C 2E (many Chinese printers need it around GB18030 text)
 *   QR model 2: 1D 28 6B 04 00 31 41 32 00, module size 1D 28 6B 03 00 31 43 n,
 *   error correction 1D 28 6B 03 00 31 45 n, store 1D 28 6B pL pH 31 50 30 <data>
 *   (pL + 256 pH = data length + 3), print 1D 28 6B 03 00 31 51 30.
 */
import { concatBytes } from '../../framing/bytes';
import { encodeGb18030 } from './gb18030';

export type Align = 'left' | 'center' | 'right';
export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;
const ALIGN: Record<Align, number> = { left: 0, center: 1, right: 2 };
const ECC: Record<QrErrorCorrection, number> = { L: 0x30, M: 0x31, Q: 0x32, H: 0x33 };
/** The store command's length field is two bytes; the rest of the limit is the printer's buffer. */
const MAX_QR_DATA = 7089;
/** QR payloads go out as UTF-8, which phone scanners expect; receipt text is GB18030. */
const utf8 = new TextEncoder();

export interface ReceiptOptions {
  /** Wrap non-ASCII text in FS & / FS . (on by default; turn off for printers that reject it). */
  chineseMode?: boolean;
}

export class Receipt {
  private readonly parts: Uint8Array[] = [];
  private readonly chineseMode: boolean;

  constructor(options: ReceiptOptions = {}) {
    this.chineseMode = options.chineseMode ?? true;
    this.raw(ESC, 0x40);
  }

  align(align: Align): this {
    return this.raw(ESC, 0x61, ALIGN[align]);
  }

  bold(on: boolean): this {
    return this.raw(ESC, 0x45, on ? 1 : 0);
  }

  /** Character magnification, 1-8 in each direction. */
  size(width: number, height: number): this {
    const w = clamp(width, 1, 8) - 1;
    const h = clamp(height, 1, 8) - 1;
    return this.raw(GS, 0x21, (w << 4) | h);
  }

  text(text: string): this {
    if (!this.chineseMode || isAscii(text)) {
      this.parts.push(encodeGb18030(text));
      return this;
    }
    return this.raw(FS, 0x26).bytes(encodeGb18030(text)).raw(FS, 0x2e);
  }

  line(text = ''): this {
    return this.text(text).raw(LF);
  }

  feed(lines = 1): this {
    return this.raw(...new Array<number>(lines).fill(LF));
  }

  qr(data: string, options: { moduleSize?: number; errorCorrection?: QrErrorCorrection } = {}): this {
    const payload = utf8.encode(data);
    if (payload.length > MAX_QR_DATA)
      throw new RangeError(`QR data is ${payload.length} bytes, max ${MAX_QR_DATA}`);
    const stored = payload.length + 3;
    return this.raw(GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00)
      .raw(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, clamp(options.moduleSize ?? 6, 1, 16))
      .raw(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, ECC[options.errorCorrection ?? 'M'])
      .raw(GS, 0x28, 0x6b, stored & 0xff, stored >> 8, 0x31, 0x50, 0x30)
      .bytes(payload)
      .raw(GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30);
  }

  /** Feeds past the tear bar, then leaves one point uncut so the slip does not drop. */
  cut(): this {
    return this.feed(3).raw(GS, 0x56, 0x01);
  }

  build(): Uint8Array {
    return concatBytes(...this.parts);
  }

  private raw(...bytes: number[]): this {
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }

  private bytes(bytes: Uint8Array): this {
    this.parts.push(bytes);
    return this;
  }
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, Math.round(value)));
}
