import { describe, expect, it } from 'vitest';
import { classifyQuery } from './classify';

describe('classifyQuery', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['张三', 'chinese'],
    [' 阿依古丽·买买提 ', 'chinese'],
    ['zs', 'latin'],
    ['ZhangSan', 'latin'],
    ["xi'an", 'latin'],
    ['1234', 'digits'],
    ['002X', 'digits'],
    ['11010519491231002x', 'digits'],
    ['０８３４-２３４５６７８', 'digits'],
    ['138 1234 5678', 'digits'],
    ['+86 138 1234 5678', 'digits'],
    ['X', 'latin'],
    ['张s', 'mixed'],
    ['3fa9c1', 'mixed'],
    ['ab12:ehc', 'mixed'],
    ['·', 'mixed'],
  ])('%j -> %s', (q, cls) => {
    expect(classifyQuery(q)).toBe(cls);
  });
});
