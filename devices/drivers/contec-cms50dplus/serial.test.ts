import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../readings';
import { nextMatching } from '../../testing/feed';
import { openPtyRig, type PtyRig } from '../../testing/pty-rig';
import { contecCms50dPlus } from './index';
import type { Cms50Session } from './session';
import { Cms50Simulator, type Cms50SimulatorOptions } from './simulator';

let rig: PtyRig<Cms50Session> | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const open = (options: Cms50SimulatorOptions) =>
  openPtyRig(contecCms50dPlus, options, (pty, simOptions) => new Cms50Simulator(pty.device, simOptions));

describe('CMS50D+ over a real serial port (pty, 19200 8O1)', () => {
  it('streams samples and settles a spot check', async () => {
    rig = await open({ burstMs: 10, packetsPerBurst: 6, spo2: 96, pulse: 88 });
    await expect(rig.session.spotCheck(20)).resolves.toEqual({
      type: 'reading',
      kind: 'spo2',
      deviceId: 'contec-cms50dplus-test',
      spo2: 96,
      pulse: 88,
    });
  });

  it('surfaces injected truncated packets and still settles', async () => {
    rig = await open({ burstMs: 10, packetsPerBurst: 6, fault: 'truncated' });
    const session = rig.session;
    await nextMatching<DeviceEvent>(
      (listener) => session.on(listener),
      (event) => event.type === 'fault' && event.reason === 'truncated',
    );
    // A fault every tenth packet: runs of nine clean samples remain.
    await expect(session.spotCheck(5)).resolves.toMatchObject({ spo2: 97 });
  });

  it('unplug: a disconnected fault and the spot check rejects', async () => {
    rig = await open({ burstMs: 10, fault: 'unplug', unplugAfter: 3 });
    const events: DeviceEvent[] = [];
    rig.session.on((event) => events.push(event));
    await expect(rig.session.spotCheck(1000)).rejects.toMatchObject({ reason: 'disconnected' });
    expect(events.at(-1)).toMatchObject({ type: 'fault', reason: 'disconnected' });
  });
});
