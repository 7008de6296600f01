import { describe, expect, it } from 'vitest';
import { ICD10_DIAGNOSES } from './diagnoses';
import { diagnosisIndex, indexDiagnoses, searchDiagnoses } from './search';

const codes = (query: string, limit = 20) =>
  searchDiagnoses(diagnosisIndex(), query, limit).map((h) => h.code);

describe('the ICD-10 catalogue', () => {
  it('has several hundred well-formed, unique codes, each with a Chinese name', () => {
    expect(ICD10_DIAGNOSES.length).toBeGreaterThan(400);
    for (const { code, name } of ICD10_DIAGNOSES) {
      expect(code).toMatch(/^[A-Z]\d\d(\.\d)?$/);
      expect(name).toMatch(/\p{Script=Han}/u);
    }
    expect(new Set(ICD10_DIAGNOSES.map((d) => d.code)).size).toBe(ICD10_DIAGNOSES.length);
  });

  it('carries the diagnoses primary care refers most, with their standard codes', () => {
    const byCode = new Map(ICD10_DIAGNOSES.map((d) => [d.code, d.name]));
    expect(byCode.get('I10')).toBe('原发性高血压');
    expect(byCode.get('E11')).toBe('2型糖尿病');
    expect(byCode.get('J18.9')).toBe('肺炎');
    expect(byCode.get('I63.9')).toContain('脑梗死');
    expect(byCode.get('J44.1')).toContain('慢性阻塞性肺疾病');
  });
});

describe('diagnosis search', () => {
  it('finds by code prefix, with or without the dot, category before its subcodes', () => {
    expect(codes('I10')[0]).toBe('I10');
    const e11 = codes('e11');
    expect(e11[0]).toBe('E11');
    expect(e11).toEqual(expect.arrayContaining(['E11.2', 'E11.9']));
    expect(e11.every((code) => code.startsWith('E11'))).toBe(true);
    expect(codes('E119')).toEqual(['E11.9']);
    expect(codes('i63.9')[0]).toBe('I63.9');
  });

  it('finds by Chinese name, names that start with the query first', () => {
    const hits = searchDiagnoses(diagnosisIndex(), '高血压');
    expect(hits[0]).toMatchObject({ code: 'I10', matchedOn: 'name' });
    expect(hits.map((h) => h.code)).toEqual(expect.arrayContaining(['I11.9', 'I15.9', 'O13']));
    expect(codes('脑梗')[0]).toBe('I63');
  });

  it('finds by full pinyin and by initials, anywhere in the name', () => {
    expect(codes('gaoxueya')).toContain('I10');
    expect(searchDiagnoses(diagnosisIndex(), 'yfxgxy')[0]).toMatchObject({
      code: 'I10',
      matchedOn: 'initials',
    });
    const tnb = codes('tnb', 40);
    expect(tnb).toEqual(expect.arrayContaining(['E11', 'E11.2', 'E14.9']));
    expect(codes('feiyan')).toContain('J18.9');
    expect(codes('ngs')).toContain('I63.9');
  });

  it('returns nothing for an empty query or a query that matches nothing, and honours the limit', () => {
    expect(codes('  ')).toEqual([]);
    expect(codes('zzzzqqq')).toEqual([]);
    expect(codes('i', 5)).toHaveLength(5);
  });

  it('indexes a name with digits and Latin letters (2型, B12) as runs', () => {
    const [entry] = indexDiagnoses([{ code: 'D51.9', name: '维生素B12缺乏性贫血' }]);
    expect(entry?.pinyin).toBe('weishengsub12quefaxingpinxue');
    expect(entry?.initials).toBe('wssbqfxpx');
  });
});
