/**
 * `npm start`: installs what is missing, builds, and opens the Electron window
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
const children = [];
const stopAll = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

if (electron) {
  console.log('Starting the Xiangyi desktop window…');
  children.push(spawn(electron, ['.'], { cwd: ROOT, stdio: 'inherit' }));
} else {
  console.log('Electron is not available here: starting Xiangyi headless.');
  children.push(spawn('npx', ['tsx', 'electron/headless/cli.ts'], { cwd: ROOT, stdio: 'inherit' }));
}
for (const child of children) child.on('exit', (code) => process.exit(code ?? 0));
