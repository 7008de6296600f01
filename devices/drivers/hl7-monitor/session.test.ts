import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../readings';
import { nextMatching } from '../../testing/feed';
import { createMemoryPair } from '../../transport/memory';
import { type TcpListener, TcpTransport } from '../../transport/tcp';
import { listenForMonitors, MonitorSession } from './session';
import { MonitorSimulator } from './simulator';

describe('monitor session', () => {
  let listener: TcpListener | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await listener?.close();
    listener = undefined;
  });

  it('acknowledges every message over a real TCP connection', async () => {
    const sessions: MonitorSession[] = [];
    listener = await listenForMonitors(0, (session) => sessions.push(session));
    const link = await TcpTransport.connect('127.0.0.1', listener.port);
    const monitor = new MonitorSimulator(link, {});
    closers.push(
      () => monitor.stop(),
      () => link.close(),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const session = sessions[0] as MonitorSession;
    const vitals = session.nextVitals(2000);
    const controlId = monitor.sendVitals({ systolic: 150 });
    await expect(vitals).resolves.toMatchObject({
      systolic: 150,
      diastolic: 78,
      spo2: 97,
      temperatureC: 36.6,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(monitor.acks).toHaveLength(1);
    expect(monitor.acks[0]).toContain(`MSA|AA|${controlId}`);
  });

  it('monitor hanging up mid-message: disconnected, no vitals', async () => {
    const [host, device] = createMemoryPair();
    const session = new MonitorSession(host, { deviceId: 'mon-1' });
    const monitor = new MonitorSimulator(device, { fault: 'unplug' });
    const events: DeviceEvent[] = [];
    session.on((event) => events.push(event));
    const done = nextMatching<DeviceEvent>(
      (l) => session.on(l),
      (event) => event.type === 'fault' && event.reason === 'disconnected',
    );
    monitor.sendVitals();
    await done;
    expect(events.filter((event) => event.type === 'reading')).toEqual([]);
  });
});
