/**
 * The device host as a shell starts it: bindings remembered in `<dataDir>/devices.json`, captures
 * under `<dataDir>/devices/capture/`, and with `simulators` the simulated devices on ptys instead
 * (their bindings live in memory, so a real workstation's file is never touched by a dev run).
 */
import { join } from 'node:path';
import type { BridgeEvent } from '../../bridge/contract';
import { fileBindingStore, memoryBindingStore } from './bindings';
import { createDeviceHost, type DeviceHost } from './device-host';
import { captureFileFor, listenBinding, openBinding } from './open';
import { type Simulators, startSimulators } from './simulators';

export interface StartedDevices {
  host: DeviceHost;
  simulators: Simulators | undefined;
  close(): Promise<void>;
}

export async function startDevices(options: {
  dataDir: string;
  emit(event: BridgeEvent): void;
  simulators: boolean;
  nibpStepMs?: number;
}): Promise<StartedDevices> {
  const host = createDeviceHost({
    store: options.simulators
      ? memoryBindingStore()
      : fileBindingStore(join(options.dataDir, 'devices.json')),
    emit: options.emit,
    open: openBinding,
    listen: listenBinding,
    capture: captureFileFor(options.dataDir),
  });
  await host.start();
  const simulators = options.simulators
    ? await startSimulators(host, {
        printerFile: join(options.dataDir, 'devices', 'simulated-printer.bin'),
        ...(options.nibpStepMs !== undefined ? { nibpStepMs: options.nibpStepMs } : {}),
      })
    : undefined;
  return {
    host,
    simulators,
    async close() {
      await host.close();
      await simulators?.stop();
    },
  };
}

/** `XIANGYI_SIMULATORS=1` (set by `npm start`) runs the simulated devices. */
export function simulatorsWanted(env: NodeJS.ProcessEnv): boolean {
  return env.XIANGYI_SIMULATORS === '1' || env.XIANGYI_SIMULATORS === 'true';
}
