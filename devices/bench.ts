/**
 * Parser throughput on long generated streams of well-formed frames with a little noise mixed
 * in, fed in 64-byte chunks as a USB-serial adapter delivers them. `npm run bench` reports it.
 */

import { createCms50Parser, encodePacket } from './drivers/contec-cms50dplus/parser';
import { wrapMllp } from './drivers/hl7-monitor/mllp';
import { createMonitorParser } from './drivers/hl7-monitor/parser';
import { buildOru } from './drivers/hl7-monitor/simulator';
import { createOmronParser, formatRecord } from './drivers/omron-hbp9030/parser';
import { createIdCardParser } from './drivers/sam-idcard/parser';
import { readReply, SAMPLE_PERSON } from './drivers/sam-idcard/simulator';
import { createNibpParser, encode } from './drivers/suntech-nibp/parser';
import { ascii, concatBytes } from './framing/bytes';
import type { Parser } from './framing/parser';

const TARGET_BYTES = 8 << 20;
const CHUNK = 64;
const NOISE = Uint8Array.of(0x00, 0x13);

function repeatToSize(unit: Uint8Array): Uint8Array {
  const stream = new Uint8Array(Math.ceil(TARGET_BYTES / unit.length) * unit.length);
  for (let at = 0; at < stream.length; at += unit.length) stream.set(unit, at);
  return stream;
}

function streams(): { name: string; createParser: () => Parser<unknown>; bytes: Uint8Array }[] {
  const deviceId = 'bench';
  const omronLine = ascii(
    `${formatRecord({ at: new Date(2026, 0, 1), systolic: 120, diastolic: 80, pulse: 70 })}\r\n`,
  );
  const nibp = concatBytes(
    encode.reply('accepted'),
    ...[100, 120, 140].map((mmHg) => encode.cuff(mmHg)),
    encode.result({ systolic: 120, diastolic: 80, mean: 93, pulse: 70 }),
    encode.reply('done'),
  );
  const cms50 = concatBytes(
    ...Array.from({ length: 60 }, (_, i) => encodePacket({ spo2: 97, pulse: 70, pleth: i })),
  );
  const oru = wrapMllp(
    ascii(
      buildOru('1', {
        systolic: 120,
        diastolic: 80,
        mean: 93,
        pulse: 70,
        spo2: 97,
        temperatureC: 36.5,
        respiration: 16,
      }),
    ),
  );
  return [
    {
      name: 'omron-hbp9030',
      createParser: () => createOmronParser({ deviceId }),
      bytes: repeatToSize(concatBytes(omronLine, NOISE)),
    },
    {
      name: 'suntech-nibp',
      createParser: () => createNibpParser({ deviceId }),
      bytes: repeatToSize(concatBytes(nibp, NOISE)),
    },
    {
      name: 'contec-cms50dplus',
      createParser: () => createCms50Parser({ deviceId }),
      bytes: repeatToSize(concatBytes(cms50, NOISE)),
    },
    {
      name: 'sam-idcard',
      createParser: () => createIdCardParser({ deviceId }),
      bytes: repeatToSize(concatBytes(readReply(SAMPLE_PERSON), NOISE)),
    },
    {
      name: 'hl7-monitor',
      createParser: () => createMonitorParser({ deviceId }),
      bytes: repeatToSize(concatBytes(oru, NOISE)),
    },
  ];
}

/** Aggregate MB/s (total bytes / total time) over all serial parsers, plus each one for diagnosis. */
export async function benchParsers(): Promise<{
  parser_mb_per_s: number;
  per_parser: Record<string, number>;
}> {
  let totalBytes = 0;
  let totalMs = 0;
  const perParser: Record<string, number> = {};
  for (const { name, createParser, bytes } of streams()) {
    const parser = createParser();
    const started = performance.now();
    for (let at = 0; at < bytes.length; at += CHUNK) parser.push(bytes.subarray(at, at + CHUNK));
    parser.flush();
    const ms = performance.now() - started;
    perParser[name] = round(bytes.length / 1e6 / (ms / 1000));
    totalBytes += bytes.length;
    totalMs += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { parser_mb_per_s: round(totalBytes / 1e6 / (totalMs / 1000)), per_parser: perParser };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
