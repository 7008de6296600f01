/**
 * `benchGateway({ clinics: 300, seconds })`: simulated clinics doing
 * incremental sync (push a few new readings, pull readings and patients after
 * their checkpoints, wait a moment, repeat) against one gateway on loopback.
 * The gateway runs in its own process (as in production) on embedded PGlite,
 * or on `databaseUrl`; clinics are seeded and enrolled directly in the
 * database first. Loops are bounded by time and count and stop by themselves.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enrolDevice, issueEnrolmentCode } from './auth/devices';
import { openDatabase } from './db/open';
import { addFacility } from './facilities/registry';
import { ClinicClient } from './testing/client';
import { created, patientDoc, readingDoc } from './testing/fixtures';
import { hasPostgres, type PostgresCluster, startPostgres } from './testing/postgres';

export interface BenchOptions {
  clinics?: number;
  seconds?: number;
  /** Pause between a clinic's sync rounds (ms, ±50% jitter); default 5 s (a busy clinic syncing live). */
  thinkMs?: number;
  /**
   * 'postgres' (default when Debian's PostgreSQL is installed): a throw-away
   * cluster, as a county deploys it. 'pglite': embedded, as `npm start` runs
   * it (one process; saturates near 130 requests/s here). Or `databaseUrl`
   * (an empty database).
   */
  database?: 'pglite' | 'postgres';
  databaseUrl?: string;
}

export interface BenchResult {
  clinics: number;
  seconds: number;
  database: 'pglite' | 'postgres';
  requests: number;
  errors: number;
  requests_per_s: number;
  gateway_p50_ms: number;
  gateway_p95_ms: number;
  gateway_p99_ms: number;
  push_p95_ms: number;
  pull_p95_ms: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export async function benchGateway(options: BenchOptions = {}): Promise<BenchResult> {
  const clinics = options.clinics ?? 300;
  const seconds = options.seconds ?? 20;
  const thinkMs = options.thinkMs ?? 5000;
  let cluster: PostgresCluster | null = null;
  let databaseUrl = options.databaseUrl;
  const database = options.database ?? (hasPostgres() ? 'postgres' : 'pglite');
  if (!databaseUrl && database === 'postgres') {
    cluster = await startPostgres();
    databaseUrl = await cluster.createDatabase('bench');
  }
  try {
    return await runBench(clinics, seconds, thinkMs, databaseUrl);
  } finally {
    await cluster?.stop();
  }
}

async function runBench(
  clinics: number,
  seconds: number,
  thinkMs: number,
  databaseUrl: string | undefined,
): Promise<BenchResult> {
  const tempDir = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'xiangyi-bench-'));

  // Seed: one county hospital, `clinics` village stations, one enrolled device each.
  const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir: tempDir ?? '' });
  const devices: Array<{ deviceId: string; deviceSecret: string; facilityId: string }> = [];
  try {
    await addFacility(db, { code: 'B-H', name: 'bench county hospital', level: 'county' });
    for (let i = 0; i < clinics; i += 1) {
      const facility = await addFacility(db, {
        code: `B-V${i}`,
        name: `bench village ${i}`,
        level: 'village',
        parentCode: 'B-H',
      });
      const { code } = await issueEnrolmentCode(db, facility.id);
      devices.push(await enrolDevice(db, code, `bench-${i}`));
    }
  } finally {
    await db.close();
  }

  // XIANGYI_BENCH_NODE_ARGS (e.g. `--cpu-prof`) passes extra node flags to the gateway process.
  const extraArgs = (process.env.XIANGYI_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extraArgs, '--import', 'tsx', 'sync/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { XIANGYI_GATEWAY_DATA: tempDir ?? '' }),
      XIANGYI_GATEWAY_PORT: '0',
      XIANGYI_GATEWAY_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const baseUrl = await listeningUrl(child);
    const latencies: number[] = [];
    const byKind = { push: [] as number[], pull: [] as number[] };
    let errors = 0;
    const timed = async <T>(fn: () => Promise<T>, kind: 'push' | 'pull' = 'push'): Promise<T | null> => {
      const start = performance.now();
      try {
        const result = await fn();
        const ms = performance.now() - start;
        latencies.push(ms);
        byKind[kind].push(ms);
        return result;
      } catch {
        errors += 1;
        return null;
      }
    };

    const clients = devices.map((device, i) => {
      const client = new ClinicClient(baseUrl, `bench-user-${i}`);
      Object.assign(client, device);
      return client;
    });
    // Setup (not measured): a token and one registered patient per clinic.
    const patients = new Map(clients.map((client) => [client, patientDoc(client.facilityId)]));
    for (let i = 0; i < clients.length; i += 25) {
      await Promise.all(
        clients.slice(i, i + 25).map(async (client) => {
          await client.refreshToken();
          await client.push('patients', created(patients.get(client) ?? patientDoc(client.facilityId)));
        }),
      );
    }

    const startedAt = performance.now();
    const deadline = startedAt + seconds * 1000;
    const maxRounds = Math.ceil((seconds * 1000) / Math.max(thinkMs * 0.5, 10)) + 1;
    await Promise.all(
      clients.map(async (client) => {
        const patient = patients.get(client) ?? patientDoc(client.facilityId);
        const checkpoints = { readings: 0, patients: 0 };
        // Spread the first round over one think time so 300 clinics do not start in lockstep.
        await sleep(Math.random() * thinkMs);
        for (let round = 0; round < maxRounds && performance.now() < deadline; round += 1) {
          const rows = created(...Array.from({ length: 3 }, () => readingDoc(client.facilityId, patient.id)));
          await timed(() => client.push('readings', rows));
          for (const collection of ['readings', 'patients'] as const) {
            const page = await timed(() => client.pull(collection, checkpoints[collection], 500), 'pull');
            if (page) checkpoints[collection] = page.checkpoint.seq;
          }
          await sleep(Math.max(0, Math.min(thinkMs * (0.5 + Math.random()), deadline - performance.now())));
        }
      }),
    );
    const elapsed = (performance.now() - startedAt) / 1000;
    const pct = (p: number, values = latencies) => {
      const sorted = [...values].sort((a, b) => a - b);
      return round1(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
    };
    return {
      clinics,
      seconds: round1(elapsed),
      database: databaseUrl ? 'postgres' : 'pglite',
      requests: latencies.length,
      errors,
      requests_per_s: round1(latencies.length / elapsed),
      gateway_p50_ms: pct(0.5),
      gateway_p95_ms: pct(0.95),
      gateway_p99_ms: pct(0.99),
      push_p95_ms: pct(0.95, byKind.push),
      pull_p95_ms: pct(0.95, byKind.pull),
    };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(null);
        });
      });
    }
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}

function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (http:\/\/[\d.]+:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited (${code}):\n${out}`));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
