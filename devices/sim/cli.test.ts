import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { omronHbp9030 } from '../drivers/omron-hbp9030';
import { OmronSession } from '../drivers/omron-hbp9030/session';
import { SerialTransport } from '../transport/serial';
import { parseDuration, parseSimArgs } from './args';

describe('sim CLI', () => {
  it('parses its arguments', () => {
    expect(parseSimArgs(['suntech-nibp', '--fault', 'unplug', '--every', '5s'])).toMatchObject({
      device: 'suntech-nibp',
      fault: 'unplug',
      everyMs: 5000,
    });
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('2m')).toBe(120_000);
    expect(() => parseSimArgs(['x', '--fault', 'fire'])).toThrow(/must be one of/);
  });

  it('starts a simulator on a pty whose path a real serial port can open', async () => {
    const cli = spawn(
      process.execPath,
      ['--import', 'tsx', 'devices/sim/cli.ts', 'omron-hbp9030', '--every', '100ms'],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const [chunk] = (await once(cli.stdout, 'data')) as [Buffer];
      const path = chunk.toString().trim();
      expect(path).toMatch(/^\/dev\//);
      if (omronHbp9030.transport.kind !== 'serial') throw new Error('serial expected');
      const port = await SerialTransport.open(path, omronHbp9030.transport.settings);
      const session = new OmronSession(port, { deviceId: 'bp' });
      await expect(session.nextReading(5000)).resolves.toMatchObject({ kind: 'bp', diastolic: 76 });
      await session.close();
    } finally {
      cli.kill('SIGINT');
      await once(cli, 'exit');
    }
  });
});
