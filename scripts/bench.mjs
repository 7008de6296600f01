/**
 * `npm run bench`: measures, never asserts. Runs benchmark groups one after the
 * other and prints ONE JSON object, every group's figures merged, as the last
 * (and only) line on stdout; progress goes to stderr. docs/benchmarks.md says
 * what each figure means and keeps the latest numbers.
 *
 *   npm run bench                      every group
 *   npm run bench -- registry machine  only these groups
 *   XIANGYI_BENCH_PATIENTS=5000 npm run bench   a quick smoke run (figure names follow the count)
 *
 * To add figures, add a group to GROUPS: `{ name, run: async (ctx) => ({ figure: value }) }`.
 * `ctx` starts shared things lazily and stops them at the end: `ctx.renderer()`
 * (the app built with its own Vite config, plus the bench page), `ctx.host()`
 * (the headless host serving it), `ctx.browser()` (headless Debian Chromium with
 * a fresh profile), `ctx.tmp(name)` and `ctx.log(...)`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ensureNodeModules, ROOT } from './lib/prepare.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
// Before anything here runs: how busy the machine already was (timings scale with it).
const LOAD_AT_START = loadavg().map((x) => Math.round(x * 100) / 100);
const PATIENTS = Number(process.env.XIANGYI_BENCH_PATIENTS ?? 50_000);
const ADMIN = {
  facilityCode: '450881123',
  facilityName: '桂平市石龙镇中心卫生院',
  displayName: '王管理',
  username: 'wang.admin',
  password: 'Clinic-2026!',
};

// stdout carries only the JSON line: everything else, including tools that print with console.log, goes to stderr.
const writeStdout = process.stdout.write.bind(process.stdout);
console.log = console.error;
const log = (...parts) => console.error('[bench]', ...parts);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/* ------------------------------------------------------------------------------------------ */
/* Shared, lazily started services                                                            */
/* ------------------------------------------------------------------------------------------ */

function createContext() {
  const base = mkdtempSync(join(tmpdir(), 'xiangyi-bench-'));
  const cleanups = [];

  const tmp = (name) => {
    const dir = join(base, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };

  /**
   * The renderer built exactly as `npm run build` builds it (same vite.config.ts), with the
   * bench page as a second entry, into a private folder: dist/ is left alone, so the bench
   * page never ships and a concurrent test run is not disturbed.
   */
  const renderer = once(async () => {
    const outDir = tmp('renderer');
    log('building the renderer and the bench page…');
    const { build } = await import('vite');
    await build({
      configFile: join(ROOT, 'vite.config.ts'),
      root: join(ROOT, 'renderer'),
      logLevel: 'warn',
      build: {
        outDir,
        emptyOutDir: true,
        rolldownOptions: {
          input: {
            index: join(ROOT, 'renderer', 'index.html'),
            bench: join(ROOT, 'renderer', 'bench', 'index.html'),
          },
        },
      },
    });
    return outDir;
  });

  /** The real headless host (`electron/headless/cli.ts`) on a free port with a fresh data folder. */
  const host = once(async () => {
    const rendererDir = await renderer();
    log('starting the headless host…');
    const child = spawn('npx', ['tsx', 'electron/headless/cli.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        XIANGYI_PORT: '0',
        XIANGYI_DATA_DIR: tmp('host-data'),
        XIANGYI_RENDERER_DIR: rendererDir,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so stopping it also stops what npx started
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    cleanups.push(async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
    });
    const url = await new Promise((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(
        () => reject(new Error('the headless host did not start within 60 s')),
        60_000,
      );
      child.stdout.on('data', (chunk) => {
        seen += chunk.toString('utf8');
        const match = /running headless at (\S+)/.exec(seen);
        if (match) {
          clearTimeout(timer);
          resolve(match[1].replace(/\/?$/, '/'));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the headless host exited with ${code} before it started`));
      });
    });
    log(`host at ${url}`);
    return { url };
  });

  /** Headless Debian Chromium with its own fresh profile, so IndexedDB survives reloads. */
  const browser = async (name = 'chromium-profile') => {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`);
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(tmp(name), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: 'zh-CN',
      viewport: { width: 1280, height: 800 },
    });
    cleanups.push(() => context.close());
    return context;
  };

  return {
    log,
    tmp,
    renderer,
    host,
    browser,
    async close() {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log('cleanup failed:', error instanceof Error ? error.message : error);
        }
      }
      if (!process.env.XIANGYI_BENCH_KEEP) rmSync(base, { recursive: true, force: true });
      else log(`kept ${base}`);
    },
  };
}

/* ------------------------------------------------------------------------------------------ */
/* Group: patient registry (register, search, cold start)                                      */
/* ------------------------------------------------------------------------------------------ */

/** Records, inside the app page, when each cold-start milestone reaches the DOM. */
function installColdStartMarks() {
  const marks = {};
  window.__xiangyiColdStart = marks;
  const check = () => {
    const now = performance.now();
    if (marks.signInShown === undefined && document.querySelector('#username')) marks.signInShown = now;
    if (marks.shellShown === undefined && document.querySelector('[data-testid="signed-in-user"]'))
      marks.shellShown = now;
    if (marks.ready === undefined && document.querySelector('#patient-search[data-ready="true"]'))
      marks.ready = now;
  };
  new MutationObserver(check).observe(document, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-ready'],
  });
  document.addEventListener(
    'submit',
    () => {
      marks.submit ??= performance.now();
    },
    true,
  );
}

/** Enrols a stand-alone clinic (no county link) through the first-run form, as e2e/fixtures.ts does. */
async function enrol(page, url) {
  await page.goto(url);
  await page.locator('#displayName').waitFor({ timeout: 60_000 });
  // The form opens on enrolment with a county code; the mode that asks for the facility is stand-alone.
  const modes = page.locator('input[type="radio"][name="mode"]');
  for (let i = 0; i < (await modes.count()) && (await page.locator('#facilityCode').count()) === 0; i++) {
    await modes.nth(i).check();
  }
  await page.locator('#facilityCode').fill(ADMIN.facilityCode);
  await page.locator('#facilityName').fill(ADMIN.facilityName);
  await page.locator('#level').selectOption('township');
  await page.locator('#displayName').fill(ADMIN.displayName);
  await page.locator('#username').fill(ADMIN.username);
  await page.locator('#password').fill(ADMIN.password);
  await page.locator('#passwordAgain').fill(ADMIN.password);
  await page.locator('button[type="submit"]').click();
  await page.locator('[data-testid="signed-in-user"]').waitFor({ timeout: 60_000 });
}

/** One timed cold start: reload → sign-in form → sign in → search box ready. */
async function coldStart(page) {
  const t0 = performance.now();
  await page.reload({ waitUntil: 'commit' });
  await page.locator('#username').waitFor({ timeout: 120_000 });
  await page.locator('#username').fill(ADMIN.username);
  await page.locator('#secret').fill(ADMIN.password);
  await page.locator('form button[type="submit"]').click();
  await page.locator('#patient-search[data-ready="true"]').waitFor({ timeout: 300_000 });
  const total = performance.now() - t0;
  const m = await page.evaluate(() => window.__xiangyiColdStart);
  if (m.submit === undefined || m.ready === undefined) throw new Error('cold-start marks missing');
  return {
    total_ms: total,
    // In-page clock, from the navigation's start.
    toSignIn_ms: m.signInShown,
    typing_ms: m.submit - m.signInShown,
    signInCheck_ms: m.shellShown - m.submit,
    index_ms: m.ready - m.shellShown,
    submitToReady_ms: m.ready - m.submit,
    app_ms: m.signInShown + (m.ready - m.submit),
  };
}

async function registryGroup(ctx) {
  const { url } = await ctx.host();
  const context = await ctx.browser('registry-profile');
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    const text = message.text();
    // RxDB's advertisement for its paid storages, printed on every open.
    if (text.includes('RxDB Open Core RxStorage')) return;
    if (['log', 'warning', 'error'].includes(message.type())) ctx.log(`page ${message.type()}:`, text);
  });
  page.on('pageerror', (error) => ctx.log('page error:', error.message));

  ctx.log('enrolling a clinic through the first-run form…');
  await enrol(page, url);

  ctx.log(`registering ${PATIENTS} synthetic patients through the bench page…`);
  await page.goto(`${url}bench/index.html`);
  await page.locator('body[data-bench-ready="true"]').waitFor();
  const registered = await page.evaluate(
    (count) => window.xiangyiBench.register(count, { batchSize: 1000 }),
    PATIENTS,
  );
  ctx.log('register:', JSON.stringify(registered));
  if (registered.patientsInStore < PATIENTS) throw new Error('fewer patients in the store than registered');

  ctx.log('timing search…');
  const searched = await page.evaluate(() => window.xiangyiBench.search({ perKind: 200, rounds: 5 }));
  ctx.log('search:', JSON.stringify(searched));
  await page.evaluate(() => window.xiangyiBench.close());

  ctx.log('cold starts of the app…');
  await page.addInitScript(installColdStartMarks);
  await page.goto(url);
  await page.locator('#username').waitFor({ timeout: 120_000 });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const run = await coldStart(page);
    ctx.log(
      `cold start ${i + 1}:`,
      JSON.stringify(run, (_k, v) => (typeof v === 'number' ? Math.round(v) : v)),
    );
    runs.push(run);
    await page.waitForTimeout(1000); // let the sign-in's audit write and the first render settle
  }
  const med = (key) => Math.round(median(runs.map((r) => r[key])));

  const k = PATIENTS % 1000 === 0 ? `${PATIENTS / 1000}k` : String(PATIENTS);
  return {
    [`register_${k}_s`]: registered.total_s,
    register_build_s: registered.build_s,
    register_insert_s: registered.insert_s,
    search_p95_ms: searched.p95_ms,
    search_p95_ms_by_kind: searched.p95_msByKind,
    search_p50_ms: searched.p50_ms,
    search_max_ms: searched.max_ms,
    search_samples: searched.samples,
    index_load_ms: searched.indexLoad_ms,
    index_load_parts_ms: {
      read: searched.indexLoadParts_ms.read,
      index_build: searched.indexLoadParts_ms.indexBuild,
    },
    cold_start_ms: med('total_ms'),
    cold_start_index_ms: med('submitToReady_ms'),
    // The same without the bench's own typing into the sign-in form.
    cold_start_app_ms: med('app_ms'),
    cold_start_parts_ms: {
      reload_to_sign_in: med('toSignIn_ms'),
      typing: med('typing_ms'),
      sign_in_check: med('signInCheck_ms'),
      index_build: med('index_ms'),
    },
    cold_start_runs_ms: runs.map((r) => Math.round(r.total_ms)),
  };
}

/* ------------------------------------------------------------------------------------------ */
/* Group: county sync (initial sync in Chromium, a day over 64 kbit/s, 300 clinics)           */
/* ------------------------------------------------------------------------------------------ */

/** scripts/bench/sync.ts is TypeScript that imports the gateway and the clinic: loaded through tsx. */
async function syncGroup(ctx) {
  await importTs();
  const { syncGroup: run } = await import('./bench/sync.ts');
  return run(ctx);
}

/* ------------------------------------------------------------------------------------------ */
/* Group: the machine the figures came from                                                    */
/* ------------------------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------------------------ */
/* Group: devices (serial parsers, frame on the pty to reading on screen)                      */
/* ------------------------------------------------------------------------------------------ */

/** TypeScript modules run in this Node process through tsx's loader, registered on first use. */
const importTs = once(async () => (await import('tsx/esm/api')).register());

/** A lazily started thing, started at most once. */
function once(start) {
  let value;
  return () => {
    value ??= start();
    return value;
  };
}

async function devicesGroup(ctx) {
  await importTs();
  const { benchParsers } = await import('../devices/bench.ts');
  const { benchFrameToScreen } = await import('../electron/host/devices/bench.ts');
  log('measuring the serial parsers…');
  const parsers = await benchParsers();
  log('measuring frame to screen (BP simulator on a pty → reading in Chromium)…');
  const frame = await benchFrameToScreen({ rendererDir: await ctx.renderer(), log });
  return {
    parser_mb_per_s: parsers.parser_mb_per_s,
    parser_mb_per_s_by_parser: parsers.per_parser,
    frame_to_screen_ms: frame.frame_to_screen_ms,
  };
}

/* ------------------------------------------------------------------------------------------ */
/* Groups: slots (county import and online lock; one clinic's overnight pull), referral slip,  */
/* referral submit to the target's inbox. Each lives in its own TypeScript module.             */
/* ------------------------------------------------------------------------------------------ */

async function slotsCountyGroup(ctx) {
  await importTs();
  const { slotsCountyGroup: run } = await import('./bench/slots-county.ts');
  return run(ctx);
}

async function slotsClinicGroup(ctx) {
  await importTs();
  const { slotsClinicGroup: run } = await import('./bench/slots-clinic.ts');
  return run(ctx);
}

async function slipGroup(ctx) {
  await importTs();
  const { slipGroup: run } = await import('./bench/slip.ts');
  return run(ctx);
}

async function referralsGroup(ctx) {
  await importTs();
  const { referralsGroup: run } = await import('./bench/referrals.ts');
  return run(ctx);
}

async function machineGroup() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  let chromiumVersion = 'unknown';
  try {
    chromiumVersion = execFileSync(CHROMIUM, ['--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {}
  return {
    machine: {
      cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memory_gb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      node: process.version,
      chromium: chromiumVersion,
      load_avg_at_start: LOAD_AT_START,
    },
  };
}

/* ------------------------------------------------------------------------------------------ */

/** Each group returns flat figures merged into the one JSON object; names must not collide. */
const GROUPS = [
  { name: 'registry', run: registryGroup },
  { name: 'devices', run: devicesGroup },
  { name: 'sync', run: syncGroup },
  { name: 'slots-county', run: slotsCountyGroup },
  { name: 'slots-clinic', run: slotsClinicGroup },
  { name: 'slip', run: slipGroup },
  { name: 'referrals', run: referralsGroup },
  { name: 'machine', run: machineGroup },
];

ensureNodeModules();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !GROUPS.some((g) => g.name === name));
if (unknown.length) {
  console.error(
    `unknown benchmark group(s): ${unknown.join(', ')}; known: ${GROUPS.map((g) => g.name).join(', ')}`,
  );
  process.exit(2);
}

const ctx = createContext();
const figures = {};
const errors = {};
try {
  for (const group of GROUPS) {
    if (wanted.length && !wanted.includes(group.name)) continue;
    const t0 = performance.now();
    log(`group ${group.name}…`);
    try {
      const result = await group.run(ctx);
      for (const key of Object.keys(result)) {
        if (key in figures) throw new Error(`figure ${key} is already reported by another group`);
      }
      Object.assign(figures, result);
      log(`group ${group.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      errors[group.name] = error instanceof Error ? error.message : String(error);
      log(`group ${group.name} failed:`, error);
    }
  }
} finally {
  await ctx.close();
}
if (Object.keys(errors).length) figures.errors = errors;
writeStdout(`${JSON.stringify(figures)}\n`);
process.exit(Object.keys(errors).length ? 1 : 0);
