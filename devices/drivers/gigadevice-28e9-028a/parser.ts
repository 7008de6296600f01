/**
 * Fingertip oximeters on a GigaDevice USB chip (VID 28E9, PID 028A), USB HID, 64-byte reports.
 * Facts from devices.md: a live report starts `EB 01`, byte 3 is pulse rate, byte 4 SpO2, 127
 * means invalid, and the host keeps the stream alive by writing `9A 1A`.
 *
 * ASSUMPTIONS: other bytes of the live report are not interpreted; 127 in both fields is read as
 * "no finger" (that is what these devices show on screen when both are blank); reports starting
 * `EB` with another subtype are other report kinds and are ignored; reports not starting `EB`
 * are garbage.
 *
 * node-hid hands over one whole report per data event. The parser still frames by 64 bytes, so
 * it also reads report dumps split anywhere. A short report is noticed when the next report's
 * `EB 01` header shows up inside it (assumed never to occur in a live report's own payload), or
 * when the line goes quiet (flush).
 */
import { ByteQueue } from '../../framing/byte-queue';
import { GarbageRun } from '../../framing/garbage';
import type { Parser } from '../../framing/parser';
import { fault } from '../../readings';
import type { OximeterEvent } from '../../session/oximeter-session';

export const REPORT_SIZE = 64;
const REPORT_START = 0xeb;
const LIVE = 0x01;
const INVALID = 127;
export const KEEP_ALIVE = Uint8Array.of(0x9a, 0x1a);
export const LIMITS = { spo2: [35, 100], pulse: [25, 250] } as const;

export function createGigaDeviceParser(options: { deviceId: string }): Parser<OximeterEvent> {
  const queue = new ByteQueue();
  const garbage = new GarbageRun();
  let fingerOut: boolean | undefined;

  const readReport = (report: Uint8Array, out: OximeterEvent[]): void => {
    if (report[1] !== LIVE) return;
    const pulse = report[3] as number;
    const spo2 = report[4] as number;
    const nowOut = pulse === INVALID && spo2 === INVALID;
    if (nowOut !== fingerOut) {
      if (fingerOut !== undefined || nowOut)
        out.push({ type: 'status', status: nowOut ? 'finger-out' : 'finger-in' });
      fingerOut = nowOut;
    }
    if (pulse === INVALID || spo2 === INVALID) return;
    if (spo2 < LIMITS.spo2[0] || spo2 > LIMITS.spo2[1]) {
      out.push(fault('out-of-range', `SpO2 ${spo2}`, report.subarray(0, 8)));
    } else if (pulse < LIMITS.pulse[0] || pulse > LIMITS.pulse[1]) {
      out.push(fault('out-of-range', `pulse ${pulse}`, report.subarray(0, 8)));
    } else {
      out.push({ type: 'reading', kind: 'spo2', deviceId: options.deviceId, spo2, pulse });
    }
  };

  return {
    push(chunk) {
      queue.push(chunk);
      const out: OximeterEvent[] = [];
      while (queue.length > 0) {
        if (queue.at(0) !== REPORT_START) {
          garbage.add(queue.at(0), out);
          queue.drop(1);
          continue;
        }
        if (queue.length < REPORT_SIZE) break;
        garbage.report(out);
        const report = queue.take(REPORT_SIZE);
        // A live header inside a live report means the report was short and the next one began.
        const restart = report[1] === LIVE ? findLiveHeader(report) : -1;
        if (restart !== -1) {
          out.push(fault('truncated', `report cut after ${restart} bytes`, report.subarray(0, restart)));
          const rest = queue.take(queue.length);
          queue.push(report.subarray(restart));
          queue.push(rest);
          continue;
        }
        readReport(report, out);
      }
      return out;
    },
    flush() {
      const out: OximeterEvent[] = [];
      garbage.report(out);
      if (queue.length > 0) {
        out.push(fault('truncated', `report cut after ${queue.length} bytes`, queue.take(queue.length)));
      }
      return out;
    },
  };
}

function findLiveHeader(report: Uint8Array): number {
  for (let at = report.indexOf(REPORT_START, 1); at !== -1; at = report.indexOf(REPORT_START, at + 1)) {
    if (report[at + 1] === LIVE) return at;
  }
  return -1;
}

export function encodeLiveReport(sample: { spo2: number; pulse: number }): Uint8Array {
  const report = new Uint8Array(REPORT_SIZE);
  report[0] = REPORT_START;
  report[1] = LIVE;
  report[3] = sample.pulse;
  report[4] = sample.spo2;
  return report;
}
