/**
 * The device host: the workstation's devices, each bound to a port, connected, reconnected after
 * an unplug (with backoff), with a status each, and their events relayed to the renderer. Every
 * I/O edge is injected (how a port opens, where captures go, how events leave) so the logic runs
 * in Node tests over the in-memory transport; the real serial I/O is tested in devices/.
 */
import type { CaptureLog } from '../../../devices/capture/capture';
import type { DriverDescriptor, SessionLike } from '../../../devices/driver';
import { referralSlipReceipt } from '../../../devices/drivers/escpos/referral-slip';
import { DeviceError, type DeviceEvent, type IdCardPerson, type Reading } from '../../../devices/readings';
import { DRIVERS } from '../../../devices/registry';
import type { Transport } from '../../../devices/transport/transport';
import type {
  BridgeEvent,
  DeviceBinding,
  DeviceFailure,
  DeviceOutcome,
  DeviceStatus,
  DriverInfo,
  SimulatorAction,
  ThermalReferralSlip,
  VitalsReceipt,
  WireReading,
} from '../../bridge/contract';
import type { BindingStore } from './bindings';
import { vitalsReceiptBytes } from './receipt';
import { toWire, wireReading } from './wire';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** Simulated devices answer `devices.simulate`; real ones do not. */
export interface SimulatorControl {
  has(id: string): boolean;
  act(id: string, action: SimulatorAction): Promise<DeviceOutcome<{ at: string }>>;
}

/** A listening socket for devices that dial the host (HL7 monitors); one transport per caller. */
export interface Listening {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface DeviceHostOptions {
  store: BindingStore;
  emit(event: BridgeEvent): void;
  open(binding: DeviceBinding, driver: DriverDescriptor): Promise<Transport>;
  /** For `tcp` drivers: listen where the binding says, a transport per connecting device. */
  listen?(
    binding: DeviceBinding,
    driver: DriverDescriptor,
    onConnection: (transport: Transport) => void,
  ): Promise<Listening>;
  capture?(binding: DeviceBinding): CaptureLog | undefined;
  drivers?: readonly DriverDescriptor[];
  backoff?: Backoff;
  /** Oximeters send ~60 samples a second; the screen needs a few. */
  liveThrottleMs?: number;
  now?(): Date;
}

const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 15_000 };

/** Sessions offer different commands; the host finds them by shape rather than by driver id. */
interface Measurable {
  measure(): Promise<Reading>;
}
interface SpotCheckable {
  spotCheck(): Promise<Reading>;
}
interface CardReader {
  readCard(): Promise<{ person: IdCardPerson }>;
}
interface Printer {
  print(bytes: Uint8Array): Promise<void>;
}

function has<T>(session: SessionLike | undefined, method: keyof T): session is SessionLike & T {
  return (
    session !== undefined &&
    typeof (session as unknown as Record<string, unknown>)[method as string] === 'function'
  );
}

export function isStartable(driver: DriverDescriptor): boolean {
  return driver.id === 'suntech-nibp' || driver.kind === 'spo2';
}

export function driverInfo(driver: DriverDescriptor): DriverInfo {
  return {
    id: driver.id,
    kind: driver.kind,
    vendor: driver.vendor,
    model: driver.model,
    labelKey: driver.labelKey,
    transport: driver.transport.kind,
    startable: isStartable(driver),
  };
}

export function backoffDelay(attempt: number, backoff: Backoff): number {
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.max(0, attempt));
}

function failure(
  reason: DeviceFailure,
  detail: string,
): { ok: false; reason: DeviceFailure; detail: string } {
  return { ok: false, reason, detail };
}

function fromError(error: unknown): { ok: false; reason: DeviceFailure; detail: string } {
  if (error instanceof DeviceError) return failure(error.reason, error.message);
  return failure('device-error', error instanceof Error ? error.message : String(error));
}

class Connection {
  session: SessionLike | undefined;
  private state: DeviceStatus['state'] = 'connecting';
  private detail: string | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastLive = 0;
  /** `tcp` drivers: the listener and the sessions of the devices connected to it. */
  listening: Listening | undefined;
  private readonly callers = new Set<SessionLike>();

  constructor(
    readonly binding: DeviceBinding,
    readonly driver: DriverDescriptor,
    private readonly host: DeviceHostOptions & { backoff: Backoff; liveThrottleMs: number },
    private readonly simulated: boolean,
  ) {}

  status(): DeviceStatus {
    return {
      id: this.binding.id,
      driver: this.driver.id,
      port: this.binding.port,
      state: this.state,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
      kind: this.driver.kind,
      capture: this.binding.capture === true,
      simulated: this.simulated,
    };
  }

  async connect(): Promise<void> {
    if (this.stopped) return;
    if (this.driver.transport.kind === 'tcp') return this.listen();
    this.setState('connecting');
    let transport: Transport;
    try {
      transport = await this.host.open(this.binding, this.driver);
    } catch (error) {
      this.setState('error', error instanceof Error ? error.message : String(error));
      this.retry();
      return;
    }
    if (this.stopped) {
      await transport.close();
      return;
    }
    const capture = this.binding.capture ? this.host.capture?.(this.binding) : undefined;
    const session = this.driver.createSession(transport, {
      deviceId: this.binding.id,
      ...(capture !== undefined ? { capture } : {}),
    });
    this.session = session;
    session.on((event) => this.relay(event as DeviceEvent));
    transport.onClose((info) => {
      if (this.session !== session) return;
      this.session = undefined;
      if (this.stopped || !info.unexpected) return;
      this.setState('disconnected', info.error?.message);
      this.retry();
    });
    this.attempt = 0;
    this.setState('connected');
  }

  /**
   * Devices that dial in (HL7 monitors): the binding is "connected" while the host listens; each
   * caller gets its own session (so each gets its own ACKs) and its events go out under the binding.
   */
  private async listen(): Promise<void> {
    this.setState('connecting');
    const listen = this.host.listen;
    if (listen === undefined) {
      this.setState('error', `${this.driver.id}: this host does not accept network devices`);
      return;
    }
    let listening: Listening;
    try {
      listening = await listen(this.binding, this.driver, (transport) => this.accept(transport));
    } catch (error) {
      this.setState('error', error instanceof Error ? error.message : String(error));
      this.retry();
      return;
    }
    if (this.stopped) {
      await listening.close();
      return;
    }
    this.listening = listening;
    this.attempt = 0;
    this.setState('connected', `listening on ${listening.host}:${listening.port}`);
  }

  private accept(transport: Transport): void {
    if (this.stopped) {
      void transport.close().catch(() => undefined);
      return;
    }
    const capture = this.binding.capture ? this.host.capture?.(this.binding) : undefined;
    const session = this.driver.createSession(transport, {
      deviceId: this.binding.id,
      ...(capture !== undefined ? { capture } : {}),
    });
    this.callers.add(session);
    this.session = session;
    session.on((event) => this.relay(event as DeviceEvent));
    transport.onClose(() => {
      this.callers.delete(session);
      if (this.session === session) this.session = [...this.callers].at(-1);
    });
  }

  /** Reconnects with the same binding (after an unplug, or when the port path changes). */
  private retry(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const delay = backoffDelay(this.attempt++, this.host.backoff);
    this.timer = setTimeout(() => void this.connect(), delay);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const session = this.session;
    this.session = undefined;
    const callers = [...this.callers];
    this.callers.clear();
    const listening = this.listening;
    this.listening = undefined;
    await Promise.all([
      session?.close().catch(() => undefined),
      ...callers.map((caller) => caller.close().catch(() => undefined)),
    ]);
    await listening?.close().catch(() => undefined);
  }

  emitReading(reading: Reading): void {
    const at = (this.host.now?.() ?? new Date()).toISOString();
    this.host.emit({
      type: 'device-event',
      deviceId: this.binding.id,
      event: { type: 'reading', reading: wireReading(reading), at },
    });
  }

  private relay(event: DeviceEvent): void {
    const wire = toWire(this.driver.kind, event, this.host.now?.() ?? new Date());
    if (wire === undefined) return;
    if (wire.type === 'spo2-live') {
      const now = Date.now();
      if (now - this.lastLive < this.host.liveThrottleMs) return;
      this.lastLive = now;
    }
    this.host.emit({ type: 'device-event', deviceId: this.binding.id, event: wire });
  }

  private setState(state: DeviceStatus['state'], detail?: string): void {
    this.state = state;
    this.detail = detail;
    this.host.emit({ type: 'device-status', status: this.status() });
  }
}

export interface DeviceHost {
  start(): Promise<void>;
  list(): DeviceStatus[];
  drivers(): DriverInfo[];
  configure(binding: DeviceBinding): Promise<DeviceStatus>;
  remove(id: string): Promise<void>;
  measure(id: string): Promise<DeviceOutcome<{ reading: WireReading }>>;
  readCard(id: string): Promise<DeviceOutcome<{ person: IdCardPerson }>>;
  printReceipt(id: string, receipt: VitalsReceipt): Promise<DeviceOutcome<{ bytes: number }>>;
  printReferralSlip(id: string, slip: ThermalReferralSlip): Promise<DeviceOutcome<{ bytes: number }>>;
  simulate(id: string, action: SimulatorAction): Promise<DeviceOutcome<{ at: string }>>;
  attachSimulators(control: SimulatorControl): void;
  /** Where a `tcp` binding listens, once it does (port 0 in the binding picks a free one). */
  listeningOn(id: string): { host: string; port: number } | undefined;
  close(): Promise<void>;
}

export function createDeviceHost(options: DeviceHostOptions): DeviceHost {
  const settings = {
    ...options,
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    liveThrottleMs: options.liveThrottleMs ?? 250,
  };
  const drivers = options.drivers ?? DRIVERS;
  const connections = new Map<string, Connection>();
  let simulators: SimulatorControl | undefined;
  let bindings: DeviceBinding[] = [];
  let closed = false;
  // Configuration changes one at a time, so two quick saves cannot lose each other's binding.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const findDriver = (id: string) => drivers.find((driver) => driver.id === id);

  async function connect(binding: DeviceBinding): Promise<Connection | undefined> {
    const driver = findDriver(binding.driver);
    if (driver === undefined) return undefined;
    const connection = new Connection(binding, driver, settings, simulators?.has(binding.id) ?? false);
    connections.set(binding.id, connection);
    await connection.connect();
    return connection;
  }

  function connected(id: string): Connection | DeviceOutcome<never> {
    const connection = connections.get(id);
    if (connection === undefined) return failure('not-configured', `no device ${id} at this workstation`);
    if (connection.session === undefined)
      return failure('not-connected', `${id} is not connected (${connection.status().state})`);
    return connection;
  }

  async function printBytes(id: string, layout: () => Uint8Array): Promise<DeviceOutcome<{ bytes: number }>> {
    const connection = connected(id);
    if (!(connection instanceof Connection)) return connection;
    const { session } = connection;
    if (!has<Printer>(session, 'print'))
      return failure('not-supported', `${connection.driver.id} is not a printer`);
    try {
      const bytes = layout();
      await session.print(bytes);
      return { ok: true, bytes: bytes.length };
    } catch (error) {
      return fromError(error);
    }
  }

  return {
    async start() {
      bindings = await options.store.load();
      await Promise.all(bindings.map((binding) => connect(binding)));
    },

    list: () => [...connections.values()].map((connection) => connection.status()),

    drivers: () => drivers.map(driverInfo),

    configure: (binding) =>
      serial(async () => {
        if (closed) throw new Error('the device host is closed');
        if (findDriver(binding.driver) === undefined) throw new Error(`unknown driver ${binding.driver}`);
        await connections.get(binding.id)?.stop();
        connections.delete(binding.id);
        bindings = [...bindings.filter((existing) => existing.id !== binding.id), binding];
        await options.store.save(bindings);
        const connection = await connect(binding);
        return (connection as Connection).status();
      }),

    remove: (id) =>
      serial(async () => {
        await connections.get(id)?.stop();
        connections.delete(id);
        bindings = bindings.filter((binding) => binding.id !== id);
        await options.store.save(bindings);
      }),

    async measure(id) {
      const connection = connected(id);
      if (!(connection instanceof Connection)) return connection;
      const { session } = connection;
      try {
        if (has<Measurable>(session, 'measure')) {
          // The reading also reaches the renderer as an event, straight from the session.
          return { ok: true, reading: wireReading(await session.measure()) };
        }
        if (has<SpotCheckable>(session, 'spotCheck')) {
          // Live samples are not readings; the settled spot check is, so it is announced here.
          const reading = await session.spotCheck();
          connection.emitReading(reading);
          return { ok: true, reading: wireReading(reading) };
        }
      } catch (error) {
        return fromError(error);
      }
      return failure('not-supported', `${connection.driver.id} measures when started on the device itself`);
    },

    async readCard(id) {
      const connection = connected(id);
      if (!(connection instanceof Connection)) return connection;
      const { session } = connection;
      if (!has<CardReader>(session, 'readCard'))
        return failure('not-supported', `${connection.driver.id} does not read ID cards`);
      try {
        const read = await session.readCard();
        return { ok: true, person: read.person };
      } catch (error) {
        return fromError(error);
      }
    },

    printReceipt: (id, receipt) => printBytes(id, () => vitalsReceiptBytes(receipt)),
    printReferralSlip: (id, slip) => printBytes(id, () => referralSlipReceipt(slip).build()),

    async simulate(id, action) {
      if (simulators === undefined || !simulators.has(id))
        return failure('not-supported', `${id} is not a simulated device`);
      return simulators.act(id, action);
    },

    attachSimulators(control) {
      simulators = control;
    },

    listeningOn(id) {
      const listening = connections.get(id)?.listening;
      return listening === undefined ? undefined : { host: listening.host, port: listening.port };
    },

    async close() {
      closed = true;
      await queue;
      await Promise.all([...connections.values()].map((connection) => connection.stop()));
      connections.clear();
    },
  };
}
