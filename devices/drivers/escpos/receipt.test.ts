import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ascii } from '../../framing/bytes';
import { fromHex, toHex } from '../../framing/hex';
import { createMemoryPair } from '../../transport/memory';
import { encodeGb18030 } from './gb18030';
import { Receipt } from './receipt';
import { sampleReceipt } from './sample-receipt';
import { PrinterSession } from './session';
import { PrinterSimulator } from './simulator';
import { createPrinterStatusParser } from './status';

describe('GB18030 encoder', () => {
  it('encodes hanzi, full-width punctuation and ASCII like the standard', () => {
    expect(toHex(encodeGb18030('中文'))).toBe('d6 d0 ce c4');
    expect(toHex(encodeGb18030('乡医'))).toBe('cf e7 d2 bd');
    expect(toHex(encodeGb18030('：￥'))).toBe('a3 ba a3 a4');
    expect(toHex(encodeGb18030('BP 120'))).toBe(toHex(ascii('BP 120')));
  });

  it('round-trips through the platform decoder', () => {
    const text = '凉山彝族自治州昭觉县竹核乡卫生院 血压 收缩压/舒张压';
    expect(new TextDecoder('gb18030').decode(encodeGb18030(text))).toBe(text);
  });

  it('emits ? for what needs four bytes (documented limit)', () => {
    expect(encodeGb18030('😀𠀀')).toEqual(ascii('??'));
  });
});

describe('ESC/POS receipt', () => {
  it('matches the expected bytes of the sample receipt exactly', () => {
    const expected = readFileSync(new URL('./fixtures/sample-receipt.bin', import.meta.url));
    expect(toHex(sampleReceipt().build())).toBe(toHex(new Uint8Array(expected)));
  });

  it('emits the documented QR store/print sequence with pL/pH = length + 3', () => {
    const bytes = new Receipt().qr('ABC', { moduleSize: 4, errorCorrection: 'H' }).build();
    expect(toHex(bytes)).toBe(
      toHex(
        fromHex(`1b 40
          1d 28 6b 04 00 31 41 32 00
          1d 28 6b 03 00 31 43 04
          1d 28 6b 03 00 31 45 33
          1d 28 6b 06 00 31 50 30 41 42 43
          1d 28 6b 03 00 31 51 30`),
      ),
    );
  });

  it('wraps Chinese text in FS & / FS . unless told not to', () => {
    expect(toHex(new Receipt().text('医').build())).toBe('1b 40 1c 26 d2 bd 1c 2e');
    expect(toHex(new Receipt({ chineseMode: false }).text('医').build())).toBe('1b 40 d2 bd');
    expect(toHex(new Receipt().bold(true).size(2, 3).align('right').cut().build())).toBe(
      '1b 40 1b 45 01 1d 21 12 1b 61 02 0a 0a 0a 1d 56 01',
    );
  });
});

describe('printer status and session', () => {
  it('parses DLE EOT 4 paper status bytes and skips noise', () => {
    const parser = createPrinterStatusParser({ deviceId: 'p' });
    expect(parser.push(fromHex('12 1e 72 ff'))).toEqual([
      { type: 'status', status: 'paper-ok' },
      { type: 'status', status: 'paper-near-end' },
      { type: 'status', status: 'paper-out' },
    ]);
    expect(parser.flush()).toMatchObject([{ type: 'fault', reason: 'garbage' }]);
  });

  it('prints when there is paper and refuses on an empty roll', async () => {
    const [host, device] = createMemoryPair();
    const printer = new PrinterSimulator(device, {});
    const session = new PrinterSession(host, { deviceId: 'printer-1' });
    try {
      const receipt = sampleReceipt();
      await session.print(receipt);
      await new Promise((resolve) => setImmediate(resolve));
      expect(toHex(printer.printed)).toBe(toHex(new Uint8Array([0x10, 0x04, 0x04, ...receipt.build()])));
      printer.setFault('error');
      await expect(session.print(receipt)).rejects.toMatchObject({
        reason: 'device-error',
        deviceCode: 'paper-out',
      });
    } finally {
      printer.stop();
      await session.close();
    }
  });
});
