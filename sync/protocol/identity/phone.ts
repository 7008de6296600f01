// Chinese telephone numbers as patients give them at the registration desk.
//  - Mobile: 11 digits, 1[3-9]xxxxxxxxx, sometimes with +86 / 0086 in front.
//  - Landline (固定电话): trunk prefix 0 + area code + 7-8 digit local number.
//    Area codes 010 and 02x (Beijing, Guangzhou, Shanghai, ... Xi'an) are three
//    digits with 8-digit local numbers; every other area code is four digits
//    (03xx..09xx) with 7- or 8-digit local numbers. That rule lets us split the
//    number without a list of area codes.
// Extensions are out of scope for patient contact data.
import { toHalfWidth } from './normalise';

export type PhoneProblem = 'empty' | 'letters' | 'length' | 'format';
export type PhoneResult = { ok: true; value: string } | { ok: false; problem: PhoneProblem };

export function checkPhone(raw: string): PhoneResult {
  const s = toHalfWidth(raw).trim();
  if (s === '') return { ok: false, problem: 'empty' };
  // Letters anywhere usually mean another field was pasted here (or an "ext" we do not support).
  if (/\p{L}/u.test(s)) return { ok: false, problem: 'letters' };

  // Separators people type: spaces, dashes (also the Chinese dash), dots and brackets round the area code.
  const hyphenated = s.replace(/[\s.()（）—–]/g, (c) => (c === '—' || c === '–' ? '-' : ''));
  if (!/^\+?[\d-]+$/.test(hyphenated)) return { ok: false, problem: 'format' };
  const plus = hyphenated.startsWith('+');
  let digits = hyphenated.replace(/[+-]/g, '');

  // International prefix. After it a landline loses its trunk 0 (+86 10 ...), so put it back.
  let international = false;
  if (plus || digits.startsWith('0086')) {
    if (plus && !digits.startsWith('86')) return { ok: false, problem: 'format' }; // foreign numbers
    digits = digits.slice(plus ? 2 : 4);
    international = true;
    // Beijing is +86 10 ...; no mobile prefix starts with 10, so that is a landline too.
    if (digits !== '' && (!digits.startsWith('1') || digits.startsWith('10'))) {
      digits = `0${digits.replace(/^0/, '')}`;
    }
  }
  if (digits === '') return { ok: false, problem: 'length' };

  if (digits.startsWith('1')) {
    if (digits.length !== 11) return { ok: false, problem: 'length' };
    if (!/^1[3-9]\d{9}$/.test(digits)) return { ok: false, problem: 'format' };
    return { ok: true, value: digits };
  }

  if (digits.startsWith('0')) {
    const areaLen = /^0[12]/.test(digits) ? 3 : 4;
    const area = digits.slice(0, areaLen);
    const local = digits.slice(areaLen);
    const localLengths = areaLen === 3 ? [8] : [7, 8];
    if (!localLengths.includes(local.length)) return { ok: false, problem: 'length' };
    // 01x other than 010 and 026 are not assigned; local numbers never start with 0 or 1
    // (those are trunk/service prefixes).
    if ((areaLen === 3 && !/^0(10|2[0-57-9])$/.test(area)) || !/^[2-9]/.test(local)) {
      return { ok: false, problem: 'format' };
    }
    // The first hyphen the user typed must sit between area code and local number;
    // "075-51234567" suggests a mistyped area code rather than a valid number.
    const firstHyphen = hyphenated.indexOf('-');
    if (!international && firstHyphen !== -1) {
      const digitsBefore = hyphenated.slice(0, firstHyphen).replace(/\D/g, '').length;
      if (digitsBefore !== areaLen) return { ok: false, problem: 'format' };
    }
    return { ok: true, value: `${area}-${local}` };
  }

  // A bare local number: without the area code it cannot be dialled from another county.
  return { ok: false, problem: 'format' };
}
