import type { DriverDescriptor, SessionLike } from '../driver';
import { openPty, type PtyPair } from '../pty/pty';
import type { DeviceEvent } from '../readings';
import type { Simulator, SimulatorOptions } from '../sim/simulator';
import { SerialTransport } from '../transport/serial';

/** A driver's simulator on one end of a pty and its session on the other, over the real binding. */
export interface PtyRig<S> {
  pty: PtyPair;
  port: SerialTransport;
  simulator: Simulator;
  session: S;
  close(): Promise<void>;
}

export async function openPtyRig<S extends SessionLike, O extends SimulatorOptions>(
  driver: DriverDescriptor<DeviceEvent, S>,
  simulatorOptions: O,
  createSimulator: (pty: PtyPair, options: O) => Simulator = (pty, options) =>
    driver.createSimulator(pty.device, options),
): Promise<PtyRig<S>> {
  if (driver.transport.kind !== 'serial') throw new Error(`${driver.id} is not a serial device`);
  const pty = await openPty();
  const simulator = createSimulator(pty, simulatorOptions);
  const port = await SerialTransport.open(pty.path, driver.transport.settings);
  const session = driver.createSession(port, { deviceId: `${driver.id}-test` });
  return {
    pty,
    port,
    simulator,
    session,
    async close() {
      simulator.stop();
      await session.close();
      await pty.close();
    },
  };
}
