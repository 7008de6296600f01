import { INJECTED_FAULTS, type InjectedFault } from './simulator';

export interface SimArgs {
  device: string;
  fault?: InjectedFault;
  everyMs?: number;
  capture?: string;
  host: string;
  port: number;
}

/** `5s`, `500ms`, `2m`, or a bare number of seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (match === null) throw new Error(`not a duration: ${text}`);
  const value = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(unit === 'ms' ? value : unit === 's' ? value * 1000 : value * 60_000);
}

export function parseSimArgs(argv: string[]): SimArgs {
  const args: SimArgs = { device: '', host: '127.0.0.1', port: 2575 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--fault') {
      const fault = value();
      if (!INJECTED_FAULTS.includes(fault as InjectedFault))
        throw new Error(`--fault must be one of ${INJECTED_FAULTS.join(', ')}`);
      args.fault = fault as InjectedFault;
    } else if (arg === '--every') args.everyMs = parseDuration(value());
    else if (arg === '--capture') args.capture = value();
    else if (arg === '--host') args.host = value();
    else if (arg === '--port') args.port = Number(value());
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else if (args.device === '') args.device = arg;
    else throw new Error(`unexpected argument ${arg}`);
  }
  if (args.device === '') throw new Error('which device?');
  return args;
}
