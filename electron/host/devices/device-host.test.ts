import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriverDescriptor } from '../../../devices/driver';
import { Cms50Simulator } from '../../../devices/drivers/contec-cms50dplus/simulator';
import { referralSlipReceipt } from '../../../devices/drivers/escpos/referral-slip';
import { SAMPLE_REFERRAL_SLIP } from '../../../devices/drivers/escpos/sample-referral-slip';
import { PrinterSimulator } from '../../../devices/drivers/escpos/simulator';
import { MllpDecoder, wrapMllp } from '../../../devices/drivers/hl7-monitor/mllp';
import { MonitorSimulator } from '../../../devices/drivers/hl7-monitor/simulator';
import { OmronSimulator } from '../../../devices/drivers/omron-hbp9030/simulator';
import { IdCardSimulator, SAMPLE_PERSON } from '../../../devices/drivers/sam-idcard/simulator';
import { NibpSimulator } from '../../../devices/drivers/suntech-nibp/simulator';
import type { Simulator } from '../../../devices/sim/simulator';
import { createMemoryPair, type MemoryTransport } from '../../../devices/transport/memory';
import { TcpTransport } from '../../../devices/transport/tcp';
import type { BridgeEvent, DeviceBinding } from '../../bridge/contract';
import { fileBindingStore, memoryBindingStore } from './bindings';
import { backoffDelay, createDeviceHost, type DeviceHost } from './device-host';
import { SAMPLE_SLIP } from './fixtures/sample-slip';
import { listenBinding, parseListenAddress } from './open';
import { vitalsReceiptBytes } from './receipt';

type Factory = (device: MemoryTransport) => Simulator;

/** A device host whose ports are in-memory links with a simulator on the far end. */
function rig(
  factories: Record<string, Factory>,
  options: { failOpens?: number; store?: ReturnType<typeof memoryBindingStore> } = {},
) {
  const events: BridgeEvent[] = [];
  const devices: Record<string, MemoryTransport> = {};
  const simulators: Record<string, Simulator> = {};
  let opens = 0;
  let failures = options.failOpens ?? 0;
  const host = createDeviceHost({
    store: options.store ?? memoryBindingStore(),
    emit: (event) => events.push(event),
    backoff: { initialMs: 20, maxMs: 80 },
    liveThrottleMs: 100,
    async open(binding: DeviceBinding, _driver: DriverDescriptor) {
      opens++;
      if (failures > 0) {
        failures--;
        throw new Error(`cannot open ${binding.port}`);
      }
      const [hostEnd, deviceEnd] = createMemoryPair();
      devices[binding.id] = deviceEnd;
      const factory = factories[binding.id];
      if (factory) simulators[binding.id] = factory(deviceEnd);
      return hostEnd;
    },
  });
  hosts.push(host);
  const statesOf = (id: string) =>
    events.flatMap((event) =>
      event.type === 'device-status' && event.status.id === id ? [event.status.state] : [],
    );
  const eventsOf = (id: string) =>
    events.flatMap((event) => (event.type === 'device-event' && event.deviceId === id ? [event.event] : []));
  return { host, events, devices, simulators, opens: () => opens, statesOf, eventsOf };
}

const hosts: DeviceHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

const until = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('the device host', () => {
  it('remembers bindings in a JSON file, written atomically, and reconnects them on start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xiangyi-devices-'));
    const file = join(dir, 'devices.json');
    const first = rig({});
    const store = fileBindingStore(file);
    const host = createDeviceHost({
      store,
      emit: () => undefined,
      open: async () => createMemoryPair()[0],
    });
    hosts.push(host);
    await host.configure({ id: 'bp-1', driver: 'omron-hbp9030', port: '/dev/ttyUSB0' });
    await host.configure({ id: 'printer', driver: 'escpos', port: 'COM3', capture: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      devices: [
        { id: 'bp-1', driver: 'omron-hbp9030', port: '/dev/ttyUSB0' },
        { id: 'printer', driver: 'escpos', port: 'COM3', capture: true },
      ],
    });
    await host.remove('bp-1');
    expect(await store.load()).toEqual([{ id: 'printer', driver: 'escpos', port: 'COM3', capture: true }]);

    const again = createDeviceHost({ store, emit: () => undefined, open: async () => createMemoryPair()[0] });
    hosts.push(again);
    await again.start();
    expect(again.list()).toMatchObject([
      { id: 'printer', state: 'connected', kind: 'printer', capture: true },
    ]);
    expect(first.host.list()).toEqual([]);
  });

  it('refuses an unknown driver', async () => {
    const { host } = rig({});
    await expect(host.configure({ id: 'x', driver: 'nope', port: '/dev/null' })).rejects.toThrow(
      'unknown driver',
    );
  });

  it('starts a SunTech measurement, relays live cuff pressure and the reading', async () => {
    const { host, eventsOf } = rig({ nibp: (device) => new NibpSimulator(device, { stepMs: 5 }) });
    expect(host.drivers().find((driver) => driver.id === 'suntech-nibp')?.startable).toBe(true);
    expect(host.drivers().find((driver) => driver.id === 'omron-hbp9030')?.startable).toBe(false);
    await host.configure({ id: 'nibp', driver: 'suntech-nibp', port: 'mem' });
    const outcome = await host.measure('nibp');
    expect(outcome).toEqual({
      ok: true,
      reading: { kind: 'bp', systolic: 132, diastolic: 84, mean: 100, pulse: 76 },
    });
    const events = eventsOf('nibp');
    expect(
      events
        .filter((event) => event.type === 'cuff-pressure')
        .map((event) => (event as { mmHg: number }).mmHg),
    ).toEqual([20, 90, 170, 150, 130, 110, 90, 70, 50]);
    expect(events.filter((event) => event.type === 'reading')).toHaveLength(1);
  });

  it('reports an unplug mid-measurement as disconnected, with no reading, then reconnects with backoff', async () => {
    const { host, eventsOf, statesOf, opens } = rig({
      nibp: (device) => new NibpSimulator(device, { stepMs: 5, fault: 'unplug' }),
    });
    await host.configure({ id: 'nibp', driver: 'suntech-nibp', port: 'mem' });
    const outcome = await host.measure('nibp');
    expect(outcome).toMatchObject({ ok: false, reason: 'disconnected' });
    expect(eventsOf('nibp').some((event) => event.type === 'reading')).toBe(false);
    expect(eventsOf('nibp').some((event) => event.type === 'fault' && event.reason === 'disconnected')).toBe(
      true,
    );
    await until(() => opens() === 2 && host.list()[0]?.state === 'connected');
    expect(statesOf('nibp')).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
  });

  it('keeps retrying a port that will not open, backing off', async () => {
    const { host, statesOf, opens } = rig({}, { failOpens: 3 });
    const status = await host.configure({ id: 'bp', driver: 'omron-hbp9030', port: '/dev/ttyUSB9' });
    expect(status).toMatchObject({ state: 'error', detail: 'cannot open /dev/ttyUSB9' });
    expect(await host.measure('bp')).toMatchObject({ ok: false, reason: 'not-connected' });
    await until(() => opens() === 4 && host.list()[0]?.state === 'connected');
    expect(statesOf('bp').filter((state) => state === 'error')).toHaveLength(3);
    expect(
      [0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, { initialMs: 500, maxMs: 15_000 })),
    ).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('relays an Omron reading pushed by the monitor, and says it cannot be started from here', async () => {
    const { host, simulators, eventsOf } = rig({ omron: (device) => new OmronSimulator(device, {}) });
    await host.configure({ id: 'omron', driver: 'omron-hbp9030', port: 'mem' });
    expect(await host.measure('omron')).toMatchObject({ ok: false, reason: 'not-supported' });
    await (simulators.omron as OmronSimulator).measure({ systolic: 150, diastolic: 95, pulse: 80 });
    await until(() => eventsOf('omron').some((event) => event.type === 'reading'));
    expect(eventsOf('omron').find((event) => event.type === 'reading')).toMatchObject({
      reading: { kind: 'bp', systolic: 150, diastolic: 95, pulse: 80 },
    });
  });

  it('throttles the oximeter stream to live samples and turns a spot check into one reading', async () => {
    const { host, eventsOf } = rig({
      ox: (device) => new Cms50Simulator(device, { burstMs: 5, spo2: 96, pulse: 70 }),
    });
    await host.configure({ id: 'ox', driver: 'contec-cms50dplus', port: 'mem' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const live = eventsOf('ox').filter((event) => event.type === 'spo2-live');
    expect(live.length).toBeGreaterThan(0);
    expect(live.length).toBeLessThanOrEqual(4);
    expect(eventsOf('ox').some((event) => event.type === 'reading')).toBe(false);
    expect(await host.measure('ox')).toEqual({ ok: true, reading: { kind: 'spo2', spo2: 96, pulse: 70 } });
    expect(eventsOf('ox').filter((event) => event.type === 'reading')).toHaveLength(1);
  });

  it('reads an ID card on demand, and says so when no card lies on the reader', async () => {
    const { host, simulators } = rig({ id: (device) => new IdCardSimulator(device, { cardPresent: true }) });
    await host.configure({ id: 'id', driver: 'sam-idcard', port: 'mem' });
    expect(await host.readCard('id')).toEqual({ ok: true, person: SAMPLE_PERSON });
    (simulators.id as IdCardSimulator).setCardPresent(false);
    expect(await host.readCard('id')).toMatchObject({ ok: false, reason: 'no-card' });
    expect(await host.readCard('nope')).toMatchObject({ ok: false, reason: 'not-configured' });
  });

  it('prints a vitals receipt as ESC/POS bytes built in the host', async () => {
    const { host, simulators } = rig({ p: (device) => new PrinterSimulator(device, {}) });
    await host.configure({ id: 'p', driver: 'escpos', port: 'mem' });
    const outcome = await host.printReceipt('p', SAMPLE_SLIP);
    const bytes = vitalsReceiptBytes(SAMPLE_SLIP);
    expect(outcome).toEqual({ ok: true, bytes: bytes.length });
    const printed = (simulators.p as PrinterSimulator).printed;
    expect(Buffer.from(printed.subarray(printed.length - bytes.length)).equals(Buffer.from(bytes))).toBe(
      true,
    );
    (simulators.p as PrinterSimulator).setFault('error');
    expect(await host.printReceipt('p', SAMPLE_SLIP)).toMatchObject({ ok: false, reason: 'device-error' });
  });

  it('prints a referral slip on the 80 mm roll through the device layer', async () => {
    const { host, simulators } = rig({ p: (device) => new PrinterSimulator(device, {}) });
    await host.configure({ id: 'p', driver: 'escpos', port: 'mem' });
    const bytes = referralSlipReceipt(SAMPLE_REFERRAL_SLIP).build();
    expect(await host.printReferralSlip('p', SAMPLE_REFERRAL_SLIP)).toEqual({
      ok: true,
      bytes: bytes.length,
    });
    const printed = (simulators.p as PrinterSimulator).printed;
    expect(Buffer.from(printed.subarray(printed.length - bytes.length)).equals(Buffer.from(bytes))).toBe(
      true,
    );
    expect(await host.printReferralSlip('nope', SAMPLE_REFERRAL_SLIP)).toMatchObject({
      reason: 'not-configured',
    });
  });

  it('refuses simulator control for a real device', async () => {
    const { host } = rig({});
    await host.configure({ id: 'bp', driver: 'omron-hbp9030', port: 'mem' });
    expect(await host.simulate('bp', { do: 'measure' })).toMatchObject({
      ok: false,
      reason: 'not-supported',
    });
  });
});

describe('networked monitors (HL7 ORU^R01 over MLLP)', () => {
  const links: TcpTransport[] = [];
  afterEach(async () => {
    for (const link of links.splice(0)) await link.close();
  });

  /** A host listening for the monitor on a free loopback port, and a way to dial it. */
  async function monitorRig() {
    const events: BridgeEvent[] = [];
    const host = createDeviceHost({
      store: memoryBindingStore(),
      emit: (event) => events.push(event),
      open: async () => {
        throw new Error('a monitor dials in');
      },
      listen: listenBinding,
    });
    hosts.push(host);
    const status = await host.configure({ id: 'mon', driver: 'hl7-monitor', port: '127.0.0.1:0' });
    const address = host.listeningOn('mon');
    if (address === undefined) throw new Error('not listening');
    const dial = async () => {
      const link = await TcpTransport.connect(address.host, address.port);
      links.push(link);
      return link;
    };
    const eventsOf = () =>
      events.flatMap((event) =>
        event.type === 'device-event' && event.deviceId === 'mon' ? [event.event] : [],
      );
    return { host, status, address, dial, eventsOf };
  }

  it('listens on loopback, turns an ORU^R01 into a vitals reading, and acknowledges it', async () => {
    const { status, address, dial, eventsOf } = await monitorRig();
    expect(address.host).toBe('127.0.0.1');
    expect(address.port).toBeGreaterThan(0);
    expect(status).toMatchObject({
      state: 'connected',
      kind: 'monitor',
      detail: `listening on 127.0.0.1:${address.port}`,
    });
    const monitor = new MonitorSimulator(await dial(), {});
    const controlId = monitor.sendVitals({ systolic: 141, diastolic: 88, mean: 106, pulse: 72, spo2: 96 });
    await until(() => eventsOf().some((event) => event.type === 'reading') && monitor.acks.length === 1);
    expect(eventsOf().filter((event) => event.type === 'reading')).toEqual([
      {
        type: 'reading',
        at: expect.any(String),
        reading: {
          kind: 'vitals',
          systolic: 141,
          diastolic: 88,
          mean: 106,
          pulse: 72,
          spo2: 96,
          temperatureC: 36.6,
          deviceTime: '2026-11-21T09:30:00+08:00',
        },
      },
    ]);
    expect(monitor.acks[0]).toContain(`MSA|AA|${controlId}`);
    monitor.stop();
  });

  it('answers a malformed message with AE and no reading, and keeps the connection', async () => {
    const { dial, eventsOf } = await monitorRig();
    const link = await dial();
    const acks: string[] = [];
    const decoder = new MllpDecoder();
    link.onData((chunk) => {
      for (const item of decoder.push(chunk))
        if (item instanceof Uint8Array) acks.push(new TextDecoder().decode(item));
    });
    await link.write(wrapMllp(new TextEncoder().encode('PID|||12345\rOBX|1|NM|150021^SYS^MDC||120\r')));
    await until(() => acks.length === 1);
    expect(acks[0]).toMatch(/\rMSA\|AE\|\|message does not start with MSH\r$/);
    // The same link then carries a good message: one reading, from it alone.
    const monitor = new MonitorSimulator(link, {});
    monitor.sendVitals({ systolic: 118 });
    await until(() => eventsOf().some((event) => event.type === 'reading'));
    expect(eventsOf().filter((event) => event.type === 'reading')).toMatchObject([
      { reading: { systolic: 118 } },
    ]);
    expect(monitor.acks[0]).toContain('MSA|AA|');
    monitor.stop();
  });

  it('takes the listening address from the binding, loopback unless told otherwise', () => {
    expect(parseListenAddress('auto', 2575)).toEqual({ host: '127.0.0.1', port: 2575 });
    expect(parseListenAddress('2600', 2575)).toEqual({ host: '127.0.0.1', port: 2600 });
    expect(parseListenAddress('0.0.0.0:2575', 2575)).toEqual({ host: '0.0.0.0', port: 2575 });
    expect(parseListenAddress('[::1]:2575', 2575)).toEqual({ host: '::1', port: 2575 });
    expect(() => parseListenAddress('/dev/ttyUSB0', 2575)).toThrow('not a listening port');
    expect(() => parseListenAddress('99999', 2575)).toThrow('not a listening port');
  });
});

describe('the vitals receipt', () => {
  it('matches the expected ESC/POS bytes, byte for byte', () => {
    const expected = readFileSync(join(import.meta.dirname, 'fixtures', 'vitals-receipt.bin'));
    expect(Buffer.from(vitalsReceiptBytes(SAMPLE_SLIP)).equals(expected)).toBe(true);
  });
});
