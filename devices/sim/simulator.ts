import type { Transport } from '../transport/transport';

/** The faults a simulator can stage, named as on the sim CLI. */
export type InjectedFault = 'bad-checksum' | 'truncated' | 'garbage' | 'unplug' | 'error';

export const INJECTED_FAULTS: readonly InjectedFault[] = [
  'bad-checksum',
  'truncated',
  'garbage',
  'unplug',
  'error',
];

export interface SimulatorOptions {
  /** Applied to every measurement until changed with `setFault`. */
  fault?: InjectedFault;
  /** For devices that push on their own (a nurse pressing start): how often they do. */
  everyMs?: number;
  /** How the simulator pulls the plug; by default it closes its end of the link. */
  unplug?: () => void;
}

export interface Simulator {
  setFault(fault: InjectedFault | undefined): void;
  stop(): void;
}

/**
 * Timer, fault and write plumbing every simulator shares. Subclasses answer commands and decide
 * what each fault looks like on their wire.
 */
export abstract class SimulatorBase implements Simulator {
  protected fault: InjectedFault | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly unplugLink: () => void;
  protected stopped = false;

  constructor(
    protected readonly transport: Transport,
    options: SimulatorOptions,
  ) {
    this.fault = options.fault;
    this.unplugLink = options.unplug ?? (() => void transport.close());
    transport.onData((chunk) => {
      if (!this.stopped) this.onCommand(chunk);
    });
    if (options.everyMs !== undefined) {
      this.timer = setInterval(() => this.onTick(), options.everyMs);
    }
  }

  setFault(fault: InjectedFault | undefined): void {
    this.fault = fault;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Bytes from the host. Push-only devices ignore them. */
  protected onCommand(_chunk: Uint8Array): void {}

  /** One `everyMs` period elapsed. */
  protected onTick(): void {}

  protected send(bytes: Uint8Array): void {
    if (this.stopped || !this.transport.isOpen) return;
    this.transport.write(bytes).catch(() => undefined);
  }

  protected unplug(): void {
    this.stop();
    this.unplugLink();
  }

  /** Waits like a device does between frames, so hosts see realistic chunking. */
  protected pause(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
