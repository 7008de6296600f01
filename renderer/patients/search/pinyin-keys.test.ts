import { describe, expect, it } from 'vitest';
import { pinyinKeys, pinyinKeysMany } from './pinyin-keys';
import { matchesPinyinMixed } from './pinyin-match';

describe('pinyinKeys', () => {
  it.each([
    ['张三', 'zhangsan', 'zs'],
    ['单田芳', 'shantianfang', 'stf'],
    ['曾国藩', 'zengguofan', 'zgf'],
    ['解缙', 'xiejin', 'xj'],
    ['吕小布', 'lvxiaobu', 'lxb'],
    ['李Amy', 'liamy', 'la'],
    ['阿依古丽·买买提', 'ayigulimaimaiti', 'aygl' + 'mmt'],
    [' 王 五 ', 'wangwu', 'ww'],
    ['', '', ''],
  ])('%s -> %s / %s', (name, full, initials) => {
    expect(pinyinKeys(name)).toEqual({ full, initials });
  });

  it('gives the same keys in bulk as one by one', () => {
    const names = ['单田芳', '张三', '曾国藩', '李Amy', '尉迟恭', '长孙无忌', '欧阳修', '解缙'];
    expect(pinyinKeysMany(names)).toEqual(names.map(pinyinKeys));
  });
});

describe('matchesPinyinMixed', () => {
  const full = 'zhangsanfeng';
  const ini = 'zsf';
  it.each(['z', 'zs', 'zsf', 'zhang', 'zhangs', 'zsan', 'zhsanf', 'zhangsanfeng', 'zhangsanf'])(
    'accepts %s',
    (q) => {
      expect(matchesPinyinMixed(q, full, ini)).toBe(true);
    },
  );
  it.each(['sf', 'zhangf', 'zhangsanfengx', 'x', 'zf'])('rejects %s', (q) => {
    expect(matchesPinyinMixed(q, full, ini)).toBe(false);
  });
  it('handles repeated initials inside syllables', () => {
    // 南宁 nan-ning: initial n appears inside "nan" too.
    expect(matchesPinyinMixed('nann', 'nanning', 'nn')).toBe(true);
    expect(matchesPinyinMixed('nning', 'nanning', 'nn')).toBe(true);
  });
});
