import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascii, concatBytes } from '../../framing/bytes';
import { checkRandomBytesNeverRead, parseAll, parseSplit } from '../../testing/feed';
import { createMemoryPair } from '../../transport/memory';
import { type KeyStroke, scansFromKeys } from './keyboard';
import { createQrLineParser } from './parser';
import { QrScannerSession } from './session';
import { QrScannerSimulator, sampleToken } from './simulator';

const TOKEN = '3F2A9C0D7E51B8642A0F9E3D5C7B1A2948E6D0C3B5A7F9E1D2C4B6A8F0E3D5C7:1';
const parser = () => createQrLineParser({ deviceId: 'qr-1' });

describe('health-card QR scanner, serial mode', () => {
  it('reads a CR, LF or CRLF terminated token as an opaque string', () => {
    expect(parseAll(parser(), ascii(`${TOKEN}\r`), ascii(`${TOKEN}\n`), ascii(`${TOKEN}\r\n`))).toEqual([
      { type: 'scan', deviceId: 'qr-1', token: TOKEN },
      { type: 'scan', deviceId: 'qr-1', token: TOKEN },
      { type: 'scan', deviceId: 'qr-1', token: TOKEN },
    ]);
  });

  it('faults on non-printable bytes and on a scan that never ends', () => {
    expect(parseAll(parser(), concatBytes(Uint8Array.of(0x00, 0x1b), ascii(`\r${TOKEN}\r`)))).toMatchObject([
      { type: 'fault', reason: 'garbage' },
      { type: 'scan', token: TOKEN },
    ]);
    expect(parseAll(parser(), ascii(TOKEN.slice(0, 20)))).toMatchObject([
      { type: 'fault', reason: 'truncated' },
    ]);
  });

  it('gives the same events however the stream is chunked', () => {
    const stream = ascii(`${TOKEN}\r\n\u0001junk\r${TOKEN}\n`);
    const whole = parseAll(parser(), stream);
    fc.assert(
      fc.property(fc.array(fc.nat(stream.length)), (cuts) => {
        expect(parseSplit(parser(), stream, cuts)).toEqual(whole);
      }),
    );
  });

  it('never crashes on random bytes', () => {
    // Any printable line IS a token to this parser (tokens are opaque), so the guarantee is
    // narrower: no scan ever contains a byte outside printable ASCII.
    checkRandomBytesNeverRead(parser);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        for (const event of parseAll(parser(), bytes)) {
          if (event.type === 'scan') expect(event.token).toMatch(/^[\x20-\x7e]+$/);
        }
      }),
    );
  });

  it('session: next scan, and a garbled scan rejects', async () => {
    const [host, device] = createMemoryPair();
    const simulator = new QrScannerSimulator(device, {});
    const session = new QrScannerSession(host, { deviceId: 'qr-1', idleFlushMs: 20 });
    try {
      const next = session.nextScan(1000);
      simulator.scan();
      await expect(next).resolves.toMatchObject({ token: sampleToken(1) });
      simulator.setFault('truncated');
      const cut = session.nextScan(1000);
      simulator.scan();
      await expect(cut).rejects.toMatchObject({ reason: 'truncated' });
    } finally {
      simulator.stop();
      await session.close();
    }
  });
});

describe('health-card QR scanner, keyboard mode', () => {
  const typed = (text: string, start: number, gapMs: number): KeyStroke[] =>
    [...text, 'Enter'].map((key, i) => ({ key, at: start + i * gapMs }));

  it('a fast burst ending in Enter is a scan', () => {
    expect(scansFromKeys(typed(TOKEN, 1000, 4))).toEqual([TOKEN]);
  });

  it('human typing is not, even when it ends in Enter', () => {
    expect(scansFromKeys(typed('13800001111', 1000, 120))).toEqual([]);
  });

  it('typing right before a scan does not leak into the token', () => {
    const keys = [...typed('abc', 0, 150).slice(0, 3), ...typed(TOKEN, 1000, 3)];
    expect(scansFromKeys(keys)).toEqual([TOKEN]);
  });

  it('ignores Shift, breaks on editing keys, rejects short bursts', () => {
    const withShift = typed('ABCDEFGHIJ', 0, 2).flatMap((stroke) => [
      { key: 'Shift', at: stroke.at },
      stroke,
    ]);
    expect(scansFromKeys(withShift)).toEqual(['ABCDEFGHIJ']);
    const edited = typed('ABCDEFGHIJ', 0, 2);
    edited.splice(9, 0, { key: 'Backspace', at: 17 });
    expect(scansFromKeys(edited)).toEqual([]);
    expect(scansFromKeys(typed('1234', 0, 2))).toEqual([]);
  });

  it('an Enter that comes late is a person confirming, not a scan', () => {
    const keys = typed(TOKEN, 0, 3);
    (keys.at(-1) as KeyStroke).at += 500;
    expect(scansFromKeys(keys)).toEqual([]);
  });
});
