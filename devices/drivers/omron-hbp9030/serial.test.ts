import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../readings';
import { openPtyRig, type PtyRig } from '../../testing/pty-rig';
import { omronHbp9030 } from './index';
import type { OmronSession } from './session';
import { OmronSimulator } from './simulator';

let rig: PtyRig<OmronSession> | undefined;
let simulator: OmronSimulator | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const at = new Date(2026, 10, 21, 9, 30);
const open = async (fault?: 'truncated' | 'error' | 'garbage' | 'unplug') => {
  rig = await openPtyRig(omronHbp9030, fault ? { fault } : {}, (pty, options) => {
    simulator = new OmronSimulator(pty.device, { ...options, now: () => at });
    return simulator;
  });
  return { session: rig.session, simulator: simulator as OmronSimulator };
};

describe('Omron HBP-9030 over a real serial port (pty)', () => {
  it('a measurement arrives as a reading', async () => {
    const { session, simulator } = await open();
    const next = session.nextReading(2000);
    await simulator.measure({ systolic: 141, diastolic: 89, pulse: 80, patientId: '12345' });
    await expect(next).resolves.toEqual({
      type: 'reading',
      kind: 'bp',
      deviceId: 'omron-hbp9030-test',
      systolic: 141,
      diastolic: 89,
      pulse: 80,
      measuredAt: '2026-11-21T09:30',
      patientId: '00000000000000012345',
      bodyMovement: false,
    });
  });

  it.each([
    ['error', 'device-error'],
    ['truncated', 'truncated'],
  ] as const)('injected %s rejects with %s', async (injected, reason) => {
    const { session, simulator } = await open(injected);
    const next = session.nextReading(2000);
    await simulator.measure();
    await expect(next).rejects.toMatchObject({ reason });
  });

  it('garbage before a record is skipped', async () => {
    const { session, simulator } = await open('garbage');
    const next = session.nextReading(2000);
    await simulator.measure();
    await expect(next).resolves.toMatchObject({ systolic: 128 });
  });

  it('unplug mid-record: disconnected, no reading', async () => {
    const { session, simulator } = await open('unplug');
    const events: DeviceEvent[] = [];
    session.on((event) => events.push(event));
    const next = session.nextReading(3000);
    await simulator.measure();
    await expect(next).rejects.toMatchObject({ reason: 'disconnected' });
    expect(events.filter((event) => event.type === 'reading')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'fault', reason: 'disconnected' });
  });
});
