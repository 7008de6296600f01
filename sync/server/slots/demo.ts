/**
 * The demo county's slot pool: a week of outpatient and bed slots at the
 * county hospital with quota allocated to the demo township and village
 * clinics, and virtual capacity at a township centre for downward referrals.
 * Published like a nightly upload (idempotent), so running it at every start
 * keeps the demo's week current and leaves bookings alone.
 */
import { addDays, countyDate, POOL_DAYS_AHEAD, type PublishedSlot } from '../../protocol/slots';
import type { Database } from '../db/driver';
import { facilityByCode } from '../facilities/registry';
import { directoryOf, type SlotService } from './service';

interface DemoSession {
  doctor: string;
  am: number;
  pm: number;
  feeCents: number;
}

const HOSPITAL = 'XY-H01';
const SESSIONS: DemoSession[] = [
  { doctor: '王建国', am: 10, pm: 8, feeCents: 3000 },
  { doctor: '李秀英', am: 10, pm: 8, feeCents: 2000 },
  { doctor: '陈立', am: 12, pm: 8, feeCents: 1200 },
];
const BEDS: Record<string, number> = { 内科: 4, 外科: 3 };
const VIRTUAL = { facility: 'XY-T01', department: '全科', perDay: 4 };

/** Quota rules of the demo (kept if the county changed them since). */
async function ensureRules(service: SlotService, db: Database): Promise<void> {
  const hospital = await facilityByCode(db, HOSPITAL);
  if ((await service.rules(hospital.id)).length > 0) return;
  const to = async (codes: string[]) =>
    Promise.all(codes.map(async (code) => (await facilityByCode(db, code)).id));
  await service.setRule({
    hospitalId: hospital.id,
    kind: 'outpatient',
    departmentId: '',
    doctorId: '',
    share: 0.2,
    facilityIds: await to(['XY-T01', 'XY-T02', 'XY-V01', 'XY-V03']),
  });
  await service.setRule({
    hospitalId: hospital.id,
    kind: 'bed',
    departmentId: '',
    doctorId: '',
    share: 0.25,
    facilityIds: await to(['XY-T01', 'XY-T02']),
  });
}

function times(start: string, count: number, minutes: number): string[] {
  const [h, m] = start.split(':').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const t = h * 60 + m + i * minutes;
    return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
  });
}

/** Publishes this week's demo slots; returns how many were new. */
export async function publishDemoSlots(service: SlotService, db: Database): Promise<number> {
  await ensureRules(service, db);
  const today = countyDate(await service.now());
  const days = Array.from({ length: POOL_DAYS_AHEAD + 1 }, (_, i) => addDays(today, i));

  const hospital = await facilityByCode(db, HOSPITAL);
  const directory = await directoryOf(db, hospital.id);
  const departmentOf = (name: string) => directory.departments.find((d) => d.name === name)?.id;
  const rows: PublishedSlot[] = [];
  for (const date of days) {
    for (const session of SESSIONS) {
      const doctor = directory.doctors.find((d) => d.name === session.doctor);
      if (!doctor?.departmentId) continue;
      const base = {
        kind: 'outpatient' as const,
        date,
        departmentId: doctor.departmentId,
        doctorId: doctor.id,
      };
      times('08:00', session.am, 20).forEach((startTime, i) => {
        rows.push({ ...base, period: 'am', startTime, number: i + 1, feeCents: session.feeCents });
      });
      times('14:00', session.pm, 20).forEach((startTime, i) => {
        rows.push({
          ...base,
          period: 'pm',
          startTime,
          number: session.am + i + 1,
          feeCents: session.feeCents,
        });
      });
    }
    for (const [name, beds] of Object.entries(BEDS)) {
      const departmentId = departmentOf(name);
      if (!departmentId) continue;
      for (let bed = 1; bed <= beds; bed += 1)
        rows.push({ kind: 'bed', date, period: 'day', departmentId, number: bed });
    }
  }
  const published = await service.publish({
    hospitalId: hospital.id,
    rows: rows as unknown as Record<string, unknown>[],
    source: 'demo',
    userId: 'county-demo',
  });

  const township = await facilityByCode(db, VIRTUAL.facility);
  const townshipDirectory = await directoryOf(db, township.id);
  const departmentId = townshipDirectory.departments.find((d) => d.name === VIRTUAL.department)?.id;
  let virtualCreated = 0;
  if (departmentId) {
    const virtual: PublishedSlot[] = days.flatMap((date) =>
      Array.from({ length: VIRTUAL.perDay }, (_, i) => ({
        kind: 'virtual' as const,
        date,
        period: 'day' as const,
        departmentId,
        number: i + 1,
      })),
    );
    virtualCreated = (
      await service.publish({
        hospitalId: township.id,
        rows: virtual as unknown as Record<string, unknown>[],
        source: 'demo',
        userId: 'county-demo',
      })
    ).created;
  }
  return published.created + virtualCreated;
}
