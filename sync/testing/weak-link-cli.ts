/**
 * Manual weak-link proxy:
 *
 *   tsx sync/testing/weak-link-cli.ts --target 127.0.0.1:8787 --kbps 64 --latency 300 --cut-every 20s
 *
 * Prints the proxy URL. While running, type a letter + Enter: `d` link down, `u` link up,
 * `c` cut now, `s` stats. Ctrl-C closes.
 */
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { startWeakLink, type WeakLinkOptions } from './weak-link';

const USAGE = `usage: tsx sync/testing/weak-link-cli.ts --target HOST:PORT [--port N] [--kbps N] [--latency MS]
                                     [--cut-every DURATION] [--down]
  --target     loopback host and port to forward to, e.g. 127.0.0.1:8787 or [::1]:8787
  --port       port to listen on (default: a free one)
  --kbps       bandwidth per direction in kilobits per second (1 kbit = 1000 bits)
  --latency    one-way delay in ms (or a duration: 300ms, 0.3s)
  --cut-every  reset all connections periodically: 20s, 500ms, 2m, or plain ms
  --down       start with the link down`;

/** `20s`, `500ms`, `1.5s`, `2m`, or a plain number of milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!match) throw new Error(`bad duration "${text}" (try 20s, 500ms, 2m)`);
  const value = Number(match[1]);
  const unit = match[2] ?? 'ms';
  return unit === 'm' ? value * 60_000 : unit === 's' ? value * 1000 : value;
}

function parseNumber(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${flag} needs a non-negative number, got "${text}"`);
  }
  return value;
}

export function parseCliArgs(argv: readonly string[]): WeakLinkOptions {
  let target: WeakLinkOptions['target'] | undefined;
  const options: Omit<WeakLinkOptions, 'target'> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const [name, inline] = flag.includes('=') ? flag.split(/=(.*)/s, 2) : [flag, undefined];
    if (name === '--down') {
      options.down = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    switch (name) {
      case '--target': {
        const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(value);
        if (!match?.[1] || !match[2]) throw new Error(`--target must be HOST:PORT, got "${value}"`);
        target = { host: match[1].replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
        break;
      }
      case '--port':
        options.listenPort = parseNumber(name, value);
        break;
      case '--kbps':
        options.bandwidthBitsPerSecond = parseNumber(name, value) * 1000;
        break;
      case '--latency':
        options.latencyMs = parseDuration(value);
        break;
      case '--cut-every':
        options.cutEveryMs = parseDuration(value);
        break;
      default:
        throw new Error(`unknown option ${name}`);
    }
  }
  if (!target) throw new Error('--target HOST:PORT is required');
  return { target, ...options };
}

async function main(): Promise<void> {
  let options: WeakLinkOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const link = await startWeakLink(options);
  const shape = [
    options.bandwidthBitsPerSecond ? `${options.bandwidthBitsPerSecond / 1000} kbit/s` : 'unlimited',
    `${options.latencyMs ?? 0} ms one-way`,
    options.cutEveryMs ? `cut every ${options.cutEveryMs} ms` : 'no cuts',
    options.down ? 'DOWN' : 'up',
  ].join(', ');
  console.log(link.url());
  console.error(
    `weak link → ${options.target.host}:${options.target.port} (${shape}); keys: d=down u=up c=cut s=stats`,
  );

  const input =
    process.stdin.isTTY || process.stdin.readable ? createInterface({ input: process.stdin }) : null;
  input?.on('line', (line) => {
    const key = line.trim();
    if (key === 'd') link.setDown(true);
    else if (key === 'u') link.setDown(false);
    else if (key === 'c') link.cutNow();
    if (['d', 'u', 'c', 's'].includes(key)) console.error(JSON.stringify(link.stats()));
  });
  const stop = async () => {
    input?.close();
    await link.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
