import { describe, expect, it } from 'vitest';
import { divisionLabel, divisionPath, regionOfIdNumber, searchDivisions } from './divisions';

describe('search index', () => {
  it('builds lazily and quickly (runs first in this file)', () => {
    const t0 = performance.now();
    searchDivisions('x');
    const ms = performance.now() - t0;
    // Informational only; timing is measured by the bench, not asserted here.
    console.info(`divisions index + first query: ${ms.toFixed(1)} ms`);
  });
});

describe('divisionPath / divisionLabel', () => {
  it('walks province -> city -> county for 2/4/6-digit and zero-padded codes', () => {
    expect(divisionPath('510107')).toEqual([
      { code: '51', name: '四川省' },
      { code: '5101', name: '成都市' },
      { code: '510107', name: '武侯区' },
    ]);
    expect(divisionPath('5101')?.map((d) => d.name)).toEqual(['四川省', '成都市']);
    expect(divisionPath('510100')?.map((d) => d.name)).toEqual(['四川省', '成都市']);
    expect(divisionPath('510000')?.map((d) => d.name)).toEqual(['四川省']);
    expect(divisionPath('51')?.map((d) => d.name)).toEqual(['四川省']);
    expect(divisionPath('999999')).toBeUndefined();
    expect(divisionPath('5')).toBeUndefined();
    expect(divisionPath('abc')).toBeUndefined();
  });

  it('labels, collapsing placeholder levels', () => {
    expect(divisionLabel('510107')).toBe('四川省 成都市 武侯区');
    expect(divisionLabel('110105')).toBe('北京市 朝阳区');
    expect(divisionLabel('1101')).toBe('北京市');
    expect(divisionLabel('500229')).toBe('重庆市 城口县');
    expect(divisionLabel('429004')).toBe('湖北省 仙桃市');
    expect(divisionLabel('659001')).toBe('新疆维吾尔自治区 石河子市');
    expect(divisionLabel('441900')).toBe('广东省 东莞市');
    expect(divisionLabel('000000')).toBeUndefined();
  });
});

describe('regionOfIdNumber', () => {
  it('uses the county, falling back to city then province for retired codes', () => {
    expect(regionOfIdNumber('11010519491231002X')).toEqual({ code: '110105', label: '北京市 朝阳区' });
    // 510122 (双流县) became 510116 双流区 in 2015; people born there keep 510122 in their IDs.
    expect(regionOfIdNumber('510122198001010011')).toEqual({ code: '5101', label: '四川省 成都市' });
    expect(regionOfIdNumber('519999198001010011')).toEqual({ code: '51', label: '四川省' });
    expect(regionOfIdNumber('991234198001010011')).toBeUndefined();
    expect(regionOfIdNumber('12')).toBeUndefined();
  });
});

describe('searchDivisions', () => {
  it('finds by Chinese substring, exact names first', () => {
    const r = searchDivisions('武侯');
    expect(r[0]).toEqual({ code: '510107', label: '四川省 成都市 武侯区' });
    expect(searchDivisions('朝阳区').map((x) => x.code)).toEqual(expect.arrayContaining(['110105']));
    expect(searchDivisions('成都')[0]?.code).toBe('5101');
  });

  it('matches terms against the full label', () => {
    expect(searchDivisions('四川 武侯').map((x) => x.code)).toEqual(['510107']);
    expect(searchDivisions('四川省成都市').map((x) => x.code)).toContain('510107');
  });

  it('finds by full pinyin, initials and mixed forms', () => {
    expect(searchDivisions('wuhouqu').map((x) => x.code)).toContain('510107');
    expect(searchDivisions('whq').map((x) => x.code)).toContain('510107');
    expect(searchDivisions('wuhq').map((x) => x.code)).toContain('510107');
    expect(searchDivisions('chengdu')[0]?.code).toBe('5101');
    expect(searchDivisions('scsh', 200).map((x) => x.code)).toContain('51');
    expect(searchDivisions("xi'an").map((x) => x.code)).toContain('6101');
  });

  it('respects the limit and empty queries', () => {
    expect(searchDivisions('区', 5)).toHaveLength(5);
    expect(searchDivisions('')).toEqual([]);
    expect(searchDivisions('zzzzzzzz')).toEqual([]);
  });
});
