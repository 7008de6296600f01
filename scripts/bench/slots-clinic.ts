/**
 * The `slots-clinic` bench group (issue 4, clinic side): what one clinic's
 * overnight slot download costs.
 *
 * A county of 30 hospitals (4 departments, 10 doctors each, 30 outpatient
 * slots a doctor a day, 7 days: 63,000 slots) gives 10% of its green
 * outpatient slots to 10 primary facilities; the measured clinic is one of
 * them (about 630 quota slots a week). The clinic runs in a worker thread with
 * its real store, replication and overnight puller, through the weak-link proxy.
 *
 * - slot_pull_bytes: bytes that came down the link for the whole download
 *   (the clinic's quota allocation by checkpoint, then the online pool summary).
 * - overnight_pull_64kbps_s: the same download by another workstation of the
 *   clinic with the link at 64 kbit/s and the puller's cap at 64 kbit/s.
 *
 *   npm run bench -- slots-clinic
 */
import { performance } from 'node:perf_hooks';
import { slotsClinicInWorker } from '../../renderer/slots/testing/slots-clinic';
import { countyDate } from '../../sync/protocol/slots';
import { addFacility } from '../../sync/server/facilities/registry';
import { startGateway } from '../../sync/server/testing/start-gateway';
import { startWeakLink } from '../../sync/testing/weak-link';
import { addBenchHospital, outpatientSlots } from './county-seed';
import { load, round1 } from './stats';

interface BenchContext {
  log(...parts: unknown[]): void;
}

const HOSPITALS = 30;
const DEPARTMENTS = 4;
const DOCTORS = 10;
const SLOTS_PER_DAY = 30;
const DAYS = 7;
const PRIMARY = 10;
const SHARE = 0.1;
const LINK_BITS = 64_000;

export async function slotsClinicGroup(ctx: BenchContext): Promise<Record<string, unknown>> {
  const gateway = await startGateway({ seed: false, config: { logLevel: 'error' } });
  const link = await startWeakLink({
    target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) },
  });
  const workers: Array<ReturnType<typeof slotsClinicInWorker>> = [];
  try {
    ctx.log(`slots-clinic: seeding ${HOSPITALS} hospitals and ${PRIMARY} primary facilities…`);
    const primaries: string[] = [];
    for (let i = 0; i < PRIMARY; i += 1)
      primaries.push(
        (await addFacility(gateway.db, { code: `BC-${i}`, name: `测试卫生院${i}`, level: 'township' })).id,
      );
    const service = gateway.gateway.app.slots;
    await service.stop();
    const today = countyDate(await service.now());
    let published = 0;
    for (let h = 0; h < HOSPITALS; h += 1) {
      const hospital = await addBenchHospital(gateway.db, {
        code: `BH-${h}`,
        name: `测试医院${h}`,
        departments: DEPARTMENTS,
        doctors: DOCTORS,
        departmentName: (d) => `科室${d}`,
      });
      await service.setRule({
        hospitalId: hospital.id,
        kind: 'outpatient',
        departmentId: '',
        doctorId: '',
        share: SHARE,
        facilityIds: primaries,
      });
      const result = await service.publish({
        hospitalId: hospital.id,
        rows: outpatientSlots(today, hospital.doctors, {
          days: DAYS,
          perDay: SLOTS_PER_DAY,
          minutesApart: 12,
          feeCents: 1200,
        }) as unknown as Record<string, unknown>[],
        source: 'import',
        userId: 'bench',
      });
      published += result.created;
    }
    ctx.log(`slots-clinic: ${published} slots published`);

    const pullOnce = async (username: string, bitsPerSecond: number | undefined, capKbps: number) => {
      const clinic = slotsClinicInWorker();
      workers.push(clinic);
      await clinic.enrol({
        baseUrl: link.url(),
        code: await gateway.issueCode('BC-0'),
        username,
        roles: ['admin'],
      });
      await clinic.startSync();
      await clinic.settle();
      link.update({ bandwidthBitsPerSecond: bitsPerSecond ?? 0 });
      const before = link.stats().bytesDown;
      const loadBefore = load();
      const started = performance.now();
      const report = await clinic.pullSlots({ capKbps });
      const seconds = (performance.now() - started) / 1000;
      link.update({ bandwidthBitsPerSecond: 0 });
      if (report.outcome !== 'complete' || report.failures.length > 0)
        throw new Error(`the slot download did not complete: ${JSON.stringify(report.failures)}`);
      return { report, seconds, bytes: link.stats().bytesDown - before, load: loadBefore };
    };

    const open = await pullOnce('bench.admin', undefined, 100_000);
    ctx.log(
      `slots-clinic: ${open.report.received} slots, ${open.bytes} bytes down (${open.report.requests} requests)`,
    );
    const weak = await pullOnce('bench.admin2', LINK_BITS, LINK_BITS / 1000);
    ctx.log(`slots-clinic: at 64 kbit/s in ${round1(weak.seconds)} s`);
    return {
      slot_pull_bytes: open.bytes,
      slot_pull_slots: open.report.received,
      slot_pull_requests: open.report.requests,
      slot_pull_county_slots: published,
      slot_pull_load: open.load,
      overnight_pull_64kbps_s: round1(weak.seconds),
      overnight_pull_64kbps_bytes: weak.bytes,
      overnight_pull_64kbps_load: weak.load,
    };
  } finally {
    for (const worker of workers) await worker.terminate();
    await link.close();
    await gateway.close();
  }
}
