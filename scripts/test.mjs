/**
 * `npm test`: every check the project has, in the order that fails fastest.
 * Installs what is missing first, so it runs on a fresh clone.
 */

import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { buildAll } from './build.mjs';
import { ensureNodeModules, ensureSystemPackages, ROOT, run } from './lib/prepare.mjs';

ensureNodeModules();
ensureSystemPackages();

run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('npx', ['biome', 'ci', '.']);

const results = `${ROOT}/test-results`;
rmSync(results, { recursive: true, force: true });
const unit = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}/unit.json`],
  { cwd: ROOT, stdio: 'inherit' },
);

await buildAll({ quiet: true });
const e2e = spawnSync('npx', ['playwright', 'test', '-c', 'e2e/playwright.config.ts'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: `${results}/e2e.json` },
});

function counts(file, read) {
  try {
    return read(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { passed: 0, failed: 1 };
  }
}
const u = counts(`${results}/unit.json`, (r) => ({ passed: r.numPassedTests, failed: r.numFailedTests }));
const e = counts(`${results}/e2e.json`, (r) => ({
  passed: r.stats.expected,
  failed: r.stats.unexpected + r.stats.flaky * 0,
}));
const passed = u.passed + e.passed;
const failed =
  u.failed +
  e.failed +
  (unit.status !== 0 && u.failed === 0 ? 1 : 0) +
  (e2e.status !== 0 && e.failed === 0 ? 1 : 0);
console.log(
  `\nunit ${u.passed} passed, ${u.failed} failed; end-to-end ${e.passed} passed, ${e.failed} failed`,
);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
