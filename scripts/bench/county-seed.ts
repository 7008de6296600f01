/** The bench county's hospitals and their week of outpatient slots, as the slot bench groups seed them. */
import { addDays, type PublishedSlot } from '../../sync/protocol/slots';
import type { Database } from '../../sync/server/db/driver';
import { addDepartment, addFacility, addStaff } from '../../sync/server/facilities/registry';

export interface BenchDoctor {
  id: string;
  dept: string;
}

/** A county hospital with its departments and doctors (each doctor in department n mod the count). */
export async function addBenchHospital(
  db: Database,
  hospital: {
    code: string;
    name: string;
    departments: number;
    doctors: number;
    departmentName(d: number): string;
  },
) {
  const { id } = await addFacility(db, { code: hospital.code, name: hospital.name, level: 'county' });
  const departments: string[] = [];
  for (let d = 0; d < hospital.departments; d += 1)
    departments.push((await addDepartment(db, hospital.code, { name: hospital.departmentName(d) })).id);
  const doctors: BenchDoctor[] = [];
  for (let n = 0; n < hospital.doctors; n += 1) {
    const dept = departments[n % hospital.departments] as string;
    const staff = await addStaff(db, {
      facilityCode: hospital.code,
      name: `医生${n}`,
      roles: ['doctor'],
      departmentId: dept,
    });
    doctors.push({ id: staff.id, dept });
  }
  return { id, code: hospital.code, departments, doctors };
}

/**
 * `days` of outpatient slots from `today`: each doctor's `perDay` numbers, the
 * first half from 08:00 and the second from 14:00, `minutesApart` apart.
 */
export function outpatientSlots(
  today: string,
  doctors: BenchDoctor[],
  plan: { days: number; perDay: number; minutesApart: number; feeCents: number },
): PublishedSlot[] {
  const rows: PublishedSlot[] = [];
  const half = plan.perDay / 2;
  for (let day = 0; day < plan.days; day += 1) {
    const date = addDays(today, day);
    for (const doctor of doctors) {
      for (let n = 0; n < plan.perDay; n += 1) {
        const am = n < half;
        const minutes = (am ? 8 * 60 : 14 * 60) + (n % half) * plan.minutesApart;
        rows.push({
          kind: 'outpatient',
          date,
          period: am ? 'am' : 'pm',
          startTime: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
          departmentId: doctor.dept,
          doctorId: doctor.id,
          number: n + 1,
          feeCents: plan.feeCents,
        });
      }
    }
  }
  return rows;
}
