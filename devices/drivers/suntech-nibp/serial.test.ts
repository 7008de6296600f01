import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../readings';
import { nextMatching } from '../../testing/feed';
import { openPtyRig, type PtyRig } from '../../testing/pty-rig';
import { suntechNibp } from './index';
import type { NibpSession } from './session';
import { NibpSimulator, type NibpSimulatorOptions } from './simulator';

let rig: PtyRig<NibpSession> | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const open = (options: NibpSimulatorOptions) =>
  openPtyRig(suntechNibp, options, (pty, simOptions) => new NibpSimulator(pty.device, simOptions));

describe('SunTech NIBP over a real serial port (pty)', () => {
  it('start -> cuff pressure -> result', async () => {
    rig = await open({ stepMs: 5 });
    const events: DeviceEvent[] = [];
    rig.session.on((event) => events.push(event));
    const reading = await rig.session.measure();
    expect(reading).toEqual({
      type: 'reading',
      kind: 'bp',
      deviceId: 'suntech-nibp-test',
      systolic: 132,
      diastolic: 84,
      mean: 100,
      pulse: 76,
    });
    const cuff = events.filter((event) => event.type === 'cuff-pressure').map((event) => event.mmHg);
    expect(cuff).toEqual([20, 90, 170, 150, 130, 110, 90, 70, 50]);
  });

  it('answers a second start with busy', async () => {
    rig = await open({ stepMs: 20 });
    const session = rig.session;
    const first = session.measure();
    await nextMatching<DeviceEvent>(
      (listener) => session.on(listener),
      (event) => event.type === 'cuff-pressure',
    );
    await expect(session.measure()).rejects.toMatchObject({ reason: 'busy' });
    await expect(first).resolves.toMatchObject({ systolic: 132 });
  });

  it.each([
    ['bad-checksum', 'checksum'],
    ['truncated', 'truncated'],
    ['error', 'device-error'],
  ] as const)('rejects when the simulator injects %s', async (injected, reason) => {
    rig = await open({ stepMs: 2, fault: injected });
    await expect(rig.session.measure()).rejects.toMatchObject({ reason });
  });

  it('reads through garbage before the result', async () => {
    rig = await open({ stepMs: 2, fault: 'garbage' });
    await expect(rig.session.measure()).resolves.toMatchObject({ systolic: 132 });
  });

  it('unplug mid-measurement: a disconnected fault and no reading', async () => {
    rig = await open({ stepMs: 5, fault: 'unplug' });
    const events: DeviceEvent[] = [];
    rig.session.on((event) => events.push(event));
    await expect(rig.session.measure()).rejects.toMatchObject({ reason: 'disconnected' });
    expect(events.some((event) => event.type === 'cuff-pressure')).toBe(true);
    expect(events.filter((event) => event.type === 'reading')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'fault', reason: 'disconnected' });
  });
});
