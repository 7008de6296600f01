/** A small demo county so `npm start` has a county to talk to, and the seed format tests use. */
import type { Database } from '../db/driver';
import { addDepartment, addFacility, addStaff, type FacilityRow, listFacilities, relate } from './registry';

export interface CountySeed {
  facilities: Array<{
    code: string;
    name: string;
    level: 'village' | 'township' | 'county' | 'city';
    parent?: string;
    departments?: string[];
    doctors?: Array<{ name: string; department?: string; title?: string; roles?: string[] }>;
  }>;
  /** [from, to]: from may refer to to. */
  relations: Array<[string, string]>;
}

export const DEMO_COUNTY: CountySeed = {
  facilities: [
    {
      code: 'XY-H01',
      name: '乡医县人民医院',
      level: 'county',
      departments: ['内科', '外科', '妇产科', '儿科', '心电诊断中心'],
      doctors: [
        { name: '王建国', department: '内科', title: '主任医师', roles: ['doctor', 'reviewer'] },
        { name: '李秀英', department: '外科', title: '副主任医师' },
        { name: '陈立', department: '儿科', title: '主治医师' },
      ],
    },
    {
      code: 'XY-T01',
      name: '东河镇卫生院',
      level: 'township',
      parent: 'XY-H01',
      departments: ['全科', '中医科'],
      doctors: [{ name: '赵明', department: '全科', title: '主治医师', roles: ['doctor', 'reviewer'] }],
    },
    {
      code: 'XY-T02',
      name: '西山镇卫生院',
      level: 'township',
      parent: 'XY-H01',
      departments: ['全科'],
      doctors: [{ name: '孙丽', department: '全科', title: '医师' }],
    },
    { code: 'XY-V01', name: '东河镇柳树村卫生室', level: 'village', parent: 'XY-T01' },
    { code: 'XY-V02', name: '东河镇石桥村卫生室', level: 'village', parent: 'XY-T01' },
    { code: 'XY-V03', name: '西山镇青龙村卫生室', level: 'village', parent: 'XY-T02' },
    { code: 'XY-V04', name: '西山镇杨家村卫生室', level: 'village', parent: 'XY-T02' },
  ],
  relations: [
    ['XY-V01', 'XY-T01'],
    ['XY-V02', 'XY-T01'],
    ['XY-V03', 'XY-T02'],
    ['XY-V04', 'XY-T02'],
    ['XY-T01', 'XY-H01'],
    ['XY-T02', 'XY-H01'],
    ['XY-H01', 'XY-T01'],
    ['XY-H01', 'XY-T02'],
    ['XY-T01', 'XY-V01'],
    ['XY-T01', 'XY-V02'],
    ['XY-T02', 'XY-V03'],
    ['XY-T02', 'XY-V04'],
  ],
};

/** Adds the facilities (parents first, as listed), departments, doctors and relations. */
export async function seedCounty(db: Database, seed: CountySeed): Promise<Record<string, FacilityRow>> {
  const byCode: Record<string, FacilityRow> = {};
  for (const facility of seed.facilities) {
    byCode[facility.code] = await addFacility(db, {
      code: facility.code,
      name: facility.name,
      level: facility.level,
      ...(facility.parent ? { parentCode: facility.parent } : {}),
    });
    const departments = new Map<string, string>();
    for (const name of facility.departments ?? []) {
      departments.set(name, (await addDepartment(db, facility.code, { name })).id);
    }
    for (const doctor of facility.doctors ?? []) {
      const departmentId = doctor.department ? departments.get(doctor.department) : undefined;
      await addStaff(db, {
        facilityCode: facility.code,
        name: doctor.name,
        roles: doctor.roles ?? ['doctor'],
        ...(departmentId ? { departmentId } : {}),
        ...(doctor.title ? { title: doctor.title } : {}),
      });
    }
  }
  for (const [from, to] of seed.relations) await relate(db, from, to);
  for (const row of await listFacilities(db)) byCode[row.code] = row;
  return byCode;
}

export async function isEmptyCounty(db: Database): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM facilities LIMIT 1');
  return rows.length === 0;
}
