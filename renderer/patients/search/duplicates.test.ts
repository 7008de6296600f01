import { describe, expect, it } from 'vitest';
import { findDuplicateCandidates } from './duplicates';
import { PatientSearchIndex, type SearchablePatient } from './patient-search-index';

const PATIENTS: SearchablePatient[] = [
  { id: 'a', name: '张三', birthDate: '1980-03-01', idNumber: '11010519491231002X' },
  { id: 'b', name: '张 三', birthDate: '1980-03-01T00:00:00+08:00' },
  { id: 'c', name: '张三', birthDate: '1980-03-02' },
  { id: 'd', name: '李四', idNumber: '11010519491231002x' },
  { id: 'e', name: '阿依古丽·买买提', birthDate: '1990-01-01' },
];

describe('findDuplicateCandidates', () => {
  for (const [label, source] of [
    ['list', PATIENTS],
    [
      'index',
      (() => {
        const idx = new PatientSearchIndex();
        for (const p of PATIENTS) idx.upsert(p);
        return idx;
      })(),
    ],
  ] as const) {
    describe(`over a ${label}`, () => {
      it('reports same ID number first, then same name and birth date, once per patient', () => {
        expect(
          findDuplicateCandidates(
            { name: '张三', birthDate: '1980-03-01', idNumber: '１１０１０５１９４９１２３１００２ｘ' },
            source,
          ),
        ).toEqual([
          { id: 'a', reason: 'same-id-number' },
          { id: 'd', reason: 'same-id-number' },
          { id: 'b', reason: 'same-name-and-birth-date' },
        ]);
      });

      it("excludes the candidate's own record", () => {
        expect(findDuplicateCandidates({ id: 'a', name: '张三', birthDate: '1980-03-01' }, source)).toEqual([
          { id: 'b', reason: 'same-name-and-birth-date' },
        ]);
      });

      it('normalises middle dots and needs a birth date for the name rule', () => {
        expect(findDuplicateCandidates({ name: '阿依古丽•买买提', birthDate: '1990-01-01' }, source)).toEqual(
          [{ id: 'e', reason: 'same-name-and-birth-date' }],
        );
        expect(findDuplicateCandidates({ name: '张三' }, source)).toEqual([]);
        expect(findDuplicateCandidates({ name: '王五', birthDate: '1980-03-01' }, source)).toEqual([]);
      });
    });
  }
});
