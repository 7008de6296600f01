/**
 * The one thing an ESC/POS printer says back: real-time status. The host sends DLE EOT 4
 * (`10 04 04`, paper sensor) and gets one byte shaped 0xx1xx10: bits 2-3 paper near end,
 * bits 5-6 paper end. Any byte not of that shape is noise.
 */
import { GarbageRun } from '../../framing/garbage';
import type { Parser } from '../../framing/parser';
import type { DeviceStatus, Fault } from '../../readings';

export const PAPER_STATUS_REQUEST = Uint8Array.of(0x10, 0x04, 0x04);
const FIXED_MASK = 0x93;
const FIXED_BITS = 0x12;

export type PrinterEvent = DeviceStatus | Fault;

export function createPrinterStatusParser(_options: { deviceId: string }): Parser<PrinterEvent> {
  const garbage = new GarbageRun();
  return {
    push(chunk) {
      const out: PrinterEvent[] = [];
      for (const byte of chunk) {
        if ((byte & FIXED_MASK) !== FIXED_BITS) {
          garbage.add(byte, out);
          continue;
        }
        garbage.report(out);
        out.push({ type: 'status', status: paperStatus(byte) });
      }
      return out;
    },
    flush() {
      const out: PrinterEvent[] = [];
      garbage.report(out);
      return out;
    },
  };
}

function paperStatus(byte: number): DeviceStatus['status'] {
  if ((byte & 0x60) !== 0) return 'paper-out';
  if ((byte & 0x0c) !== 0) return 'paper-near-end';
  return 'paper-ok';
}

export const STATUS_BYTES = { 'paper-ok': 0x12, 'paper-near-end': 0x1e, 'paper-out': 0x72 } as const;
