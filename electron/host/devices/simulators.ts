/**
 * Simulated devices for a newcomer without hardware and for the browser tests: each serial
 * simulator speaks its protocol on a pseudo-terminal and the device host opens the other end as
 * a real serial port. An unplug (injected or asked for) kills the pty as a pulled USB adapter
 * would; the device comes back on a fresh pty a moment later and the host is re-pointed at it.
 * The networked monitor (HL7 over MLLP) dials the host's loopback listener over real TCP instead;
 * its unplug drops the connection, and it dials again a moment later.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DriverDescriptor } from '../../../devices/driver';
import { contecCms50dPlus } from '../../../devices/drivers/contec-cms50dplus';
import { Cms50Simulator } from '../../../devices/drivers/contec-cms50dplus/simulator';
import { escposPrinter } from '../../../devices/drivers/escpos';
import { PrinterSimulator } from '../../../devices/drivers/escpos/simulator';
import { healthCardQr } from '../../../devices/drivers/health-card-qr';
import { QrScannerSimulator } from '../../../devices/drivers/health-card-qr/simulator';
import { hl7Monitor } from '../../../devices/drivers/hl7-monitor';
import { MonitorSimulator } from '../../../devices/drivers/hl7-monitor/simulator';
import { omronHbp9030 } from '../../../devices/drivers/omron-hbp9030';
import { OmronSimulator } from '../../../devices/drivers/omron-hbp9030/simulator';
import { samIdCard } from '../../../devices/drivers/sam-idcard';
import { IdCardSimulator } from '../../../devices/drivers/sam-idcard/simulator';
import { suntechNibp } from '../../../devices/drivers/suntech-nibp';
import { NibpSimulator } from '../../../devices/drivers/suntech-nibp/simulator';
import { openPty } from '../../../devices/pty/pty';
import type { Simulator } from '../../../devices/sim/simulator';
import { TcpTransport } from '../../../devices/transport/tcp';
import type { Transport } from '../../../devices/transport/transport';
import type { DeviceOutcome, SimulatorAction } from '../../bridge/contract';
import type { DeviceHost, SimulatorControl } from './device-host';

interface SimSpec {
  id: string;
  driver: DriverDescriptor;
  create(transport: Transport): Simulator;
  capture: boolean;
  /** Dials the host over TCP (its binding listens on a free loopback port) instead of a pty. */
  network?: boolean;
}

export interface SimulatorOptions {
  /** Every byte the simulated printer receives is appended here: the printer's paper. */
  printerFile: string;
  /** Time between NIBP cuff-pressure frames. */
  nibpStepMs?: number;
  /** How long an unplugged simulated device stays away. */
  replugMs?: number;
}

export const SIMULATED_DEVICES = {
  omron: 'sim-omron',
  nibp: 'sim-nibp',
  oximeter: 'sim-oximeter',
  idcard: 'sim-idcard',
  qr: 'sim-qr',
  printer: 'sim-printer',
  monitor: 'sim-monitor',
} as const;

/** The simulated monitor's binding: loopback, a free port chosen when the host starts listening. */
export const SIMULATED_MONITOR_PORT = '127.0.0.1:0';

function specs(options: SimulatorOptions): SimSpec[] {
  return [
    {
      id: SIMULATED_DEVICES.omron,
      driver: omronHbp9030,
      create: (t) => new OmronSimulator(t, {}),
      capture: true,
    },
    {
      id: SIMULATED_DEVICES.nibp,
      driver: suntechNibp,
      create: (t) => new NibpSimulator(t, { stepMs: options.nibpStepMs ?? 250 }),
      capture: true,
    },
    // The oximeter streams 60 packets a second: no capture file by default, it would fill the disk.
    {
      id: SIMULATED_DEVICES.oximeter,
      driver: contecCms50dPlus,
      create: (t) => new Cms50Simulator(t, {}),
      capture: false,
    },
    {
      id: SIMULATED_DEVICES.idcard,
      driver: samIdCard,
      create: (t) => new IdCardSimulator(t, { cardPresent: true }),
      capture: true,
    },
    {
      id: SIMULATED_DEVICES.qr,
      driver: healthCardQr,
      create: (t) => new QrScannerSimulator(t, {}),
      capture: true,
    },
    {
      id: SIMULATED_DEVICES.printer,
      driver: escposPrinter,
      create: (t) => {
        mkdirSync(dirname(options.printerFile), { recursive: true });
        t.onData((chunk) => appendFileSync(options.printerFile, chunk));
        return new PrinterSimulator(t, {});
      },
      capture: true,
    },
    {
      id: SIMULATED_DEVICES.monitor,
      driver: hl7Monitor,
      create: (t) => new MonitorSimulator(t, {}),
      capture: true,
      network: true,
    },
  ];
}

/** The simulator's end of its link: a pty, or a TCP connection to the host. */
interface Link {
  device: Transport;
  close(): Promise<void>;
}

interface Running {
  spec: SimSpec;
  link: Link;
  simulator: Simulator;
}

export interface Simulators extends SimulatorControl {
  /** The live simulator of a device, for in-process tests and the benchmark. */
  simulator(id: string): Simulator | undefined;
  stop(): Promise<void>;
}

export async function startSimulators(host: DeviceHost, options: SimulatorOptions): Promise<Simulators> {
  const running = new Map<string, Running>();
  const replugTimers = new Set<NodeJS.Timeout>();
  let stopped = false;

  function replugLater(spec: SimSpec): void {
    const timer = setTimeout(() => {
      replugTimers.delete(timer);
      if (!stopped) void plugIn(spec).catch(() => replugLater(spec));
    }, options.replugMs ?? 1500);
    replugTimers.add(timer);
  }

  /** A networked monitor: the host listens (bound once), the simulator dials it. */
  async function dial(spec: SimSpec): Promise<Link> {
    if (host.listeningOn(spec.id) === undefined && !host.list().some((status) => status.id === spec.id))
      await host.configure({
        id: spec.id,
        driver: spec.driver.id,
        port: SIMULATED_MONITOR_PORT,
        capture: spec.capture,
      });
    const address = host.listeningOn(spec.id);
    if (address === undefined) throw new Error(`${spec.id}: the host is not listening`);
    const transport = await TcpTransport.connect(address.host, address.port);
    return { device: transport, close: () => transport.close() };
  }

  async function plugIn(spec: SimSpec): Promise<void> {
    const pty = spec.network ? undefined : await openPty();
    const link: Link = pty ?? (await dial(spec));
    if (stopped) {
      await link.close();
      return;
    }
    const simulator = spec.create(link.device);
    const entry: Running = { spec, link, simulator };
    running.set(spec.id, entry);
    link.device.onClose(() => {
      simulator.stop();
      if (stopped || running.get(spec.id) !== entry) return;
      replugLater(spec);
    });
    if (pty !== undefined)
      await host.configure({ id: spec.id, driver: spec.driver.id, port: pty.path, capture: spec.capture });
  }

  const control: Simulators = {
    has: (id) => running.has(id) || specs(options).some((spec) => spec.id === id),
    simulator: (id) => running.get(id)?.simulator,

    async act(id, action: SimulatorAction): Promise<DeviceOutcome<{ at: string }>> {
      const entry = running.get(id);
      if (entry === undefined || !entry.link.device.isOpen)
        return { ok: false, reason: 'not-connected', detail: `simulated ${id} is unplugged` };
      const { simulator } = entry;
      const done = (): DeviceOutcome<{ at: string }> => ({ ok: true, at: new Date().toISOString() });
      switch (action.do) {
        case 'fault':
          simulator.setFault(action.fault ?? undefined);
          return done();
        case 'unplug':
          await entry.link.close();
          return done();
        case 'measure': {
          const values = {
            systolic: action.systolic ?? 128,
            diastolic: action.diastolic ?? 82,
            pulse: action.pulse ?? 72,
          };
          if (simulator instanceof OmronSimulator) {
            await simulator.measure(values);
            return done();
          }
          if (simulator instanceof MonitorSimulator) {
            // The monitor pushes a whole ORU^R01; the fields not given keep the simulator's defaults.
            simulator.sendVitals({
              ...values,
              mean: Math.round((values.systolic + 2 * values.diastolic) / 3),
            });
            return done();
          }
          if (simulator instanceof NibpSimulator) {
            // The module measures when the host starts it; this sets what it will report.
            simulator.setResult({
              ...values,
              mean: Math.round((values.systolic + 2 * values.diastolic) / 3),
            });
            return done();
          }
          break;
        }
        case 'scan':
          if (simulator instanceof QrScannerSimulator) {
            simulator.scan(action.token);
            return done();
          }
          break;
        case 'card':
          if (simulator instanceof IdCardSimulator) {
            if (action.person !== undefined) simulator.setPerson(action.person);
            simulator.setCardPresent(action.present);
            return done();
          }
          break;
      }
      return { ok: false, reason: 'not-supported', detail: `${id} cannot ${action.do}` };
    },

    async stop() {
      stopped = true;
      for (const timer of replugTimers) clearTimeout(timer);
      replugTimers.clear();
      const all = [...running.values()];
      running.clear();
      await Promise.all(
        all.map(async ({ simulator, link }) => {
          simulator.stop();
          await link.close();
        }),
      );
    },
  };
  host.attachSimulators(control);
  for (const spec of specs(options)) {
    // A monitor that cannot reach the host yet keeps dialling, as a real one would.
    if (spec.network) await plugIn(spec).catch(() => replugLater(spec));
    else await plugIn(spec);
  }
  return control;
}
