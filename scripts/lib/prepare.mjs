/**
 * What the start and test commands need before they run, installed when
 * missing: the npm packages, and for tests the Debian packages of the real
 * parts (Chromium, PostgreSQL, a CJK font for screenshots, pdftoppm).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
  }
}

/**
 * Installs when node_modules is missing or older than the lockfile. `npm install`
 * rather than `npm ci`: npm 11 leaves other platforms' optional binaries (Biome's)
 * out of the lockfile and `npm ci` then refuses the lockfile it wrote itself.
 */
export function ensureNodeModules() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing npm packages…');
  run('npm', ['install', '--no-audit', '--no-fund']);
}

function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : null;
}

function hasCjkFont() {
  try {
    return execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

const SYSTEM_PARTS = [
  {
    name: 'Chromium',
    debian: 'chromium',
    present: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
  },
  { name: 'PostgreSQL', debian: 'postgresql', present: () => postgresBinDir() !== null },
  { name: 'a Chinese font', debian: 'fonts-noto-cjk', present: hasCjkFont },
  { name: 'pdftoppm', debian: 'poppler-utils', present: () => existsSync('/usr/bin/pdftoppm') },
];

export function ensureSystemPackages() {
  const missing = SYSTEM_PARTS.filter((part) => !part.present());
  if (missing.length === 0) return;
  const packages = missing.map((part) => part.debian);
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(
      `The tests need ${missing.map((p) => p.name).join(', ')}. Install them with:\n  sudo apt-get install -y ${packages.join(' ')}\n(or set CHROMIUM_PATH to a Chromium binary).`,
    );
    process.exit(2);
  }
  console.log(`Installing ${packages.join(', ')} from Debian…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
}

export { postgresBinDir };
