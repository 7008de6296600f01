import { ByteQueue } from '../../framing/byte-queue';
import { xor8 } from '../../framing/checksum';
import { GarbageRun } from '../../framing/garbage';
import type { Parser } from '../../framing/parser';
import { type DeviceStatus, type Fault, fault, type IdCardRead } from '../../readings';
import { HEADER_LENGTH, PHOTO_LENGTH, PREAMBLE, SAM_ERRORS, SW3, TEXT_LENGTH } from './protocol';
import { decodeText } from './text';

export type IdCardEvent = IdCardRead | DeviceStatus | Fault;

/** Longer than any reply (a read with fingerprint data is about 2.3 kB); beyond it LEN is noise. */
const MAX_LENGTH = 4096;
const MIN_LENGTH = 4;

/** Reader -> host replies. Framing and status codes per protocol.ts. */
export function createIdCardParser(options: { deviceId: string }): Parser<IdCardEvent> {
  const queue = new ByteQueue();
  const garbage = new GarbageRun();

  const parse = (out: IdCardEvent[]): void => {
    while (queue.length > 0) {
      const start = queue.indexOfSequence(PREAMBLE);
      if (start === -1) {
        // The tail might be the beginning of a preamble still arriving.
        garbage.addAll(queue.take(queue.length - preambleStartAtEnd(queue)), out);
        return;
      }
      if (start > 0) garbage.addAll(queue.take(start), out);
      garbage.report(out);
      if (queue.length < HEADER_LENGTH) return;
      const length = (queue.at(5) << 8) | queue.at(6);
      if (length < MIN_LENGTH || length > MAX_LENGTH) {
        out.push(fault('garbage', `impossible length ${length}`, queue.peek(HEADER_LENGTH)));
        queue.drop(1);
        continue;
      }
      const total = HEADER_LENGTH + length;
      // Checked before the frame completes: a cut frame followed by a short reply would otherwise
      // wait for bytes that never come.
      const next = queue.indexOfSequence(PREAMBLE, 1);
      if (next !== -1 && next < total) {
        out.push(fault('truncated', `frame cut after ${next} of ${total} bytes`, queue.take(next)));
        continue;
      }
      if (queue.length < total) return;
      const bytes = queue.take(total);
      const expected = xor8(bytes, PREAMBLE.length, total - 1);
      if (expected !== bytes[total - 1]) {
        out.push(
          fault(
            'checksum',
            `XOR is 0x${expected.toString(16)}, frame says 0x${bytes[total - 1]?.toString(16)}`,
            bytes,
          ),
        );
        continue;
      }
      out.push(readReply(bytes, options.deviceId));
    }
  };

  return {
    push(chunk) {
      queue.push(chunk);
      const out: IdCardEvent[] = [];
      parse(out);
      return out;
    },
    flush() {
      const out: IdCardEvent[] = [];
      if (queue.length > 0 && queue.indexOfSequence(PREAMBLE) === 0) {
        out.push(fault('truncated', `reply ended after ${queue.length} bytes`, queue.take(queue.length)));
      }
      garbage.addAll(queue.take(queue.length), out);
      garbage.report(out);
      return out;
    },
  };
}

/** Length of the longest tail of the queue that could be the first bytes of a preamble. */
function preambleStartAtEnd(queue: ByteQueue): number {
  for (let keep = Math.min(queue.length, PREAMBLE.length - 1); keep > 0; keep--) {
    let matches = true;
    for (let i = 0; i < keep; i++) {
      if (queue.at(queue.length - keep + i) !== PREAMBLE[i]) {
        matches = false;
        break;
      }
    }
    if (matches) return keep;
  }
  return 0;
}

function readReply(bytes: Uint8Array, deviceId: string): IdCardEvent {
  const sw3 = bytes[9] as number;
  const data = bytes.subarray(10, bytes.length - 1);
  switch (sw3) {
    case SW3.ok:
      return data.length >= 4
        ? readData(bytes, data, deviceId)
        : { type: 'status', status: 'ok', data: data.slice() };
    case SW3.cardFound:
      return { type: 'status', status: 'card-found' };
    case SW3.findFailed:
      return { type: 'status', status: 'no-card' };
    default: {
      const name = SAM_ERRORS[sw3] ?? `sw3-${sw3.toString(16).padStart(2, '0')}`;
      return fault('device-error', `reader answered ${name}`, bytes, name);
    }
  }
}

/** An ok reply with text and photo lengths is a card read; any other ok data (select, SAM id) is a status. */
function readData(bytes: Uint8Array, data: Uint8Array, deviceId: string): IdCardEvent {
  const textLength = ((data[0] as number) << 8) | (data[1] as number);
  const photoLength = ((data[2] as number) << 8) | (data[3] as number);
  if (
    textLength !== TEXT_LENGTH ||
    photoLength !== PHOTO_LENGTH ||
    data.length < 4 + textLength + photoLength
  ) {
    return { type: 'status', status: 'ok', data: data.slice() };
  }
  const person = decodeText(data.subarray(4, 4 + textLength));
  if (typeof person === 'string')
    return fault('out-of-range', `card text unreadable: ${person}`, bytes.subarray(0, 64));
  const photo = data.slice(4 + textLength, 4 + textLength + photoLength);
  return { type: 'idcard', deviceId, person, photo };
}
