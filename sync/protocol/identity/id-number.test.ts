import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossCheckIdNumber, idCheckDigit, PROVINCE_CODES, parseIdNumber } from './id-number';

const TODAY = new Date(2026, 10, 21); // 2026-11-21 local

/** Builds a valid number with our own checksum; used where the exact digits do not matter. */
function make(first17: string): string {
  return first17 + idCheckDigit(first17);
}

describe('idCheckDigit', () => {
  it('matches hand-verified numbers', () => {
    // Textbook example from GB 11643-1999 appendix: weighted sum 167, 167 mod 11 = 2 -> 'X'.
    expect(idCheckDigit('11010519491231002')).toBe('X');
    // Sum 1*7+1*9+0*10+1*5+0*8+5*4+1*2+9*1+8*6+0*3+0*7+3*9+0*10+1*5+0*8+1*4+2*2 = 140, 140 mod 11 = 8 -> '4'.
    expect(idCheckDigit('11010519800301012')).toBe('4');
    // Sum 4*7+4*9+0*10+3*5+0*8+8*4+1*2+9*1+9*6+0*3+0*7+1*9+0*10+1*5+2*8+3*4+4*2 = 226, 226 mod 11 = 6 -> '6'.
    expect(idCheckDigit('44030819900101234')).toBe('6');
  });

  it('rejects malformed input loudly', () => {
    expect(() => idCheckDigit('123')).toThrow(RangeError);
  });
});

describe('parseIdNumber', () => {
  it('parses the textbook example', () => {
    expect(parseIdNumber('11010519491231002X', TODAY)).toEqual({
      ok: true,
      value: { idNumber: '11010519491231002X', regionCode: '110105', birthDate: '1949-12-31', sex: 'female' },
    });
  });

  it('derives sex from digit 17', () => {
    const male = parseIdNumber(make('51010719850704101'), TODAY);
    expect(male.ok && male.value.sex).toBe('male');
    const female = parseIdNumber(make('51010719850704102'), TODAY);
    expect(female.ok && female.value.sex).toBe('female');
  });

  it('normalises lower-case x, full-width characters and spaces', () => {
    expect(parseIdNumber(' 11010519491231002x ', TODAY).ok).toBe(true);
    expect(parseIdNumber('１１０１０５１９４９１２３１００２Ｘ', TODAY).ok).toBe(true);
    expect(parseIdNumber('１１０１０５１９４９１２３１００２ｘ', TODAY).ok).toBe(true);
    const spaced = parseIdNumber('110105 19491231 002X', TODAY);
    expect(spaced.ok && spaced.value.idNumber).toBe('11010519491231002X');
    expect(parseIdNumber('110105\u300019491231002X', TODAY).ok).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'characters'],
    ['11010519491231002-', 'characters'],
    ['1101051949123100X2', 'characters'],
    ['110105194912310', 'length'], // 15-digit first-generation number, refused on purpose
    ['11010519491231002X1', 'length'],
    [make('00010519491231002'), 'region'],
    [make('99010519491231002'), 'region'],
    [make('11010518991231002'), 'birth-date'],
    [make('11010519490230002'), 'birth-date'],
    [make('11010519491301002'), 'birth-date'],
    [make('11010519490100002'), 'birth-date'],
    [make('11010519010229002'), 'birth-date'], // 1900s: 1901 is not a leap year
    [make('11010520261122002'), 'future-birth'],
  ])('%s -> %s', (raw, problem) => {
    const r = parseIdNumber(raw, TODAY);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toBe(problem);
  });

  it('accepts leap days, today and the Hong Kong / Macao / Taiwan codes', () => {
    expect(parseIdNumber(make('11010520000229002'), TODAY).ok).toBe(true);
    expect(parseIdNumber(make('11010520261121002'), TODAY).ok).toBe(true);
    for (const p of ['71', '81', '82', '83'])
      expect(parseIdNumber(make(`${p}000019900101002`), TODAY).ok).toBe(true);
  });

  it('reports the expected check digit', () => {
    expect(parseIdNumber('110105194912310021', TODAY)).toEqual({
      ok: false,
      problem: 'checksum',
      expectedCheckDigit: 'X',
    });
  });

  it('has the province list from GB/T 2260', () => {
    expect(PROVINCE_CODES.has('11')).toBe(true);
    expect(PROVINCE_CODES.has('65')).toBe(true);
    expect(PROVINCE_CODES.has('66')).toBe(false);
    expect(PROVINCE_CODES.size).toBe(35);
  });

  // Any valid province + 4 digits + a real date in range + 3 digits, completed with its check digit.
  const provinces = [...PROVINCE_CODES];
  const first17 = fc
    .tuple(
      fc.constantFrom(...provinces),
      fc.stringMatching(/^\d{4}$/),
      fc.date({ min: new Date(1900, 0, 1), max: TODAY, noInvalidDate: true }),
      fc.stringMatching(/^\d{3}$/),
    )
    .map(([p, county, d, seq]) => {
      const ymd = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
      return `${p}${county}${ymd}${seq}`;
    });

  it('property: any valid 17 digits + computed check digit parses', () => {
    fc.assert(
      fc.property(first17, (f) => {
        const r = parseIdNumber(f + idCheckDigit(f), TODAY);
        expect(r.ok).toBe(true);
      }),
    );
  });

  it('property: changing any single digit breaks the checksum', () => {
    fc.assert(
      fc.property(first17, fc.nat(17), fc.integer({ min: 1, max: 10 }), (f, pos, delta) => {
        const id = f + idCheckDigit(f);
        const chars = [...id];
        const alphabet = pos === 17 ? '0123456789X' : '0123456789';
        const old = alphabet.indexOf(chars[pos] ?? '');
        const next = alphabet[(old + delta) % alphabet.length] ?? '';
        if (next === chars[pos]) return; // delta 10 on a 10-letter alphabet is the identity
        chars[pos] = next;
        const changed = chars.join('');
        expect(idCheckDigit(changed.slice(0, 17))).not.toBe(changed[17]);
        expect(parseIdNumber(changed, TODAY).ok).toBe(false);
      }),
    );
  });
});

describe('crossCheckIdNumber', () => {
  const parsed = {
    idNumber: '11010519491231002X',
    regionCode: '110105',
    birthDate: '1949-12-31',
    sex: 'female',
  } as const;
  it('is silent when fields agree or are missing', () => {
    expect(crossCheckIdNumber(parsed)).toEqual([]);
    expect(crossCheckIdNumber(parsed, '1949-12-31', 'female')).toEqual([]);
    expect(crossCheckIdNumber(parsed, '1949-12-31T00:00:00+08:00', 'unknown')).toEqual([]);
  });
  it('flags both mismatches', () => {
    expect(crossCheckIdNumber(parsed, '1949-12-30', 'male')).toEqual(['birth-date-mismatch', 'sex-mismatch']);
  });
});
