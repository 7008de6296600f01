/**
 * `npm start`: installs what is missing, builds, starts a local county gateway
 * (unless XIANGYI_GATEWAY_URL names a real one) and opens the Electron window
 * where Electron can run; otherwise serves the same app headless on 127.0.0.1
 * and prints its URL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildAll } from './build.mjs';
import { ensureNodeModules, ROOT } from './lib/prepare.mjs';

ensureNodeModules();
await buildAll({ quiet: true });

function electronBinary() {
  if (process.env.XIANGYI_HEADLESS === '1') return null;
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return null;
  // Requiring the package fetches the binary on first use; where that cannot
  // happen (no network, no release server) we fall back to headless.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const path = probe.status === 0 ? probe.stdout.trim() : '';
  return path && existsSync(path) ? path : null;
}

const electron = electronBinary();
// Simulated devices on pseudo-terminals, so a reading can be captured with no hardware;
// XIANGYI_SIMULATORS=0 turns them off at a workstation with real devices.
const env = { ...process.env, XIANGYI_SIMULATORS: process.env.XIANGYI_SIMULATORS ?? '1' };
const children = [];
// Node is started directly (not through npx) so that stopping it here stops the real process.
const stopAll = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

// A local county gateway on its embedded database, unless this workstation is pointed at a real one.
if (!process.env.XIANGYI_GATEWAY_URL) {
  console.log('Starting a local county gateway (embedded database, demo county)…');
  children.push(
    spawn(process.execPath, ['--import', 'tsx', 'sync/server/main.ts'], { cwd: ROOT, stdio: 'inherit', env }),
  );
}

if (electron) {
  console.log('Starting the Xiangyi desktop window…');
  children.push(spawn(electron, ['.'], { cwd: ROOT, stdio: 'inherit', env }));
} else {
  console.log('Electron is not available here: starting Xiangyi headless.');
  children.push(
    spawn(process.execPath, ['--import', 'tsx', 'electron/headless/cli.ts'], {
      cwd: ROOT,
      stdio: 'inherit',
      env,
    }),
  );
}
// One part stopping (the window closed, the gateway's port taken) stops the others too.
for (const child of children) {
  child.on('exit', (code) => {
    stopAll();
    process.exit(code ?? 0);
  });
}
