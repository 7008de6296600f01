import { appendFileSync, readFileSync } from 'node:fs';
import { fromHex, toHex } from '../framing/hex';
import type { Transport } from '../transport/transport';

/**
 * Support captures: one line per chunk, `<ISO time> <in|out> <hex>`, appended as it happens so a
 * crash loses nothing. A capture replays into any parser (see `readCapture`), which is how a
 * clinic's odd device becomes a new fixture.
 */
export type Direction = 'in' | 'out';

export interface CaptureEntry {
  at: string;
  direction: Direction;
  bytes: Uint8Array;
}

export interface CaptureLog {
  record(direction: Direction, bytes: Uint8Array): void;
}

export function fileCapture(path: string, now: () => Date = () => new Date()): CaptureLog {
  return {
    record(direction, bytes) {
      appendFileSync(path, formatCaptureLine({ at: now().toISOString(), direction, bytes }));
    },
  };
}

export function formatCaptureLine(entry: CaptureEntry): string {
  return `${entry.at} ${entry.direction.padEnd(3)} ${toHex(entry.bytes)}\n`;
}

export function parseCapture(text: string): CaptureEntry[] {
  const entries: CaptureEntry[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\S+) (in|out)\s+([0-9a-f ]*)$/.exec(line.trim());
    if (match === null) continue;
    entries.push({
      at: match[1] as string,
      direction: match[2] as Direction,
      bytes: fromHex(match[3] as string),
    });
  }
  return entries;
}

export function readCapture(path: string): CaptureEntry[] {
  return parseCapture(readFileSync(path, 'utf8'));
}

/** Records everything crossing `transport` without the driver knowing. */
export function captureTransport(transport: Transport, log: CaptureLog): Transport {
  transport.onData((chunk) => log.record('in', chunk));
  return {
    get kind() {
      return transport.kind;
    },
    get isOpen() {
      return transport.isOpen;
    },
    write(bytes) {
      log.record('out', bytes);
      return transport.write(bytes);
    },
    onData: (listener) => transport.onData(listener),
    onError: (listener) => transport.onError(listener),
    onClose: (listener) => transport.onClose(listener),
    close: () => transport.close(),
  };
}
