// Deterministic synthetic patients for tests and the search benchmark. Names are
// built from common surnames and given-name characters, ID numbers carry valid
// check digits, phones are well-formed mobiles. No real person's data.
import { idCheckDigit } from '../../../sync/protocol/identity/id-number';
import type { SearchablePatient } from './patient-search-index';

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单解',
];
const GIVEN = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华文辉玉萍红建国小云飞鹏志成斌波宇浩凯健俊帆晨阳欣怡佳琪子涵梓轩一诺宏亮春梅海燕金凤德福贵',
];
// Real county codes from several provinces, so regionOfIdNumber has something to resolve.
const COUNTIES = [
  '510107',
  '510116',
  '513401',
  '532301',
  '320102',
  '321002',
  '440305',
  '110105',
  '420102',
  '500229',
];

/** mulberry32: tiny seeded PRNG, good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticPatients(count: number, seed = 1): SearchablePatient[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const digits = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += Math.floor(r() * 10);
    return s;
  };
  const out: SearchablePatient[] = [];
  for (let i = 0; i < count; i++) {
    const name = pick(SURNAMES) + pick(GIVEN) + (r() < 0.6 ? pick(GIVEN) : '');
    const y = 1930 + Math.floor(r() * 95);
    const m = 1 + Math.floor(r() * 12);
    const d = 1 + Math.floor(r() * 28);
    const birth = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const male = r() < 0.5;
    const seq = digits(2) + String(Math.floor(r() * 5) * 2 + (male ? 1 : 0));
    const first17 = pick(COUNTIES) + birth.replace(/-/g, '') + seq;
    out.push({
      id: `p${String(i).padStart(6, '0')}`,
      name,
      idNumber: r() < 0.9 ? first17 + idCheckDigit(first17) : undefined,
      phone: r() < 0.8 ? `1${pick(['3', '5', '7', '8', '9'])}${digits(9)}` : undefined,
      healthCardToken:
        r() < 0.3
          ? `${Array.from({ length: 64 }, () => Math.floor(r() * 16).toString(16)).join('')}:ehc`
          : undefined,
      birthDate: birth,
      sex: male ? 'male' : 'female',
      deceased: r() < 0.01,
    });
  }
  return out;
}
