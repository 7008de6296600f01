import type { Parser } from '../../framing/parser';
import type { Fault, Hl7Received, VitalsReading } from '../../readings';
import { MllpDecoder } from './mllp';
import { readOru } from './oru';

export type MonitorEvent = VitalsReading | Hl7Received | Fault;

const utf8 = new TextDecoder('utf-8');
const gb18030 = new TextDecoder('gb18030');
const latin1 = new TextDecoder('latin1');

/** Bytes from a monitor -> receipts (to acknowledge), vitals and faults. */
export function createMonitorParser(options: { deviceId: string }): Parser<MonitorEvent> {
  const mllp = new MllpDecoder();
  return {
    push(chunk) {
      const out: MonitorEvent[] = [];
      for (const item of mllp.push(chunk)) {
        if (!(item instanceof Uint8Array)) {
          out.push(item);
          continue;
        }
        const { receipt, reading, faults } = readOru(decodeText(item), options.deviceId);
        out.push(receipt, ...faults);
        if (reading !== undefined) out.push(reading);
      }
      return out;
    },
    flush: () => mllp.flush(),
  };
}

/** Chinese monitors may declare GB18030 in MSH-18; everything else is read as UTF-8. */
function decodeText(bytes: Uint8Array): string {
  const firstSegment = latin1.decode(bytes.subarray(0, Math.min(bytes.length, 512))).split('\r')[0] ?? '';
  return /GB\s*18030|GBK|GB2312/i.test(firstSegment) ? gb18030.decode(bytes) : utf8.decode(bytes);
}
