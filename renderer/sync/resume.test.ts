/**
 * Restart the client mid-pull: a clinic's first sync of 5,000 readings (pushed
 * to the county by another workstation of the same facility) is interrupted
 * part way, the app "restarts" (replication stopped, database closed and
 * opened again on the same IndexedDB, sync started afresh), and the second run
 * pulls only what the first had not stored: RxDB's checkpoints resume it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../../sync/protocol/replication';
import { created, patientDoc, readingDoc } from '../../sync/server/testing/fixtures';
import { startGateway } from '../../sync/server/testing/start-gateway';
import { startWeakLink } from '../../sync/testing/weak-link';
import { clinicInWorker } from '../testing/clinic-in-worker';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const READINGS = 5_000;
/** The client's pull batch (renderer/sync/replication.ts): at most one batch is pulled twice. */
const PULL_BATCH = 1_000;

describe('restarting the client mid-pull', () => {
  it('resumes from its checkpoint and ends with every document exactly once', async () => {
    const gateway = await startGateway();
    cleanup.push(() => gateway.close());

    // Another workstation of the same village has already sent the county its readings.
    const other = await gateway.clinic('XY-V01', 'other-user');
    const patient = patientDoc(other.facilityId, { name: '王建国' });
    await other.push('patients', created(patient));
    const readings: WireDocument[] = Array.from({ length: READINGS }, (_, i) =>
      readingDoc(other.facilityId, patient.id, {
        values: { systolic: 120 + (i % 60), diastolic: 70 + (i % 30), pulse: 60 + (i % 40) },
      }),
    );
    for (let i = 0; i < readings.length; i += 500) {
      await other.push('readings', created(...readings.slice(i, i + 500)));
    }

    const link = await startWeakLink({
      target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) },
    });
    cleanup.push(() => link.close());
    const clinic = clinicInWorker();
    cleanup.push(() => clinic.terminate());
    await clinic.enrol({
      baseUrl: link.url(),
      code: await gateway.issueCode('XY-V01'),
      username: 'village.admin',
      roles: ['admin', 'doctor'],
    });

    // First run, over a slow link (about 2 s per batch of 1,000 readings, ~34 kB compressed),
    // stopped once two batches are stored. RxDB writes a batch's checkpoint after storing it and
    // skips the write once cancelled, so the batch stored last may come down again: at most one.
    link.update({ bandwidthBitsPerSecond: 128_000, latencyMs: 50 });
    const startBytes = link.stats().bytesDown;
    await clinic.startSync();
    const deadline = Date.now() + 60_000;
    while ((await clinic.count({ collection: 'readings' })) < 2 * PULL_BATCH && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const first = await clinic.status();
    // The app is closed for 3 s: its last request may still be on the wire and ends meanwhile.
    await clinic.reopen({ downMs: 3_000 });
    const firstBytes = link.stats().bytesDown - startBytes;
    const storedAtRestart = await clinic.count({ collection: 'readings' });
    expect(storedAtRestart).toBeGreaterThanOrEqual(2 * PULL_BATCH);
    expect(storedAtRestart).toBeLessThan(READINGS);

    // Second run, after the restart: only the rest comes down.
    const resumed = Date.now();
    await clinic.startSync();
    const second = await clinic.settle();
    const secondSeconds = (Date.now() - resumed) / 1000;
    const secondBytes = link.stats().bytesDown - startBytes - firstBytes;
    console.info(
      `restart mid-pull: first run pulled ${first.pulled} docs (${firstBytes} B, ${storedAtRestart} readings stored), ` +
        `second run ${second.pulled} docs (${secondBytes} B) in ${secondSeconds} s, last error ${second.lastError?.code ?? 'none'}`,
    );
    // Not from the start: only what was not stored, plus at most the one batch without a checkpoint
    // (and the few other documents in scope: the facility's user and audit entries).
    expect(second.pulled).toBeLessThan(READINGS);
    expect(second.pulled).toBeLessThanOrEqual(READINGS - storedAtRestart + PULL_BATCH + 20);

    // Every reading exactly once (ids are primary keys; the count is the set's size), all stamped.
    expect(await clinic.count({ collection: 'readings' })).toBe(READINGS);
    for (const reading of [readings[0], readings[READINGS >> 1], readings[READINGS - 1]]) {
      const local = (await clinic.get({ collection: 'readings', id: reading?.id ?? '' })) as {
        countySeq?: number;
      };
      expect(local.countySeq).toBeGreaterThan(0);
    }
    // Nothing came back up twice either.
    const { rows } = await gateway.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM documents WHERE collection = 'readings' AND owner = $1",
      [other.facilityId],
    );
    expect(Number(rows[0]?.n)).toBe(READINGS);
  }, 300_000);
});
