/**
 * Several gateway processes on one PostgreSQL: live events fan out through
 * LISTEN/NOTIFY, and a gateway killed mid-push loses nothing and doubles
 * nothing once the clinic re-sends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushRow } from '../protocol/replication';
import { issueEnrolmentCode } from './auth/devices';
import { openDatabase } from './db/open';
import { DEMO_COUNTY, seedCounty } from './facilities/demo';
import { setOffline } from './facilities/registry';
import { BACKENDS, useBackend } from './testing/backends';
import { ClinicClient, call } from './testing/client';
import { created, patientDoc, readingDoc, referralDoc } from './testing/fixtures';
import { hasPostgres, type PostgresCluster, startPostgres } from './testing/postgres';
import { startGateway } from './testing/start-gateway';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe.each(BACKENDS)('live stream on %s', (kind) => {
  const backend = useBackend(kind);

  it('sends an event for a change in scope, nothing for others, and heartbeats', async () => {
    const county = await startGateway({ db: await backend.fresh(), config: { heartbeatMs: 200 } });
    try {
      const a = await county.clinic('XY-V01');
      const b = await county.clinic('XY-T01');
      const c = await county.clinic('XY-V02');
      const streamB = b.stream();
      const streamC = c.stream();
      await Promise.all([streamB.ready, streamC.ready]);
      const patient = patientDoc(a.facilityId);
      await a.push('patients', created(patient));
      await a.push('referrals', created(referralDoc(a.facilityId, patient.id, [b.facilityId])));
      await streamB.atLeast(2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(streamB.events.map((e) => e.collection).sort()).toEqual(['patients', 'referrals']);
      expect(streamC.events).toEqual([]);
      streamB.stop();
      // 下线 closes the facility's open streams at once.
      await setOffline(county.db, 'XY-V02', true);
      await streamC.ended;

      const raw = await fetch(`${county.url}/v1/stream`, { headers: { authorization: `Bearer ${a.token}` } });
      expect(raw.headers.get('content-type')).toContain('text/event-stream');
      const reader = raw.body?.getReader();
      let text = '';
      const until = Date.now() + 3000;
      while (!text.includes(': heartbeat') && Date.now() < until) {
        const { value } = (await reader?.read()) ?? {};
        text += new TextDecoder().decode(value);
      }
      expect(text).toContain(': heartbeat');
      await reader?.cancel();
      const refused = await call<{ error: string }>(`${county.url}/v1/stream`);
      expect([refused.status, refused.body.error]).toEqual([401, 'token-missing']);
    } finally {
      await county.close();
    }
  });
});

describe.skipIf(!hasPostgres())('several gateway processes on one PostgreSQL', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgres();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a push through gateway A reaches a stream on gateway B (LISTEN/NOTIFY)', async () => {
    const url = await cluster.createDatabase();
    const gatewayA = await startGateway({ databaseUrl: url });
    const gatewayB = await startGateway({ databaseUrl: url, seed: false });
    try {
      const atA = await gatewayA.clinic('XY-V01');
      const onB = new ClinicClient(gatewayB.url, 'user-b');
      await onB.enrol(await gatewayA.issueCode('XY-V01'), 'second-pc');
      await onB.refreshToken();
      // Tokens are signed with the key shared through the database: B accepts A's token.
      expect((await call(`${gatewayB.url}/v1/pull?collection=patients`, { token: atA.token })).status).toBe(
        200,
      );

      const stream = onB.stream();
      await stream.ready;
      const next = stream.next();
      await atA.push('patients', created(patientDoc(atA.facilityId)));
      const event = await next;
      expect(event.collection).toBe('patients');
      const pulled = await onB.pull('patients', 0);
      expect(pulled.documents[0]?.countySeq).toBe(event.seq);
      stream.stop();
    } finally {
      await gatewayB.close();
      await gatewayA.close();
    }
  });

  it('SIGKILL mid-push, restart, re-send: every document exactly once', async () => {
    const url = await cluster.createDatabase();
    const db = await openDatabase({ databaseUrl: url, poolSize: 2 });
    const children: ChildProcess[] = [];
    try {
      const facilities = await seedCounty(db, DEMO_COUNTY);
      const village = facilities['XY-V01'];
      if (!village) throw new Error('seed failed');
      const code = (await issueEnrolmentCode(db, village.id)).code;

      const startChild = async (): Promise<string> => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'sync/server/main.ts'], {
          cwd: ROOT,
          env: {
            ...process.env,
            DATABASE_URL: url,
            XIANGYI_GATEWAY_PORT: '0',
            XIANGYI_GATEWAY_LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        children.push(child);
        return new Promise<string>((resolve, reject) => {
          let out = '';
          const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 30_000);
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
          child.once('exit', (status) => reject(new Error(`gateway exited ${status}: ${out}`)));
        });
      };

      const base = await startChild();
      const clinic = new ClinicClient(base, 'user-kill');
      await clinic.enrol(code, 'pc');
      await clinic.refreshToken();
      const patient = patientDoc(clinic.facilityId);
      const N = 4000;
      const rows: PushRow[] = created(
        ...Array.from({ length: N }, () => readingDoc(clinic.facilityId, patient.id)),
      );
      const pushId = crypto.randomUUID();

      const inFlight = clinic.pushRaw('readings', rows, pushId).catch((error: unknown) => error);
      // Wait until the gateway's transaction is writing, then kill -9 it.
      let sawWrite = false;
      const until = Date.now() + 15_000;
      while (Date.now() < until) {
        const { rows: active } = await db.query(
          `SELECT 1 FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'xiangyi-gateway'
              AND xact_start IS NOT NULL AND query LIKE '%INSERT INTO documents%'`,
        );
        if (active.length > 0) {
          sawWrite = true;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      children[0]?.kill('SIGKILL');
      const outcome = await inFlight;
      expect(sawWrite).toBe(true);
      expect(outcome).toBeInstanceOf(Error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const count = async (sql: string) => Number((await db.query<{ n: unknown }>(sql)).rows[0]?.n);
      expect(await count(`SELECT count(*) AS n FROM documents WHERE collection = 'readings'`)).toBe(0);

      // Restart and re-send the same batch (the clinic never got an answer).
      const restarted = await startChild();
      const again = new ClinicClient(restarted, 'user-kill');
      Object.assign(again, { deviceId: clinic.deviceId, deviceSecret: clinic.deviceSecret });
      await again.refreshToken();
      expect((await again.pushRaw('readings', rows, pushId)).status).toBe(200);
      expect((await again.pushRaw('readings', rows, pushId)).status).toBe(200);
      expect((await again.pushRaw('readings', rows)).status).toBe(200);

      expect(await count(`SELECT count(*) AS n FROM documents WHERE collection = 'readings'`)).toBe(N);
      expect(
        await count(`SELECT count(DISTINCT county_seq) AS n FROM documents WHERE collection = 'readings'`),
      ).toBe(N);
      expect(await count(`SELECT count(*) AS n FROM write_log WHERE collection = 'readings'`)).toBe(N);
      expect(await count(`SELECT count(*) AS n FROM pushes WHERE collection = 'readings'`)).toBe(2);
      const pulled = await again.pullAll('readings', 5000);
      expect(new Set(pulled.map((d) => d.id)).size).toBe(N);
    } finally {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await db.close();
    }
  }, 90_000);
});

describe('tsx sync/server/main.ts on an empty embedded database', () => {
  it('seeds the demo county, prints where it listens and a working enrolment code, stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'xiangyi-main-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync/server/main.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        XIANGYI_GATEWAY_DATA: dataDir,
        XIANGYI_GATEWAY_PORT: '0',
        XIANGYI_GATEWAY_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const until = Date.now() + 60_000;
      while (!/Enrolment code for .*\(XY-T01\)/.test(out) && Date.now() < until && child.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(out).toMatch(/^County gateway listening at http:\/\/127\.0\.0\.1:\d+$/m);
      expect(out).toContain('seeded a demo county');
      const base = /listening at (\S+)/.exec(out)?.[1] ?? '';
      const code = /\(XY-V01\): (\S+)/.exec(out)?.[1] ?? '';
      const clinic = new ClinicClient(base);
      await clinic.enrol(code);
      await clinic.refreshToken();
      expect(await clinic.pullAll('facilities')).toHaveLength(7);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
