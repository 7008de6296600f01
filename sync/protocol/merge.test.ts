import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, changedFields, mergeFieldByField, sameJson } from './merge';

const base = {
  id: 'p1',
  facilityId: 'village',
  name: '张三',
  phone: '13812345678',
  address: { detail: '六美村' },
  allergies: [] as string[],
  countySeq: 7,
};

describe('field-by-field merge', () => {
  it('keeps both clinics\u2019 edits when they touched different fields', () => {
    const villageEdit = { ...base, phone: '13900001111' };
    const townshipEdit = { ...base, address: { detail: '石龙镇 3 号', divisionCode: '450881' } };
    // The township pushes first; the village pushes later, still assuming the original.
    const afterTownship = mergeFieldByField(base, townshipEdit, base);
    const afterVillage = mergeFieldByField(base, villageEdit, afterTownship);
    expect(afterVillage).toEqual({
      ...base,
      phone: '13900001111',
      address: { detail: '石龙镇 3 号', divisionCode: '450881' },
    });
  });

  it('lets the later arrival win a field both changed', () => {
    const first = mergeFieldByField(base, { ...base, phone: '111' }, base);
    expect(mergeFieldByField(base, { ...base, phone: '222' }, first).phone).toBe('222');
  });

  it('removes a field the pusher cleared', () => {
    const { phone: _phone, ...cleared } = base;
    expect(mergeFieldByField(base, cleared, { ...base, allergies: ['青霉素'] })).toEqual({
      ...cleared,
      allergies: ['青霉素'],
    });
  });

  it('never lets a push change the owner, the id or the county stamps', () => {
    const pushed = { ...base, facilityId: 'other', id: 'p2', countySeq: 999, name: '张叁' };
    expect(mergeFieldByField(base, pushed, base)).toEqual({ ...base, name: '张叁' });
    expect(changedFields(base, pushed)).toEqual(['name']);
  });

  it('compares JSON regardless of key order and undefined members', () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1, d: undefined })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
  });

  it('is a no-op for a push that changes nothing, and idempotent when repeated', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('name', 'phone', 'sex', 'note'), fc.string()), (edits) => {
        const pushed = { ...base, ...edits };
        const once = mergeFieldByField(base, pushed, base);
        expect(canonicalJson(mergeFieldByField(base, pushed, once))).toBe(canonicalJson(once));
        expect(mergeFieldByField(base, base, once)).toEqual(once);
      }),
    );
  });
});
