import { beforeAll, describe, expect, it } from 'vitest';
import { idCheckDigit } from '../../../sync/protocol/identity/id-number';
import { benchSearch } from './bench';
import { type IndexablePatient, PatientSearchIndex, type SearchablePatient } from './patient-search-index';
import { pinyinKeys } from './pinyin-keys';
import { syntheticPatients } from './synthetic-patients';

const id17 = (first17: string) => first17 + idCheckDigit(first17);

const CARD = `${'a1b2c3d4'.repeat(8)}:ehc`;
const FIXED: SearchablePatient[] = [
  {
    id: 'zs',
    name: '张三',
    idNumber: id17('51010719800301001'),
    phone: '13812349876',
    birthDate: '1980-03-01',
  },
  { id: 'zsf', name: '张三丰', idNumber: id17('51010719800302002'), phone: '0834-2345678' },
  { id: 'zxs', name: '赵小三', phone: '+86 139 0000 1111' },
  { id: 'stf', name: '单田芳', healthCardToken: CARD },
  { id: 'dead', name: '曾国藩', idNumber: '11010519491231002x', deceased: true },
  { id: 'uy', name: '阿依古丽·买买提' },
];

function fixture(): PatientSearchIndex {
  const idx = new PatientSearchIndex();
  for (const p of FIXED) idx.upsert(p);
  return idx;
}

describe('PatientSearchIndex (small)', () => {
  it('finds Chinese names, exact before prefix before substring', () => {
    const idx = fixture();
    expect(idx.search('张三')).toEqual([
      { id: 'zs', matchedOn: 'name' },
      { id: 'zsf', matchedOn: 'name' },
    ]);
    expect(idx.search('三').map((h) => h.id)).toEqual(['zs', 'zsf', 'zxs']);
    expect(idx.search('古丽·买').map((h) => h.id)).toEqual(['uy']);
    expect(idx.search('古丽•买').map((h) => h.id)).toEqual(['uy']);
  });

  it('finds by full pinyin, initials and mixed prefixes', () => {
    const idx = fixture();
    expect(idx.search('zs')).toEqual([
      { id: 'zs', matchedOn: 'initials' },
      { id: 'zsf', matchedOn: 'initials' },
    ]);
    expect(idx.search('zhangsan')).toEqual([
      { id: 'zs', matchedOn: 'pinyin' },
      { id: 'zsf', matchedOn: 'pinyin' },
    ]);
    expect(idx.search('zhangs').map((h) => h.id)).toEqual(['zs', 'zsf']);
    expect(idx.search('zsan').map((h) => h.id)).toEqual(['zs', 'zsf']);
    expect(idx.search('ZSF').map((h) => h.id)).toEqual(['zsf']);
    // Same tier (prefix): alphabetical by pinyin, zengguofan < zhangsan < zhangsanfeng < zhaoxiaosan.
    expect(idx.search('z').map((h) => h.id)).toEqual(['dead', 'zs', 'zsf', 'zxs']);
    expect(idx.search('stf')).toEqual([{ id: 'stf', matchedOn: 'initials' }]);
    expect(idx.search('shantian').map((h) => h.id)).toEqual(['stf']);
    expect(idx.search('zengguofan').map((h) => h.id)).toEqual(['dead']);
  });

  it('finds by ID number: exact, region prefix, last digits (with X)', () => {
    const idx = fixture();
    const zsId = FIXED[0]?.idNumber ?? '';
    expect(idx.search(zsId)[0]).toEqual({ id: 'zs', matchedOn: 'idNumber' });
    expect(idx.search('510107').map((h) => h.id)).toEqual(['zs', 'zsf']);
    expect(idx.search(zsId.slice(-4))).toEqual([{ id: 'zs', matchedOn: 'idTail' }]);
    expect(idx.search('002x')).toEqual([{ id: 'dead', matchedOn: 'idTail' }]);
    expect(idx.search('11010519491231002X')).toEqual([{ id: 'dead', matchedOn: 'idNumber' }]);
    expect(idx.search('123')).toEqual([]); // too short for a partial match
  });

  it('finds by phone: exact, prefix and suffix, whatever the stored format', () => {
    const idx = fixture();
    expect(idx.search('13812349876')).toEqual([{ id: 'zs', matchedOn: 'phone' }]);
    expect(idx.search('138 1234')).toEqual([{ id: 'zs', matchedOn: 'phone' }]);
    expect(idx.search('9876')).toEqual([{ id: 'zs', matchedOn: 'phone' }]);
    expect(idx.search('08342345678')).toEqual([{ id: 'zsf', matchedOn: 'phone' }]);
    expect(idx.search('0834-2345678')).toEqual([{ id: 'zsf', matchedOn: 'phone' }]);
    expect(idx.search('13900001111')).toEqual([{ id: 'zxs', matchedOn: 'phone' }]);
    expect(idx.search('+86 138 1234 9876')).toEqual([{ id: 'zs', matchedOn: 'phone' }]);
  });

  it('finds by health card token prefix, case-insensitively, for any query class', () => {
    const idx = fixture();
    expect(idx.search('A1B2C3')).toEqual([{ id: 'stf', matchedOn: 'healthCard' }]);
    expect(idx.search('a1b2c3d4a1')).toEqual([{ id: 'stf', matchedOn: 'healthCard' }]);
    expect(idx.search(CARD.toUpperCase())).toEqual([{ id: 'stf', matchedOn: 'healthCard' }]);
    expect(idx.search('a1b2c')).toEqual([]); // 5 characters: too short
  });

  it('keeps deceased patients findable', () => {
    expect(fixture().search('曾国藩')).toEqual([{ id: 'dead', matchedOn: 'name' }]);
  });

  it('upserts, removes and respects limits', () => {
    const idx = fixture();
    expect(idx.size).toBe(6);
    idx.upsert({ id: 'zs', name: '张四' });
    expect(idx.size).toBe(6);
    expect(idx.search('张三').map((h) => h.id)).toEqual(['zsf']);
    expect(idx.search('13812349876')).toEqual([]);
    idx.remove('zsf');
    idx.remove('nobody');
    expect(idx.size).toBe(5);
    expect(idx.search('张').map((h) => h.id)).toEqual(['zs']);
    // Swap-remove moved the last record into the freed slot; it must still be found by id.
    expect(idx.get('uy')?.name).toBe('阿依古丽·买买提');
    idx.remove('uy');
    expect(idx.search('阿依').length).toBe(0);
    expect(idx.search('z', 2)).toHaveLength(2);
    expect(idx.search('z', 0)).toEqual([]);
    expect(idx.search('   ')).toEqual([]);
  });

  it('uses stored pinyin keys when given', () => {
    const idx = new PatientSearchIndex();
    const p: IndexablePatient = { id: 'x', name: '乐嘉', pinyinFull: 'Le Jia', pinyinInitials: 'LJ' };
    idx.upsert(p);
    expect(idx.search('lejia')).toEqual([{ id: 'x', matchedOn: 'pinyin' }]);
    expect(idx.search('yuejia')).toEqual([]);
    idx.upsertMany([
      { id: 'y', name: '张三' },
      { ...p, id: 'z' },
    ]);
    expect(idx.search('lj').map((h) => h.id)).toEqual(['x', 'z']);
    expect(idx.search('zs').map((h) => h.id)).toEqual(['y']);
  });
});

describe('PatientSearchIndex (50,000 synthetic patients)', () => {
  const patients = syntheticPatients(50_000, 7);
  const idx = new PatientSearchIndex();
  const keys = new Map<string, { full: string; initials: string }>();

  beforeAll(() => {
    idx.upsertMany(patients);
    idx.upsertMany(FIXED);
    for (const p of [...patients, ...FIXED]) keys.set(p.id, pinyinKeys(p.name));
  });

  /** Brute-force count of patients a query should match, to check the index does not miss any. */
  const countWhere = (pred: (p: SearchablePatient) => boolean) => [...patients, ...FIXED].filter(pred).length;

  it('has every patient', () => {
    expect(idx.size).toBe(50_000 + FIXED.length);
  });

  it('ranks the exact Chinese name first and returns only matches', () => {
    const hits = idx.search('张三', 50);
    expect(hits[0]).toEqual({ id: 'zs', matchedOn: 'name' });
    const byId = new Map([...patients, ...FIXED].map((p) => [p.id, p]));
    for (const h of hits) expect(byId.get(h.id)?.name.includes('张三')).toBe(true);
    expect(hits.length).toBe(
      Math.min(
        50,
        countWhere((p) => p.name.includes('张三')),
      ),
    );
  });

  it('answers initials queries with exact initials first, in pinyin order', () => {
    const hits = idx.search('wx', 20);
    expect(hits).toHaveLength(20);
    const fulls = hits.map((h) => keys.get(h.id)?.full ?? '');
    // Plenty of two-character names read w-x (王霞, 吴欣...), so all 20 are exact-initials matches.
    for (const h of hits) expect(keys.get(h.id)?.initials).toBe('wx');
    expect([...fulls].sort()).toEqual(fulls);
  });

  it('answers mixed pinyin like "zhangs"', () => {
    const hits = idx.search('zhangs', 1000);
    expect(hits.map((h) => h.id)).toContain('zs');
    for (const h of hits) expect(keys.get(h.id)?.full.startsWith('zhang')).toBe(true);
    const expected = countWhere((p) => {
      const k = keys.get(p.id);
      return !!k && (k.full.startsWith('zhangs') || (k.full.startsWith('zhang') && k.initials[1] === 's'));
    });
    expect(hits.length).toBe(Math.min(1000, expected));
  });

  it('finds every synthetic patient by full ID number and by phone', () => {
    for (const p of patients.slice(0, 200)) {
      if (p.idNumber) expect(idx.search(p.idNumber)[0]).toEqual({ id: p.id, matchedOn: 'idNumber' });
      if (p.phone) {
        const top = idx.search(p.phone);
        expect(top[0]?.matchedOn).toBe('phone');
        expect(top.map((h) => h.id)).toContain(p.id);
      }
    }
  });

  it('finds by the last digits of an ID number', () => {
    const p = patients.find((x) => x.idNumber) as SearchablePatient;
    const tail = (p.idNumber ?? '').slice(-6);
    const hits = idx.search(tail, 100);
    expect(hits).toContainEqual({ id: p.id, matchedOn: 'idTail' });
  });

  it('finds by health card prefix', () => {
    const p = patients.find((x) => x.healthCardToken) as SearchablePatient;
    const hits = idx.search((p.healthCardToken ?? '').slice(0, 12).toUpperCase());
    expect(hits[0]).toEqual({ id: p.id, matchedOn: 'healthCard' });
  });

  it('finds deceased patients', () => {
    const p = patients.find((x) => x.deceased && x.idNumber) as SearchablePatient;
    expect(idx.search(p.idNumber ?? '')[0]?.id).toBe(p.id);
  });

  it('benchSearch reports a p95 (informational, not asserted)', () => {
    const r = benchSearch(idx, [
      '张',
      '张三',
      'z',
      'zs',
      'zhangs',
      'wangf',
      '5101',
      '1381234',
      '002X',
      'a1b2c3d4',
      '王小',
    ]);
    console.info(`search p95 over 50k patients: ${r.p95_ms.toFixed(3)} ms (${r.samples} samples)`);
    expect(r.p95_ms).toBeGreaterThanOrEqual(0);
  });
});
