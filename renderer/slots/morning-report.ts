/**
 * The morning report of an overnight slot pull: what arrived, what changed,
 * what failed and why. Built from pure diffs of each pulled batch against the
 * slots the clinic held before, and kept as a local document.
 */
import type { SlotDoc } from '../../sync/protocol/schema';
import type { RunRecord } from './overnight-schedule';

/** Fields that say nothing to a clinic when they change (bookkeeping and county stamps). */
const BOOKKEEPING = new Set([
  'updatedAt',
  'updatedBy',
  'countySeq',
  'countyTime',
  '_meta',
  '_rev',
  '_attachments',
]);

/** A pulled document as it comes off the wire (a tombstone carries `_deleted: true`). */
export type PulledSlot = SlotDoc & { _deleted?: boolean };

export interface SlotChange {
  slotId: string;
  hospitalId: string;
  departmentId: string;
  date: string;
  period: SlotDoc['period'];
  kind: SlotDoc['kind'];
  /** Changed fields, or `withdrawn` for a slot the hospital deleted. */
  fields: string[];
  fromState?: SlotDoc['state'];
  toState?: SlotDoc['state'];
}

export interface ArrivedGroup {
  hospitalId: string;
  date: string;
  kind: SlotDoc['kind'];
  count: number;
}

export interface ReportFailure {
  /** A protocol error code, `offline`, `invalid-slot` (a document this clinic could not store), … */
  code: string;
  message: string;
  at: string;
  slotId?: string;
}

export interface MorningReport extends RunRecord {
  id: string;
  /** The night window, "run now", or a doctor's suspension that hit a booking here. */
  trigger: 'schedule' | 'manual' | 'suspension';
  /** Who pressed "run now", or who set the schedule. */
  userId: string;
  capKbps: number;
  bytes: number;
  requests: number;
  received: number;
  arrived: ArrivedGroup[];
  changed: SlotChange[];
  /** How many changes there were beyond the ones listed (the list is capped). */
  changedNotListed: number;
  failures: ReportFailure[];
  /** Bookings that a suspension or withdrawal hit and that now need rebooking. */
  needsRebooking: string[];
  poolSummary?: 'refreshed' | 'failed';
}

export const MAX_LISTED_CHANGES = 200;

export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => !BOOKKEEPING.has(key))
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .sort();
}

export interface BatchDiff {
  arrived: SlotDoc[];
  changed: SlotChange[];
}

/**
 * One pulled batch against what the clinic held. A document seen for the first
 * time arrived (a tombstone for a slot never held is nothing); one held before
 * changed if any field a clinic cares about differs.
 */
export function diffBatch(held: ReadonlyMap<string, SlotDoc>, pulled: readonly PulledSlot[]): BatchDiff {
  const arrived: SlotDoc[] = [];
  const changed: SlotChange[] = [];
  for (const doc of pulled) {
    const before = held.get(doc.id);
    const { _deleted, ...after } = doc;
    if (!before) {
      if (!_deleted) arrived.push(after);
      continue;
    }
    const fields = _deleted ? ['withdrawn'] : changedFields(before as never, after as never);
    if (fields.length === 0) continue;
    changed.push({
      slotId: doc.id,
      hospitalId: doc.facilityId,
      departmentId: doc.departmentId,
      date: doc.date,
      period: doc.period,
      kind: doc.kind,
      fields,
      ...(before.state !== after.state || _deleted ? { fromState: before.state } : {}),
      ...(before.state !== after.state && !_deleted ? { toState: after.state } : {}),
    });
  }
  return { arrived, changed };
}

/** Adds a batch's diff to the report, grouping arrivals by hospital, date and kind. */
export function addBatch(report: MorningReport, diff: BatchDiff): MorningReport {
  const arrived = report.arrived.map((group) => ({ ...group }));
  for (const slot of diff.arrived) {
    const group = arrived.find(
      (g) => g.hospitalId === slot.facilityId && g.date === slot.date && g.kind === slot.kind,
    );
    if (group) group.count++;
    else arrived.push({ hospitalId: slot.facilityId, date: slot.date, kind: slot.kind, count: 1 });
  }
  arrived.sort((a, b) => a.date.localeCompare(b.date) || a.hospitalId.localeCompare(b.hospitalId));
  const room = Math.max(0, MAX_LISTED_CHANGES - report.changed.length);
  return {
    ...report,
    arrived,
    changed: [...report.changed, ...diff.changed.slice(0, room)],
    changedNotListed: report.changedNotListed + Math.max(0, diff.changed.length - room),
  };
}

/** Does this change take the slot away from whoever booked it? */
export function takesSlotAway(change: SlotChange): boolean {
  return change.fields.includes('withdrawn') || change.toState === 'suspended';
}

export function emptyReport(input: {
  id: string;
  trigger: MorningReport['trigger'];
  userId: string;
  capKbps: number;
  startedAt: string;
}): MorningReport {
  return {
    ...input,
    outcome: 'running',
    bytes: 0,
    requests: 0,
    received: 0,
    arrived: [],
    changed: [],
    changedNotListed: 0,
    failures: [],
    needsRebooking: [],
  };
}

export function totalArrived(report: Pick<MorningReport, 'arrived'>): number {
  return report.arrived.reduce((sum, group) => sum + group.count, 0);
}
