import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNibpParser } from '../drivers/suntech-nibp/parser';
import { fromHex } from '../framing/hex';
import { createMemoryPair } from '../transport/memory';
import { captureTransport, fileCapture, readCapture } from './capture';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('capture log', () => {
  it('appends every chunk in and out with time and direction, and replays into a parser', async () => {
    dir = mkdtempSync(join(tmpdir(), 'xiangyi-capture-'));
    const file = join(dir, 'nibp.cap');
    const clock = [new Date('2026-11-21T01:00:00.000Z'), new Date('2026-11-21T01:00:00.250Z')];
    const [host, device] = createMemoryPair();
    const captured = captureTransport(
      host,
      fileCapture(file, () => clock.shift() ?? new Date(0)),
    );
    const arrived = new Promise((resolve) => captured.onData(resolve));
    await captured.write(fromHex('3a 20 a6'));
    await device.write(fromHex('3e 04 4f 6f'));
    await arrived;
    expect(readFileSync(file, 'utf8')).toBe(
      '2026-11-21T01:00:00.000Z out 3a 20 a6\n2026-11-21T01:00:00.250Z in  3e 04 4f 6f\n',
    );
    const replayed = readCapture(file)
      .filter((entry) => entry.direction === 'in')
      .flatMap((entry) => createNibpParser({ deviceId: 'replay' }).push(entry.bytes));
    expect(replayed).toEqual([{ type: 'status', status: 'accepted' }]);
  });
});
