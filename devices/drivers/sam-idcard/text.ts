import type { IdCardPerson, Sex } from '../../readings';
import { TEXT_LENGTH } from './protocol';

/** Field widths in bytes of the 256-byte UTF-16LE text block, in card order. */
const FIELDS = [
  ['name', 30],
  ['sex', 2],
  ['ethnicity', 4],
  ['birth', 16],
  ['address', 70],
  ['idNumber', 36],
  ['authority', 30],
  ['validFrom', 16],
  ['validTo', 16],
  ['reserved', 36],
] as const;

type FieldName = (typeof FIELDS)[number][0];

const LONG_TERM = '长期';
const utf16 = new TextDecoder('utf-16le');

/** Returns the person, or why the block cannot be one. */
export function decodeText(text: Uint8Array): IdCardPerson | string {
  const fields = {} as Record<FieldName, string>;
  let at = 0;
  for (const [name, width] of FIELDS) {
    fields[name] = utf16
      .decode(text.subarray(at, at + width))
      .replaceAll('\u0000', ' ')
      .trimEnd();
    at += width;
  }
  const birthDate = isoDate(fields.birth);
  const validFrom = isoDate(fields.validFrom);
  const validTo = fields.validTo === LONG_TERM ? 'long-term' : isoDate(fields.validTo);
  if (birthDate === undefined) return `birth date "${fields.birth}"`;
  if (validFrom === undefined || validTo === undefined)
    return `validity "${fields.validFrom}"-"${fields.validTo}"`;
  if (!/^\d{17}[\dX]$/.test(fields.idNumber)) return `ID number "${fields.idNumber}"`;
  if (fields.name === '') return 'empty name';
  return {
    name: fields.name,
    sex: SEXES[fields.sex] ?? 'unknown',
    ethnicityCode: fields.ethnicity,
    birthDate,
    address: fields.address,
    idNumber: fields.idNumber,
    issuingAuthority: fields.authority,
    validFrom,
    validTo,
  };
}

const SEXES: Record<string, Sex> = { '1': 'male', '2': 'female' };

function isoDate(yyyymmdd: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  return match === null ? undefined : `${match[1]}-${match[2]}-${match[3]}`;
}

/** The block as a card carries it; the simulator and tests build cards with it. */
export function encodeText(person: IdCardPerson): Uint8Array {
  const values: Record<FieldName, string> = {
    name: person.name,
    sex: person.sex === 'male' ? '1' : person.sex === 'female' ? '2' : '0',
    ethnicity: person.ethnicityCode,
    birth: person.birthDate.replaceAll('-', ''),
    address: person.address,
    idNumber: person.idNumber,
    authority: person.issuingAuthority,
    validFrom: person.validFrom.replaceAll('-', ''),
    validTo: person.validTo === 'long-term' ? LONG_TERM : person.validTo.replaceAll('-', ''),
    reserved: '',
  };
  const block = new Uint8Array(TEXT_LENGTH);
  let at = 0;
  for (const [name, width] of FIELDS) {
    const padded = values[name].padEnd(width / 2, ' ').slice(0, width / 2);
    for (let i = 0; i < padded.length; i++) {
      const code = padded.charCodeAt(i);
      block[at + i * 2] = code & 0xff;
      block[at + i * 2 + 1] = code >> 8;
    }
    at += width;
  }
  return block;
}
