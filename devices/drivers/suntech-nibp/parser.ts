/**
 * SunTech-style OEM NIBP module (the cuff inside many 健康一体机 kiosks), 9600 8N1.
 *
 * Every module frame is `3E LEN TYPE ... CHK`: LEN counts the whole frame, and all bytes of a
 * frame sum to 0 mod 256. Facts from devices.md:
 *   host `3A 20 A6`            start an adult measurement
 *   `3E 04 4F 6F` accepted, `3E 04 4B 73` done, `3E 04 42 7C` busy
 *   `3E 07 01 lo hi 00 CK`     cuff pressure while measuring, mmHg little-endian (0x008E = 142)
 *   `3E 19 03 ... CK`          result, 25 bytes
 *
 * ASSUMPTION (no vendor document at hand): the result frame's body is laid out as little-endian
 * 16-bit words, like the cuff frame:
 *   3-4 systolic, 5-6 diastolic, 7-8 mean arterial, 9-10 pulse rate,
 *   11-12 status (0 = ok, else the module's error code: 1 cuff leak or loose, 2 motion,
 *         3 over-pressure, 4 measurement too long, 5 signal too weak),
 *   13-14 measurement counter, 15-16 duration in seconds, 17-23 reserved (zero), 24 checksum.
 * When a real module's document arrives only `readResult` below should need to change.
 *
 * Only lengths 4, 7 and 25 are frames; any other LEN after 3E means we are not at a frame
 * start, which is what makes resynchronising after noise reliable.
 */
import { ByteQueue } from '../../framing/byte-queue';
import { sum8, zeroSumByte } from '../../framing/checksum';
import { GarbageRun } from '../../framing/garbage';
import type { Parser } from '../../framing/parser';
import { type BpReading, type CuffPressure, type DeviceStatus, type Fault, fault } from '../../readings';

export const FRAME_START = 0x3e;
export const START_ADULT = Uint8Array.of(0x3a, 0x20, 0xa6);

const REPLY_LENGTH = 4;
const CUFF_LENGTH = 7;
export const RESULT_LENGTH = 0x19;
const FRAME_LENGTHS = new Set([REPLY_LENGTH, CUFF_LENGTH, RESULT_LENGTH]);

const REPLIES: Record<number, DeviceStatus['status']> = { 79: 'accepted', 75: 'done', 66: 'busy' };

export const MODULE_ERRORS: Record<number, string> = {
  1: 'cuff-leak',
  2: 'motion',
  3: 'over-pressure',
  4: 'too-long',
  5: 'weak-signal',
};

export const LIMITS = {
  systolic: [40, 260],
  diastolic: [20, 200],
  mean: [26, 220],
  pulse: [30, 220],
  cuff: [0, 300],
} as const;

export type NibpEvent = BpReading | CuffPressure | DeviceStatus | Fault;

export function createNibpParser(options: { deviceId: string }): Parser<NibpEvent> {
  const queue = new ByteQueue();
  const garbage = new GarbageRun();
  const parse = (out: NibpEvent[]): void => {
    while (queue.length > 0) {
      if (queue.at(0) !== FRAME_START || (queue.length >= 2 && !FRAME_LENGTHS.has(queue.at(1)))) {
        garbage.add(queue.at(0), out);
        queue.drop(1);
        continue;
      }
      if (queue.length < 2 || queue.length < queue.at(1)) break;
      garbage.report(out);
      const length = queue.at(1);
      const frame = queue.peek(length);
      if (sum8(frame) !== 0) {
        const next = findFrameStart(frame);
        if (next !== -1) {
          out.push(fault('truncated', `frame cut after ${next} of ${length} bytes`, frame.subarray(0, next)));
          queue.drop(next);
        } else {
          out.push(fault('checksum', `sum is 0x${sum8(frame).toString(16)}, not 0`, frame));
          queue.drop(length);
        }
        continue;
      }
      out.push(readFrame(queue.take(length), options.deviceId));
    }
  };
  return {
    push(chunk) {
      queue.push(chunk);
      const out: NibpEvent[] = [];
      parse(out);
      return out;
    },
    flush() {
      const out: NibpEvent[] = [];
      // A frame cut short and never completed may hide whole frames behind it (the `done` reply).
      while (queue.length > 0) {
        const held = queue.peek(queue.length);
        const next = findFrameStart(held);
        out.push(
          fault(
            'truncated',
            `stream went quiet inside a frame`,
            held.subarray(0, next === -1 ? held.length : next),
          ),
        );
        queue.drop(next === -1 ? queue.length : next);
        parse(out);
      }
      garbage.report(out);
      return out;
    },
  };
}

/** Where, inside a frame that failed its checksum, another frame seems to begin. */
function findFrameStart(frame: Uint8Array): number {
  for (let i = 1; i < frame.length; i++) {
    if (frame[i] === FRAME_START && (i + 1 === frame.length || FRAME_LENGTHS.has(frame[i + 1] as number)))
      return i;
  }
  return -1;
}

const word = (frame: Uint8Array, at: number): number =>
  (frame[at] as number) | ((frame[at + 1] as number) << 8);

function readFrame(frame: Uint8Array, deviceId: string): NibpEvent {
  const type = frame[2] as number;
  if (frame.length === REPLY_LENGTH) {
    const status = REPLIES[type];
    return status === undefined
      ? fault('garbage', `unknown reply 0x${type.toString(16)}`, frame)
      : { type: 'status', status };
  }
  if (frame.length === CUFF_LENGTH && type === 0x01) {
    const mmHg = word(frame, 3);
    return mmHg > LIMITS.cuff[1]
      ? fault('out-of-range', `cuff pressure ${mmHg} mmHg`, frame)
      : { type: 'cuff-pressure', mmHg };
  }
  if (frame.length === RESULT_LENGTH && type === 0x03) return readResult(frame, deviceId);
  return fault('garbage', `unknown frame type 0x${type.toString(16)}`, frame);
}

function readResult(frame: Uint8Array, deviceId: string): NibpEvent {
  const status = word(frame, 11);
  if (status !== 0) {
    const name = MODULE_ERRORS[status] ?? `code-${status}`;
    return fault('device-error', `module reported ${name}`, frame, name);
  }
  const values = {
    systolic: word(frame, 3),
    diastolic: word(frame, 5),
    mean: word(frame, 7),
    pulse: word(frame, 9),
  };
  for (const [name, value] of Object.entries(values) as [keyof typeof values, number][]) {
    const [low, high] = LIMITS[name];
    if (value < low || value > high)
      return fault('out-of-range', `${name} ${value} outside ${low}-${high}`, frame);
  }
  if (values.diastolic >= values.systolic) {
    return fault(
      'out-of-range',
      `diastolic ${values.diastolic} not below systolic ${values.systolic}`,
      frame,
    );
  }
  return { type: 'reading', kind: 'bp', deviceId, ...values };
}

/** Frames as the module sends them; used by the simulator and the tests' recorded streams. */
export const encode = {
  reply(status: 'accepted' | 'done' | 'busy'): Uint8Array {
    const code = Number(Object.entries(REPLIES).find(([, name]) => name === status)?.[0]);
    return seal([FRAME_START, REPLY_LENGTH, code, 0]);
  },
  cuff(mmHg: number): Uint8Array {
    return seal([FRAME_START, CUFF_LENGTH, 0x01, mmHg & 0xff, mmHg >> 8, 0, 0]);
  },
  result(result: {
    systolic: number;
    diastolic: number;
    mean: number;
    pulse: number;
    status?: number;
    counter?: number;
    seconds?: number;
  }): Uint8Array {
    const frame = new Array<number>(RESULT_LENGTH).fill(0);
    frame[0] = FRAME_START;
    frame[1] = RESULT_LENGTH;
    frame[2] = 0x03;
    const words = [
      result.systolic,
      result.diastolic,
      result.mean,
      result.pulse,
      result.status ?? 0,
      result.counter ?? 1,
      result.seconds ?? 35,
    ];
    words.forEach((value, i) => {
      frame[3 + i * 2] = value & 0xff;
      frame[4 + i * 2] = (value >> 8) & 0xff;
    });
    return seal(frame);
  },
};

/** Fills in the last byte so the frame sums to zero. */
function seal(frame: number[]): Uint8Array {
  const bytes = Uint8Array.from(frame);
  bytes[bytes.length - 1] = zeroSumByte(bytes, 0, bytes.length - 1);
  return bytes;
}
