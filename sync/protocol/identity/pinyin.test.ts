import { describe, expect, it } from 'vitest';
import { matchesSyllablePrefixes, toSyllables } from './pinyin';

describe('toSyllables', () => {
  it('reads surnames as surnames when asked', () => {
    expect(toSyllables('单田芳', true)).toEqual(['shan', 'tian', 'fang']);
    expect(toSyllables('曾国藩', true)).toEqual(['zeng', 'guo', 'fan']);
    expect(toSyllables('解缙', true)).toEqual(['xie', 'jin']);
  });
  it('writes ü as v and groups latin runs', () => {
    expect(toSyllables('吕布')).toEqual(['lv', 'bu']);
    expect(toSyllables('李Amy')).toEqual(['li', 'amy']);
    expect(toSyllables('阿依古丽·买买提')).toEqual(['a', 'yi', 'gu', 'li', 'mai', 'mai', 'ti']);
    expect(toSyllables('')).toEqual([]);
  });
});

describe('matchesSyllablePrefixes', () => {
  const s = ['zhang', 'san', 'feng'];
  it.each(['z', 'zs', 'zsf', 'zhang', 'zhangs', 'zsan', 'zhsanf', 'zhangsanfeng'])('accepts %s', (q) => {
    expect(matchesSyllablePrefixes(q, s)).toBe(true);
  });
  it.each(['sf', 'zhangf', 'zhangsanfengx', 'x'])('rejects %s', (q) => {
    expect(matchesSyllablePrefixes(q, s)).toBe(false);
  });
});
