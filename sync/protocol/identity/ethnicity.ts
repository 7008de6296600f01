// GB/T 3304-1991 names of China's ethnic groups (中国各民族名称的罗马字母拼写法和代码),
// two-digit numeric codes as used by WS 364 value sets and ID-card registration.
// `en` is the usual English name shown in the UI; where the standard's own Latin
// spelling differs (Mongol, Zang, Chosen, Man, Russ) it is kept in `roman`.

export type EthnicityCode = string;
export type Ethnicity = {
  readonly code: EthnicityCode;
  readonly zh: string;
  readonly en: string;
  readonly roman: string;
};

const e = (code: string, zh: string, en: string, roman: string = en): Ethnicity => ({ code, zh, en, roman });

export const ETHNICITIES: readonly Ethnicity[] = Object.freeze([
  e('01', '汉族', 'Han'),
  e('02', '蒙古族', 'Mongolian', 'Mongol'),
  e('03', '回族', 'Hui'),
  e('04', '藏族', 'Tibetan', 'Zang'),
  e('05', '维吾尔族', 'Uyghur', 'Uygur'),
  e('06', '苗族', 'Miao'),
  e('07', '彝族', 'Yi'),
  e('08', '壮族', 'Zhuang'),
  e('09', '布依族', 'Bouyei', 'Buyei'),
  e('10', '朝鲜族', 'Korean', 'Chosen'),
  e('11', '满族', 'Manchu', 'Man'),
  e('12', '侗族', 'Dong'),
  e('13', '瑶族', 'Yao'),
  e('14', '白族', 'Bai'),
  e('15', '土家族', 'Tujia'),
  e('16', '哈尼族', 'Hani'),
  e('17', '哈萨克族', 'Kazakh', 'Kazak'),
  e('18', '傣族', 'Dai'),
  e('19', '黎族', 'Li'),
  e('20', '傈僳族', 'Lisu'),
  e('21', '佤族', 'Wa', 'Va'),
  e('22', '畲族', 'She'),
  e('23', '高山族', 'Gaoshan'),
  e('24', '拉祜族', 'Lahu'),
  e('25', '水族', 'Sui'),
  e('26', '东乡族', 'Dongxiang'),
  e('27', '纳西族', 'Naxi'),
  e('28', '景颇族', 'Jingpo'),
  e('29', '柯尔克孜族', 'Kyrgyz', 'Kirgiz'),
  e('30', '土族', 'Tu'),
  e('31', '达斡尔族', 'Daur'),
  e('32', '仫佬族', 'Mulao'),
  e('33', '羌族', 'Qiang'),
  e('34', '布朗族', 'Blang'),
  e('35', '撒拉族', 'Salar'),
  e('36', '毛南族', 'Maonan'),
  e('37', '仡佬族', 'Gelao'),
  e('38', '锡伯族', 'Xibe'),
  e('39', '阿昌族', 'Achang'),
  e('40', '普米族', 'Pumi'),
  e('41', '塔吉克族', 'Tajik'),
  e('42', '怒族', 'Nu'),
  e('43', '乌孜别克族', 'Uzbek'),
  e('44', '俄罗斯族', 'Russian', 'Russ'),
  e('45', '鄂温克族', 'Evenki', 'Ewenki'),
  e('46', '德昂族', "De'ang", 'Deang'),
  e('47', '保安族', 'Bonan'),
  e('48', '裕固族', 'Yugur'),
  e('49', '京族', 'Gin'),
  e('50', '塔塔尔族', 'Tatar'),
  e('51', '独龙族', 'Derung'),
  e('52', '鄂伦春族', 'Oroqen'),
  e('53', '赫哲族', 'Hezhen'),
  e('54', '门巴族', 'Monba'),
  e('55', '珞巴族', 'Lhoba'),
  e('56', '基诺族', 'Jino'),
  e('97', '其他', 'Other'),
  e('98', '外国血统中国籍人士', 'Chinese citizen of foreign origin'),
]);

const BY_CODE = new Map(ETHNICITIES.map((x) => [x.code, x]));

/** Accepts '1' or '01' (forms and old exports drop the leading zero); undefined for unknown codes. */
export function ethnicityOf(code: string): Ethnicity | undefined {
  const c = code.trim();
  return BY_CODE.get(/^\d$/.test(c) ? `0${c}` : c);
}

export function ethnicityName(code: string, lang: 'zh-CN' | 'en'): string | undefined {
  const x = ethnicityOf(code);
  if (!x) return undefined;
  return lang === 'en' ? x.en : x.zh;
}
