import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../readings';
import { createMemoryPair } from '../../transport/memory';
import { GigaDeviceSession } from './session';
import { GigaDeviceSimulator } from './simulator';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function rig(options: ConstructorParameters<typeof GigaDeviceSimulator>[1] = {}, keepAliveMs = 50) {
  const [host, device] = createMemoryPair();
  const simulator = new GigaDeviceSimulator(device, { reportMs: 5, keepAliveTimeoutMs: 100, ...options });
  const session = new GigaDeviceSession(host, { deviceId: 'hid-ox', keepAliveMs });
  cleanups.push(
    () => simulator.stop(),
    () => session.close(),
  );
  return { host, session, simulator };
}

describe('GigaDevice HID oximeter session over an injected transport', () => {
  it('keeps the stream alive and settles a spot check', async () => {
    const { host, session } = rig();
    await expect(session.spotCheck(10)).resolves.toEqual({
      type: 'reading',
      kind: 'spo2',
      deviceId: 'hid-ox',
      spo2: 98,
      pulse: 66,
    });
    expect(host.written[0]).toEqual(Uint8Array.of(0x9a, 0x1a));
  });

  it('gets nothing when keep-alives stop', async () => {
    const { session } = rig({}, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(session.spotCheck(5, 200)).rejects.toMatchObject({ reason: 'timeout' });
  });

  it('unplug: a disconnected fault', async () => {
    const { session } = rig({ fault: 'unplug', unplugAfter: 3 });
    const events: DeviceEvent[] = [];
    session.on((event) => events.push(event));
    await expect(session.spotCheck(100)).rejects.toMatchObject({ reason: 'disconnected' });
    expect(events.at(-1)).toMatchObject({ type: 'fault', reason: 'disconnected' });
  });
});
