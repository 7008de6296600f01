import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { StreamTransport } from '../transport/stream';

/*
 * Why python3 and not socat or node-pty: python3 is on every target machine, needs no native
 * module, and os.openpty gives one pty whose slave a real serial binding can open. The helper keeps
 * the slave fd open itself so the master never sees EIO between a client's close and re-open, and
 * exits when its stdin closes, so a dying test process cannot leak it. Killing it closes the
 * master, which the port on the slave side sees exactly like an unplugged USB-serial adapter.
 */
const RELAY = `
import os, sys, tty, select
master, slave = os.openpty()
tty.setraw(slave)
sys.stderr.write(os.ttyname(slave) + "\\n")
sys.stderr.flush()
while True:
    ready, _, _ = select.select([master, 0], [], [])
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if data:
            os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if not data:
            break
        view = memoryview(data)
        while view:
            view = view[os.write(master, view):]
`;

export interface PtyPair {
  /** Slave path (e.g. /dev/pts/3): what the app or a test opens with the serial binding. */
  path: string;
  /** The other end: whatever the simulator writes here arrives at `path`, and the reverse. */
  device: StreamTransport;
  /** Kills the helper; the port on `path` sees a disconnect. Safe to call twice. */
  close(): Promise<void>;
}

export async function openPty(): Promise<PtyPair> {
  const helper = spawn('python3', ['-u', '-c', RELAY], { stdio: 'pipe' });
  const path = await readPath(helper);
  const exited = once(helper, 'exit');
  const running = (): boolean => helper.exitCode === null && helper.signalCode === null;
  // Closing stdin lets the helper relay what is still queued before it exits; the kill is a fallback.
  const stop = (): void => {
    if (!running()) return;
    helper.stdin.end();
    setTimeout(() => running() && helper.kill('SIGKILL'), 1000).unref();
  };
  const device = new StreamTransport(helper.stdout, helper.stdin, stop);
  return {
    path,
    device,
    async close() {
      if (!running()) return;
      stop();
      await exited;
    },
  };
}

function readPath(helper: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline === -1) return;
      helper.stderr?.off('data', onData);
      // Keep draining so a chatty helper can never block on a full pipe.
      helper.stderr?.resume();
      const path = text.slice(0, newline).trim();
      if (path.startsWith('/dev/')) resolve(path);
      else reject(new Error(`pty helper said: ${text}`));
    };
    helper.stderr?.on('data', onData);
    helper.once('error', reject);
    helper.once('exit', (code) => reject(new Error(`pty helper exited with ${code}: ${text}`)));
  });
}
