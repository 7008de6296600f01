/**
 * Contec CMS50D+ (firmware 4.6) live stream over its USB-serial cable: 19200 baud, 8 data bits,
 * ODD parity, 1 stop bit, about 60 packets a second, sent without any request.
 *
 * Each packet is 5 bytes; only byte 0 has bit 7 set, which is the only framing there is (no
 * checksum, so a corrupted value byte is indistinguishable from a real one; only ranges guard).
 *   byte 0: bit 7 sync, bit 6 pulse beep, bit 5 SpO2 dropping, bit 4 finger out, bits 0-3 signal
 *   byte 1: plethysmogram sample, 0-127
 *   byte 2: bits 0-3 bar graph, bit 4 probe error, bit 5 searching too long, bit 6 pulse-rate bit 7
 *   byte 3: pulse-rate bits 0-6
 *   byte 4: SpO2 %
 * The bit positions inside bytes 0 and 2 follow what open-source readers of this model found;
 * devices.md only confirms "sync, signal strength, finger-out flag" and "bar graph + pulse bit 7".
 * While searching the device sends 127 (SpO2) / 255 (pulse) or zeros: no value, not a fault.
 */
import { GarbageRun } from '../../framing/garbage';
import type { Parser } from '../../framing/parser';
import { fault } from '../../readings';
import type { OximeterEvent } from '../../session/oximeter-session';

export const PACKET_LENGTH = 5;
const SYNC = 0x80;

export const LIMITS = { spo2: [35, 100], pulse: [25, 250] } as const;
const NO_SPO2 = new Set([0, 127]);
const NO_PULSE = new Set([0, 255]);

export function createCms50Parser(options: { deviceId: string }): Parser<OximeterEvent> {
  const packet = new Uint8Array(PACKET_LENGTH);
  let held = 0;
  let fingerOut: boolean | undefined;
  const garbage = new GarbageRun();

  const decode = (out: OximeterEvent[]): void => {
    const first = packet[0] as number;
    const byte2 = packet[2] as number;
    const nowOut = (first & 0x10) !== 0;
    if (nowOut !== fingerOut) {
      // Only changes are news; at 60 packets a second repeating the state would drown listeners.
      if (fingerOut !== undefined || nowOut)
        out.push({ type: 'status', status: nowOut ? 'finger-out' : 'finger-in' });
      fingerOut = nowOut;
    }
    if (nowOut) return;
    if ((byte2 & 0x10) !== 0) {
      out.push(fault('device-error', 'probe error', packet.slice(), 'probe-error'));
      return;
    }
    const spo2 = (packet[4] as number) & 0x7f;
    const pulse = ((byte2 & 0x40) << 1) | ((packet[3] as number) & 0x7f);
    if (NO_SPO2.has(spo2) || NO_PULSE.has(pulse)) return;
    if (spo2 < LIMITS.spo2[0] || spo2 > LIMITS.spo2[1]) {
      out.push(fault('out-of-range', `SpO2 ${spo2}`, packet.slice()));
      return;
    }
    if (pulse < LIMITS.pulse[0] || pulse > LIMITS.pulse[1]) {
      out.push(fault('out-of-range', `pulse ${pulse}`, packet.slice()));
      return;
    }
    out.push({
      type: 'reading',
      kind: 'spo2',
      deviceId: options.deviceId,
      spo2,
      pulse,
      pleth: (packet[1] as number) & 0x7f,
      signal: first & 0x0f,
    });
  };

  return {
    push(chunk) {
      const out: OximeterEvent[] = [];
      for (const byte of chunk) {
        if ((byte & SYNC) !== 0) {
          if (held > 0) out.push(fault('truncated', `packet cut after ${held} bytes`, packet.slice(0, held)));
          garbage.report(out);
          packet[0] = byte;
          held = 1;
        } else if (held === 0) {
          garbage.add(byte, out);
        } else {
          packet[held++] = byte;
          if (held === PACKET_LENGTH) {
            decode(out);
            held = 0;
          }
        }
      }
      return out;
    },
    flush() {
      const out: OximeterEvent[] = [];
      if (held > 0)
        out.push(fault('truncated', `stream ended ${held} bytes into a packet`, packet.slice(0, held)));
      held = 0;
      garbage.report(out);
      return out;
    },
  };
}

export function encodePacket(sample: {
  spo2: number;
  pulse: number;
  pleth?: number;
  signal?: number;
  fingerOut?: boolean;
  probeError?: boolean;
}): Uint8Array {
  return Uint8Array.of(
    SYNC | (sample.fingerOut ? 0x10 : 0) | ((sample.signal ?? 8) & 0x0f),
    (sample.pleth ?? 64) & 0x7f,
    (sample.probeError ? 0x10 : 0) | ((sample.pulse & 0x80) >> 1) | 0x05,
    sample.pulse & 0x7f,
    sample.spo2 & 0x7f,
  );
}
