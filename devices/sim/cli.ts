/**
 * Runs a device simulator for development without hardware:
 *   tsx devices/sim/cli.ts <device> [--fault bad-checksum|truncated|garbage|unplug|error] [--every 5s]
 *                                   [--capture file] [--host h --port p   (monitors only)]
 * Serial devices get a pseudo-terminal; open the printed path in the app's device settings.
 * The HL7 monitor dials the host's MLLP listener instead.
 */
import { captureTransport, fileCapture } from '../capture/capture';
import { openPty } from '../pty/pty';
import { DRIVERS, findDriver } from '../registry';
import { TcpTransport } from '../transport/tcp';
import type { Transport } from '../transport/transport';
import { parseSimArgs, type SimArgs } from './args';

/** Devices that only speak when a person presses a button get a default rhythm. */
const DEFAULT_EVERY_MS: Record<string, number> = {
  'omron-hbp9030': 5000,
  'health-card-qr': 5000,
  'hl7-monitor': 5000,
};

function usage(error: string): never {
  process.stderr.write(
    `${error}\n\nusage: tsx devices/sim/cli.ts <device> [--fault kind] [--every 5s] [--capture file]\ndevices: ${DRIVERS.map((driver) => driver.id).join(', ')}\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  let args: SimArgs;
  try {
    args = parseSimArgs(process.argv.slice(2));
  } catch (error) {
    usage((error as Error).message);
  }
  const driver = findDriver(args.device) ?? usage(`unknown device ${args.device}`);
  const everyMs = args.everyMs ?? DEFAULT_EVERY_MS[driver.id];
  const withCapture = (transport: Transport): Transport =>
    args.capture === undefined ? transport : captureTransport(transport, fileCapture(args.capture));
  const options = { ...(args.fault ? { fault: args.fault } : {}), ...(everyMs ? { everyMs } : {}) };

  if (driver.transport.kind === 'hid') {
    usage(
      `${driver.id} is a HID device: there is no virtual HID here, tests inject reports through a memory transport`,
    );
  }

  if (driver.transport.kind === 'tcp') {
    const link = await TcpTransport.connect(args.host, args.port);
    const simulator = driver.createSimulator(withCapture(link), options);
    process.stdout.write(`${driver.id} simulator connected to ${args.host}:${args.port}\n`);
    link.onClose(() => process.exit(0));
    const stop = (): void => {
      simulator.stop();
      void link.close().then(() => process.exit(0));
    };
    process.on('SIGINT', stop).on('SIGTERM', stop);
    return;
  }

  const pty = await openPty();
  const simulator = driver.createSimulator(withCapture(pty.device), options);
  const { baudRate, dataBits, parity, stopBits } = driver.transport.settings;
  process.stdout.write(`${pty.path}\n`);
  process.stderr.write(
    `${driver.id} simulator on ${pty.path} (${baudRate} ${dataBits}${parity[0]?.toUpperCase()}${stopBits})` +
      `${args.fault ? `, injecting ${args.fault}` : ''}; Ctrl-C to stop\n`,
  );
  pty.device.onClose(() => {
    process.stderr.write('simulated device unplugged\n');
    process.exit(0);
  });
  const stop = (): void => {
    simulator.stop();
    void pty.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop).on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
