/**
 * The `slots-county` bench group (issue 4, county side):
 *
 * - slot_import_s: a county of 30 hospitals × 40 doctors × 7 days × 40 slots
 *   (336,000 slots) published one hospital after another through the path the
 *   API and the file import share (validation, quota allocation at 10%, slot
 *   rows, replicated documents with county seqs). Also the same nightly upload
 *   repeated (slot_reimport_s: nothing changes, nothing is re-stamped).
 * - online_lock_p95_ms: rounds of 50 concurrent POST /v1/slots/lock over real
 *   HTTP, all 50 on ONE slot (one wins, 49 hear "taken"); and
 *   online_lock_distinct_p95_ms with 50 concurrent locks on 50 different slots.
 *
 * On Debian's PostgreSQL when installed (started for the run), else PGlite; the
 * figures say which, with the load average (the machine is shared).
 *
 *   npm run bench -- slots-county
 *   XIANGYI_BENCH_SLOT_HOSPITALS=5 npm run bench -- slots-county   a quicker look
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countyDate, type LockResponse, SLOT_ROUTES } from '../../sync/protocol/slots';
import { openDatabase } from '../../sync/server/db/open';
import { addFacility } from '../../sync/server/facilities/registry';
import { call } from '../../sync/server/testing/client';
import { hasPostgres, type PostgresCluster, startPostgres } from '../../sync/server/testing/postgres';
import { startGateway } from '../../sync/server/testing/start-gateway';
import { addBenchHospital, outpatientSlots } from './county-seed';
import { load, p95, round1 } from './stats';

interface BenchContext {
  log(...parts: unknown[]): void;
}

const HOSPITALS = Number(process.env.XIANGYI_BENCH_SLOT_HOSPITALS ?? 30);
const DOCTORS = 40;
const DEPARTMENTS = 4;
const DAYS = 7;
const SLOTS_PER_DAY = 40;
const PRIMARY = 10;
const CONCURRENT = 50;
const ROUNDS = 20;

export async function slotsCountyGroup(ctx: BenchContext): Promise<Record<string, unknown>> {
  let cluster: PostgresCluster | null = null;
  let databaseUrl: string | undefined;
  const database = hasPostgres() ? 'postgres' : 'pglite';
  if (database === 'postgres') {
    cluster = await startPostgres();
    databaseUrl = await cluster.createDatabase('slots_bench');
  }
  const dataDir = databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'xiangyi-slots-bench-'));
  try {
    // Seed (not measured): hospitals with departments and doctors, primary facilities, devices.
    const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir: dataDir ?? '' });
    const hospitals: Array<Awaited<ReturnType<typeof addBenchHospital>>> = [];
    try {
      ctx.log(`slots-county: seeding ${HOSPITALS} hospitals × ${DOCTORS} doctors on ${database}…`);
      const primaries: string[] = [];
      for (let i = 0; i < PRIMARY; i += 1) {
        primaries.push(
          (await addFacility(db, { code: `BP-${i}`, name: `bench township ${i}`, level: 'township' })).id,
        );
      }
      for (let h = 0; h < HOSPITALS; h += 1)
        hospitals.push(
          await addBenchHospital(db, {
            code: `BH-${h}`,
            name: `bench hospital ${h}`,
            departments: DEPARTMENTS,
            doctors: DOCTORS,
            departmentName: (d) => `科${d}`,
          }),
        );
      ctx.log('slots-county: seeded');
      // Quota rules: 10% of every hospital's outpatient green slots to two primary facilities.
      await db.query(
        `INSERT INTO slot_allocation_rules (hospital_id, kind, share, facility_ids)
         SELECT id, 'outpatient', 0.1, $1::text[] FROM facilities WHERE level = 'county'`,
        [primaries.slice(0, 2)],
      );
    } finally {
      await db.close();
    }

    const county = await startGateway({
      ...(databaseUrl ? { databaseUrl } : { dataDir: dataDir ?? '' }),
      seed: false,
      config: { logLevel: 'error' },
    });
    try {
      const service = county.gateway.app.slots;
      await service.stop();
      const today = countyDate(await service.now());
      const uploadOf = (hospital: (typeof hospitals)[number]) =>
        outpatientSlots(today, hospital.doctors, {
          days: DAYS,
          perDay: SLOTS_PER_DAY,
          minutesApart: 10,
          feeCents: 1500,
        });
      const publishAll = async () => {
        let created = 0;
        let allocated = 0;
        const started = performance.now();
        for (const hospital of hospitals) {
          const result = await service.publish({
            hospitalId: hospital.id,
            rows: uploadOf(hospital) as unknown as Record<string, unknown>[],
            source: 'import',
            userId: 'bench',
          });
          if (result.rejected.length > 0)
            throw new Error(`bench rows refused: ${JSON.stringify(result.rejected[0])}`);
          created += result.created;
          allocated += result.allocated;
        }
        return { seconds: (performance.now() - started) / 1000, created, allocated };
      };
      const importLoad = load();
      ctx.log(`slots-county: publishing ${HOSPITALS * DOCTORS * DAYS * SLOTS_PER_DAY} slots…`);
      const first = await publishAll();
      ctx.log(
        `slots-county: ${first.created} slots in ${round1(first.seconds)} s (${first.allocated} quota)`,
      );
      const again = await publishAll();
      ctx.log(`slots-county: the same upload again in ${round1(again.seconds)} s`);

      // Online lock: 50 clinics, each with its own device and token.
      const clients: Awaited<ReturnType<typeof county.clinic>>[] = [];
      for (let i = 0; i < CONCURRENT; i += 1) {
        await addFacility(county.db, { code: `BV-${i}`, name: `bench village ${i}`, level: 'village' });
        clients.push(await county.clinic(`BV-${i}`));
      }
      const { rows: openSlots } = await county.db.query<{ id: string }>(
        `SELECT id FROM slots WHERE mode = 'online' AND date = $1 ORDER BY id LIMIT $2`,
        [today, ROUNDS * (CONCURRENT + 1)],
      );
      const lockOnce = async (clientIndex: number, slotId: string) => {
        const client = clients[clientIndex % clients.length];
        const started = performance.now();
        const result = await call<LockResponse>(`${county.url}${SLOT_ROUTES.lock}`, {
          token: client?.token ?? '',
          body: { slotId, patientId: `bench-patient-${clientIndex}`, purpose: 'referral' },
        });
        return { ms: performance.now() - started, status: result.status, body: result.body };
      };
      const lockLoad = load();
      const contended: number[] = [];
      let winners = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        const slotId = openSlots[round]?.id as string;
        const results = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => lockOnce(i, slotId)));
        winners += results.filter((r) => r.status === 200).length;
        if (results.some((r) => r.status !== 200 && r.status !== 409))
          throw new Error('a lock failed unexpectedly');
        contended.push(...results.map((r) => r.ms));
      }
      if (winners !== ROUNDS)
        throw new Error(`expected exactly one winner per round, got ${winners} in ${ROUNDS}`);
      const distinct: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const base = ROUNDS + round * CONCURRENT;
        const results = await Promise.all(
          Array.from({ length: CONCURRENT }, (_, i) =>
            lockOnce(i, openSlots[(base + i) % openSlots.length]?.id as string),
          ),
        );
        distinct.push(...results.map((r) => r.ms));
      }
      return {
        slot_database: database,
        slot_count: first.created,
        slot_import_s: round1(first.seconds),
        slot_import_slots_per_s: Math.round(first.created / first.seconds),
        slot_import_quota_slots: first.allocated,
        slot_import_load: importLoad,
        slot_reimport_s: round1(again.seconds),
        online_lock_p95_ms: p95(contended),
        online_lock_distinct_p95_ms: p95(distinct),
        online_lock_requests: contended.length + distinct.length,
        online_lock_load: lockLoad,
      };
    } finally {
      await county.close();
    }
  } finally {
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}
