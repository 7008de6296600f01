/**
 * A village clinic's day of work (issue 3): 200 visits, each with a blood
 * pressure and an SpO2 reading, and 10 referrals up to the township, for
 * patients the clinic registered itself. Shared by renderer/sync/weak-link.test.ts
 * and the `sync` bench group (daily_sync_64kbps_s).
 */
import type { ReadingDoc, ReferralDoc, VisitDoc } from '../../sync/protocol/schema';
import type { Database } from '../../sync/server/db/driver';
import type { Session } from '../auth/session';
import type { ClinicHandle } from './clinic-in-worker';

export const DAY = { patients: 20, visits: 200, referrals: 10 } as const;

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄'];
const GIVEN = ['建国', '秀英', '玉兰', '志强', '桂芳', '德明', '春花', '海涛', '丽娟', '永福', '金凤'];

export type DayIds = Record<'patients' | 'visits' | 'readings' | 'referrals', string[]>;

/** Records the day through the clinic's own store; returns the ids it wrote, per collection. */
export async function recordDayOffline(
  clinic: ClinicHandle,
  session: Session,
  townshipId: string,
): Promise<DayIds> {
  const ids: DayIds = { patients: [], visits: [], readings: [], referrals: [] };
  for (let i = 0; i < DAY.patients; i++) {
    const patient = (await clinic.register({
      name: `${SURNAMES[i % SURNAMES.length]}${GIVEN[i % GIVEN.length]}`,
      sex: i % 2 ? 'male' : 'female',
      birthDate: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
    })) as { id: string };
    ids.patients.push(patient.id);
  }
  const day = Date.parse('2026-11-20T00:30:00.000Z');
  const owned = (at: number) => {
    const time = new Date(at).toISOString();
    return {
      id: crypto.randomUUID(),
      facilityId: session.facilityId,
      createdAt: time,
      updatedAt: time,
      createdBy: session.userId,
      updatedBy: session.userId,
    };
  };
  const visits: VisitDoc[] = [];
  const readings: ReadingDoc[] = [];
  for (let i = 0; i < DAY.visits; i++) {
    const at = day + i * 150_000;
    const patientId = ids.patients[i % DAY.patients] as string;
    const visit: VisitDoc = {
      ...owned(at),
      patientId,
      doctorId: session.userId,
      startedAt: new Date(at).toISOString(),
      chiefComplaint: '头晕，复查血压',
      diagnoses: [{ code: 'I10', name: '原发性高血压' }],
      status: 'closed',
    };
    visits.push(visit);
    const reading = (kind: 'bp' | 'spo2', values: Record<string, number>): ReadingDoc => ({
      ...owned(at + 60_000),
      patientId,
      visitId: visit.id,
      kind,
      values,
      measuredAt: new Date(at + 60_000).toISOString(),
      source: 'device',
      deviceId: kind === 'bp' ? 'suntech-nibp-1' : 'spo2-1',
      operatorId: session.userId,
      outOfRangeConfirmed: false,
    });
    readings.push(
      reading('bp', { systolic: 130 + (i % 40), diastolic: 80 + (i % 15), mean: 100, pulse: 70 + (i % 20) }),
      reading('spo2', { spo2: 95 + (i % 5), pulse: 70 + (i % 20) }),
    );
  }
  const referrals: ReferralDoc[] = Array.from({ length: DAY.referrals }, (_, i) => ({
    ...owned(day + 8 * 3_600_000 + i * 60_000),
    serialNo: `XY-V01-${String(i + 1).padStart(6, '0')}`,
    patientId: ids.patients[i] as string,
    visitId: visits[i]?.id as string,
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: [townshipId],
    state: 'draft',
    reason: '血压控制不佳',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    attachmentIds: [],
    appliedSeq: 0,
  }));
  await clinic.insert({ collection: 'visits', docs: visits });
  await clinic.insert({ collection: 'readings', docs: readings });
  await clinic.insert({ collection: 'referrals', docs: referrals });
  ids.visits = visits.map((doc) => doc.id);
  ids.readings = readings.map((doc) => doc.id);
  ids.referrals = referrals.map((doc) => doc.id);
  return ids;
}

/** Ids the county stored for this facility, per collection of the day (every row, duplicates kept). */
export async function dayAtTheCounty(db: Database, facilityId: string): Promise<Record<string, string[]>> {
  const { rows } = await db.query<{ collection: string; id: string }>(
    'SELECT collection, id FROM documents WHERE owner = $1 AND collection = ANY($2::text[])',
    [facilityId, ['patients', 'visits', 'readings', 'referrals']],
  );
  const byCollection: Record<string, string[]> = {};
  for (const row of rows) {
    byCollection[row.collection] ??= [];
    byCollection[row.collection]?.push(row.id);
  }
  return byCollection;
}
