/**
 * Health-card (电子健康卡) QR scanners in serial mode: each scan arrives as one line of text,
 * CR, LF or CRLF terminated depending on the scanner's suffix setting. The text is an opaque
 * token (e.g. 64 hex digits + `:type`) that only the platform can resolve, so the parser checks
 * nothing but that it is one line of printable ASCII.
 */
import { LineSplitter } from '../../framing/lines';
import type { Parser } from '../../framing/parser';
import { type Fault, fault, type Scan } from '../../readings';

export const MAX_TOKEN_LENGTH = 1024;

export type ScanEvent = Scan | Fault;

export function createQrLineParser(options: { deviceId: string }): Parser<ScanEvent> {
  const lines = new LineSplitter(MAX_TOKEN_LENGTH);
  return {
    push(chunk) {
      const out: ScanEvent[] = [];
      for (const { line, overlong } of lines.push(chunk)) {
        if (overlong) out.push(fault('garbage', `line longer than ${MAX_TOKEN_LENGTH} bytes`, line));
        else if (line.length > 0) out.push(readLine(line, options.deviceId));
      }
      return out;
    },
    flush() {
      const tail = lines.flush();
      return tail === undefined ? [] : [fault('truncated', `scan ended without its line terminator`, tail)];
    },
  };
}

function readLine(line: Uint8Array, deviceId: string): ScanEvent {
  if (line.some((byte) => byte < 0x20 || byte > 0x7e))
    return fault('garbage', 'non-printable bytes in a scan', line);
  const token = String.fromCharCode(...line).trim();
  return token === '' ? fault('garbage', 'blank scan', line) : { type: 'scan', deviceId, token };
}
