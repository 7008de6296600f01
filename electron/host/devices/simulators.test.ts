import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BridgeEvent } from '../../bridge/contract';
import { SAMPLE_SLIP } from './fixtures/sample-slip';
import { type StartedDevices, startDevices } from './index';
import { vitalsReceiptBytes } from './receipt';
import { SIMULATED_DEVICES } from './simulators';

let started: StartedDevices | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

const until = async (check: () => boolean, ms = 8000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('simulated devices on real ptys', () => {
  it('connect at start, measure, read a card, print, and come back after an unplug', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'xiangyi-sim-'));
    const events: BridgeEvent[] = [];
    started = await startDevices({
      dataDir,
      emit: (event) => events.push(event),
      simulators: true,
      nibpStepMs: 5,
    });
    const { host } = started;
    expect(host.list().map((status) => [status.id, status.state, status.simulated])).toEqual(
      Object.values(SIMULATED_DEVICES).map((id) => [id, 'connected', true]),
    );
    // Bindings of simulators live in memory: the workstation's file is not written.
    expect(existsSync(join(dataDir, 'devices.json'))).toBe(false);

    const measured = await host.measure(SIMULATED_DEVICES.nibp);
    expect(measured).toMatchObject({ ok: true, reading: { systolic: 132 } });

    await host.simulate(SIMULATED_DEVICES.omron, { do: 'measure', systolic: 141, diastolic: 91, pulse: 66 });
    await until(() =>
      events.some(
        (event) =>
          event.type === 'device-event' &&
          event.deviceId === SIMULATED_DEVICES.omron &&
          event.event.type === 'reading' &&
          event.event.reading.systolic === 141,
      ),
    );

    // The networked monitor dials the host's loopback listener and pushes an ORU^R01.
    expect(host.listeningOn(SIMULATED_DEVICES.monitor)).toMatchObject({ host: '127.0.0.1' });
    await until(() => started?.simulators?.simulator(SIMULATED_DEVICES.monitor) !== undefined);
    await host.simulate(SIMULATED_DEVICES.monitor, {
      do: 'measure',
      systolic: 133,
      diastolic: 87,
      pulse: 71,
    });
    await until(() =>
      events.some(
        (event) =>
          event.type === 'device-event' &&
          event.deviceId === SIMULATED_DEVICES.monitor &&
          event.event.type === 'reading' &&
          event.event.reading.kind === 'vitals' &&
          event.event.reading.systolic === 133 &&
          event.event.reading.mean === 102 &&
          event.event.reading.spo2 === 97,
      ),
    );

    expect(await host.readCard(SIMULATED_DEVICES.idcard)).toMatchObject({
      ok: true,
      person: { name: '张秀英' },
    });

    expect(await host.printReceipt(SIMULATED_DEVICES.printer, SAMPLE_SLIP)).toMatchObject({ ok: true });
    const paper = join(dataDir, 'devices', 'simulated-printer.bin');
    const bytes = Buffer.from(vitalsReceiptBytes(SAMPLE_SLIP));
    await until(() => existsSync(paper) && readFileSync(paper).subarray(-bytes.length).equals(bytes));
    // Every frame in and out of the printer went to its capture file.
    expect(
      readFileSync(join(dataDir, 'devices', 'capture', `${SIMULATED_DEVICES.printer}.log`), 'utf8'),
    ).toMatch(/ out +1b 40/);

    const firstMonitor = started.simulators?.simulator(SIMULATED_DEVICES.monitor);
    await host.simulate(SIMULATED_DEVICES.monitor, { do: 'unplug' });
    await host.simulate(SIMULATED_DEVICES.qr, { do: 'unplug' });
    await until(
      () => host.list().find((status) => status.id === SIMULATED_DEVICES.qr)?.state === 'disconnected',
    );
    // The simulated scanner comes back on a fresh pty and the host is pointed at it.
    await until(() => host.list().find((entry) => entry.id === SIMULATED_DEVICES.qr)?.state === 'connected');
    await host.simulate(SIMULATED_DEVICES.qr, { do: 'scan', token: 'TOKEN-1' });
    await until(() =>
      events.some(
        (event) =>
          event.type === 'device-event' && event.event.type === 'scan' && event.event.token === 'TOKEN-1',
      ),
    );
    // The monitor dropped its TCP link; it dials again and the host, still listening, takes it.
    await until(() => {
      const monitor = started?.simulators?.simulator(SIMULATED_DEVICES.monitor);
      return monitor !== undefined && monitor !== firstMonitor;
    });
    expect(host.list().find((entry) => entry.id === SIMULATED_DEVICES.monitor)?.state).toBe('connected');
    await host.simulate(SIMULATED_DEVICES.monitor, { do: 'measure', systolic: 122 });
    await until(() =>
      events.some(
        (event) =>
          event.type === 'device-event' &&
          event.deviceId === SIMULATED_DEVICES.monitor &&
          event.event.type === 'reading' &&
          event.event.reading.systolic === 122,
      ),
    );
  });
});
