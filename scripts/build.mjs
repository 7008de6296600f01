/** Builds the renderer (Vite) and the Electron main and preload bundles (esbuild). */
import { ensureNodeModules, ROOT, run } from './lib/prepare.mjs';

export async function buildAll({ quiet = false } = {}) {
  // Imported here, not at the top: on a fresh clone esbuild is installed only once ensureNodeModules has run.
  const { build } = await import('esbuild');
  run('npx', ['vite', 'build', '--logLevel', quiet ? 'warn' : 'info']);
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    absWorkingDir: ROOT,
    external: ['electron', 'serialport', 'node-hid', '@serialport/*', 'playwright-core'],
    logLevel: 'warning',
  };
  await build({
    ...common,
    entryPoints: ['electron/main/main.ts'],
    outfile: 'dist/electron/main.js',
    format: 'esm',
  });
  // Sandboxed preloads must be CommonJS.
  await build({
    ...common,
    entryPoints: ['electron/main/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    format: 'cjs',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureNodeModules();
  await buildAll();
}
