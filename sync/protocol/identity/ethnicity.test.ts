import { describe, expect, it } from 'vitest';
import { ETHNICITIES, ethnicityName, ethnicityOf } from './ethnicity';

describe('ethnicity (GB 3304-1991)', () => {
  it('has 56 groups plus 97 and 98, with unique consecutive codes', () => {
    expect(ETHNICITIES).toHaveLength(58);
    const codes = ETHNICITIES.map((x) => x.code);
    expect(new Set(codes).size).toBe(58);
    expect(codes.slice(0, 56)).toEqual(Array.from({ length: 56 }, (_, i) => String(i + 1).padStart(2, '0')));
    expect(codes.slice(56)).toEqual(['97', '98']);
    expect(ETHNICITIES.slice(0, 56).every((x) => x.zh.endsWith('族'))).toBe(true);
  });

  it.each([
    ['01', '汉族', 'Han'],
    ['02', '蒙古族', 'Mongolian'],
    ['03', '回族', 'Hui'],
    ['04', '藏族', 'Tibetan'],
    ['05', '维吾尔族', 'Uyghur'],
    ['06', '苗族', 'Miao'],
    ['07', '彝族', 'Yi'],
    ['08', '壮族', 'Zhuang'],
    ['10', '朝鲜族', 'Korean'],
    ['11', '满族', 'Manchu'],
    ['15', '土家族', 'Tujia'],
    ['23', '高山族', 'Gaoshan'],
    ['44', '俄罗斯族', 'Russian'],
    ['56', '基诺族', 'Jino'],
    ['97', '其他', 'Other'],
    ['98', '外国血统中国籍人士', 'Chinese citizen of foreign origin'],
  ])('%s is %s / %s', (code, zh, en) => {
    expect(ethnicityName(code, 'zh-CN')).toBe(zh);
    expect(ethnicityName(code, 'en')).toBe(en);
  });

  it('keeps the standard romanisation and tolerates a dropped leading zero', () => {
    expect(ethnicityOf('2')?.roman).toBe('Mongol');
    expect(ethnicityOf(' 04 ')?.roman).toBe('Zang');
    expect(ethnicityName('00', 'en')).toBeUndefined();
    expect(ethnicityName('57', 'zh-CN')).toBeUndefined();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(ETHNICITIES)).toBe(true);
  });
});
