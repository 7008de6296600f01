import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../readings';
import { openPtyRig, type PtyRig } from '../../testing/pty-rig';
import { samIdCard } from './index';
import type { IdCardSession } from './session';
import {
  IdCardSimulator,
  type IdCardSimulatorOptions,
  SAM_ID,
  SAMPLE_PERSON,
  samplePhoto,
} from './simulator';

let rig: PtyRig<IdCardSession> | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const open = (options: IdCardSimulatorOptions = {}) =>
  openPtyRig(samIdCard, options, (pty, simOptions) => new IdCardSimulator(pty.device, simOptions));

describe('ID card reader over a real serial port (pty, 115200 8N1)', () => {
  it('find -> select -> read gives the decoded person and the raw photo', async () => {
    rig = await open();
    const read = await rig.session.readCard();
    expect(read.person).toEqual(SAMPLE_PERSON);
    expect(read.photo).toEqual(samplePhoto());
    await expect(rig.session.samId()).resolves.toEqual(SAM_ID);
  });

  it('no card on the reader: no-card', async () => {
    rig = await open({ cardPresent: false });
    await expect(rig.session.readCard()).rejects.toMatchObject({ reason: 'no-card' });
  });

  it.each([
    ['bad-checksum', 'checksum'],
    ['truncated', 'truncated'],
    ['error', 'device-error'],
  ] as const)('injected %s rejects with %s after retrying', async (injected, reason) => {
    rig = await open({ fault: injected });
    await expect(rig.session.readCard()).rejects.toMatchObject({ reason });
  });

  it('a retry recovers when only the first read is corrupted', async () => {
    rig = await open({ fault: 'bad-checksum' });
    const simulator = rig.simulator;
    rig.session.on((event) => {
      if (event.type === 'fault' && event.reason === 'checksum') simulator.setFault(undefined);
    });
    await expect(rig.session.readCard()).resolves.toMatchObject({ person: { name: '张秀英' } });
  });

  it('unplug mid-read: disconnected and no card data', async () => {
    rig = await open({ fault: 'unplug' });
    const events: DeviceEvent[] = [];
    rig.session.on((event) => events.push(event));
    await expect(rig.session.readCard()).rejects.toMatchObject({ reason: 'disconnected' });
    expect(events.filter((event) => event.type === 'idcard')).toEqual([]);
    expect(events.at(-1)).toMatchObject({ type: 'fault', reason: 'disconnected' });
  });
});
