/**
 * The overnight slot pull: the clinic's quota allocation (and the online slots
 * it holds) come through the county's pull by checkpoint, one throttled batch
 * after another, inside the night window; then the pool summary is refreshed
 * and bookings whose slot was suspended are marked for rebooking. Each run
 * leaves a morning report (a local document).
 *
 * It is an RxDB pull-only replication with a handler of its own: RxDB keeps
 * the checkpoint (a run stopped by the window resumes the next night) and
 * writes documents as they came from the county, with its stamps.
 */
import { replicateRxCollection } from 'rxdb/plugins/replication';
import type { Checkpoint } from '../../sync/protocol/replication';
import { type AppointmentDoc, type SlotDoc, slotSchema } from '../../sync/protocol/schema';
import type { ClinicDatabase } from '../store/database';
import { schemaValidator } from '../store/validation';
import { CountyError } from '../sync/county-api';
import {
  addBatch,
  diffBatch,
  emptyReport,
  type MorningReport,
  type PulledSlot,
  type ReportFailure,
} from './morning-report';
import { refreshPoolSummary } from './pool-summary';
import type { SlotCounty } from './slot-county';
import { batchSize, throttleDelayMs } from './throttle';

export const REPORTS_DOC = 'slots.reports';
/** Reports kept: a week of nights. */
export const REPORTS_KEPT = 7;
/** Before the first batch: about what a slot costs on the wire, compressed. */
const FIRST_GUESS_BYTES_PER_SLOT = 120;

export interface PullProgress {
  received: number;
  remaining: number;
  bytes: number;
}

export interface OvernightRunOptions {
  db: ClinicDatabase;
  county: SlotCounty;
  facilityId: string;
  userId: string;
  trigger: MorningReport['trigger'];
  capKbps: number;
  /** A scheduled run stops when its window closes (and resumes next night). */
  until?: Date;
  /** "Stop" on the slots page. */
  signal?: AbortSignal;
  onProgress?(progress: PullProgress): void;
  sleep?(ms: number): Promise<void>;
}

let validateSlot: ReturnType<typeof schemaValidator> | undefined;

function problemsOf(doc: PulledSlot): string | undefined {
  validateSlot ??= schemaValidator(slotSchema as never);
  const { _deleted, ...content } = doc;
  if (_deleted) return undefined;
  const problems = validateSlot(content);
  return problems.length ? problems.map((p) => `${p.path}: ${p.message}`).join('; ') : undefined;
}

function failureOf(error: unknown): ReportFailure {
  return {
    code: error instanceof CountyError ? error.code : 'client-error',
    message: error instanceof Error ? error.message : String(error),
    at: new Date().toISOString(),
  };
}

export async function readReports(db: ClinicDatabase): Promise<MorningReport[]> {
  const doc = await db.getLocal<{ reports: MorningReport[] }>(REPORTS_DOC);
  return doc ? (doc.toJSON().data as { reports: MorningReport[] }).reports : [];
}

async function saveReport(db: ClinicDatabase, report: MorningReport): Promise<void> {
  const others = (await readReports(db)).filter((kept) => kept.id !== report.id);
  await db.upsertLocal(REPORTS_DOC, { reports: [report, ...others].slice(0, REPORTS_KEPT) });
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Bookings that hold a slot the hospital has suspended or withdrawn: marked
 * needs-rebooking with the reason, so the booking doctor is told. Returns their ids.
 */
export async function markSuspendedBookings(db: ClinicDatabase, userId: string): Promise<string[]> {
  const holding = await db.appointments
    .find({ selector: { slotId: { $exists: true }, status: { $in: ['waiting', 'confirmed'] } } })
    .exec();
  if (holding.length === 0) return [];
  const slotIds = [...new Set(holding.map((doc) => doc.slotId as string))];
  const slots = await db.slots.findByIds(slotIds).exec();
  const marked: string[] = [];
  for (const doc of holding) {
    const slot = slots.get(doc.slotId as string)?.toJSON() as SlotDoc | undefined;
    // A slot this clinic never held (an online booking before its first pull) says nothing yet.
    if (slot?.state !== 'suspended') continue;
    await doc.incrementalModify((current) => ({
      ...(current as AppointmentDoc),
      status: 'needs-rebooking',
      slotRefusal: {
        code: 'slot-suspended',
        message: `the hospital suspended slot ${slot.id} (${slot.date})`,
      },
      updatedAt: new Date().toISOString(),
      updatedBy: userId,
    }));
    marked.push(doc.id);
  }
  return marked;
}

export async function runOvernightPull(options: OvernightRunOptions): Promise<MorningReport> {
  const { db, county, capKbps } = options;
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms, options.signal));
  const started = Date.now();
  let report = emptyReport({
    id: crypto.randomUUID(),
    trigger: options.trigger,
    userId: options.userId,
    capKbps,
    startedAt: new Date(started).toISOString(),
  });
  await saveReport(db, report);
  let bytesPerSlot = FIRST_GUESS_BYTES_PER_SLOT;
  let ended: MorningReport['outcome'] | undefined;

  /** Waits out the cap; false when the run is over (done, failed, stopped, or the window closes first). */
  const mayGoOn = async (): Promise<boolean> => {
    if (ended) return false;
    const delay = throttleDelayMs(report.bytes, Date.now() - started, capKbps);
    if (options.until && Date.now() + delay >= options.until.getTime()) {
      ended = 'window-closed';
      return false;
    }
    if (delay > 0) await sleep(delay);
    if (options.signal?.aborted) ended = 'stopped';
    return !ended;
  };

  /** One request: pulled documents diffed into the report; those that fail the schema left out. */
  const pullBatch = async (seq: number) => {
    const { response, bytes } = await county.pullSlots(seq, batchSize(capKbps, bytesPerSlot));
    const pulled = response.documents as unknown as PulledSlot[];
    const held = await db.slots.findByIds(pulled.map((doc) => doc.id)).exec();
    const heldDocs = new Map([...held].map(([id, doc]) => [id, doc.toJSON() as SlotDoc]));
    const invalid: ReportFailure[] = [];
    const valid = pulled.filter((doc) => {
      const problem = problemsOf(doc);
      if (problem)
        invalid.push({
          code: 'invalid-slot',
          message: problem,
          at: new Date().toISOString(),
          slotId: doc.id,
        });
      return !problem;
    });
    if (pulled.length > 0) bytesPerSlot = bytes / pulled.length;
    report = addBatch(
      {
        ...report,
        bytes: report.bytes + bytes,
        requests: report.requests + 1,
        received: report.received + pulled.length,
        failures: [...report.failures, ...invalid],
      },
      diffBatch(heldDocs, valid),
    );
    options.onProgress?.({
      received: report.received,
      // The county may leave the count out (it costs a query); progress then shows what arrived.
      remaining: Math.max(0, (response.remaining ?? 0) - pulled.length),
      bytes: report.bytes,
    });
    if (!response.more) ended = 'complete';
    return { documents: valid as never[], checkpoint: response.checkpoint };
  };

  const replication = replicateRxCollection<SlotDoc, Checkpoint>({
    replicationIdentifier: `slots-overnight-v1:${county.baseUrl}:${options.facilityId}`,
    collection: db.slots as never,
    live: false,
    retryTime: 60_000,
    waitForLeadership: false,
    autoStart: true,
    pull: {
      // RxDB asks again after any non-empty batch; the handler sizes its own requests.
      batchSize: 1,
      handler: async (checkpoint) => {
        let seq = checkpoint?.seq ?? 0;
        try {
          // A batch of documents this clinic cannot store is reported and passed over, not retried forever.
          while (await mayGoOn()) {
            const batch = await pullBatch(seq);
            seq = batch.checkpoint.seq;
            if (batch.documents.length > 0) return batch;
          }
        } catch (error) {
          report = { ...report, failures: [...report.failures, failureOf(error)] };
          ended = 'failed';
        }
        // Nothing (more) to store: an empty answer ends RxDB's loop.
        return { documents: [], checkpoint: { seq } };
      },
    },
  });
  const writeFailure = replication.error$.subscribe((error) => {
    report = { ...report, failures: [...report.failures, failureOf(error)] };
    ended = 'failed';
    void replication.cancel();
  });
  await replication.awaitInitialReplication().catch(() => undefined);
  writeFailure.unsubscribe();
  await replication.cancel();

  const needsRebooking = await markSuspendedBookings(db, options.userId);
  let poolSummary: MorningReport['poolSummary'];
  if (ended === 'complete' || ended === undefined) {
    try {
      await refreshPoolSummary(db, county);
      poolSummary = 'refreshed';
    } catch (error) {
      poolSummary = 'failed';
      report = {
        ...report,
        failures: [...report.failures, { ...failureOf(error), code: `pool-${failureOf(error).code}` }],
      };
    }
  }
  report = {
    ...report,
    outcome: ended ?? 'complete',
    finishedAt: new Date().toISOString(),
    needsRebooking,
    ...(poolSummary ? { poolSummary } : {}),
  };
  await saveReport(db, report);
  return report;
}
