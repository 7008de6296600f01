import { describe, expect, it } from 'vitest';
import { EMPTY_PATIENT_INPUT, type PatientInput, splitList, validatePatientInput } from './patient-input';

const today = new Date('2026-11-21T12:00:00');
const input = (over: Partial<PatientInput>): PatientInput => ({
  ...EMPTY_PATIENT_INPUT,
  name: '李秀英',
  ...over,
});
const errorsOf = (over: Partial<PatientInput>) => {
  const result = validatePatientInput(input(over), today);
  return result.ok ? {} : result.errors;
};

describe('registration rules', () => {
  it('derives birth date and sex from a valid ID number when they are blank', () => {
    const result = validatePatientInput(input({ idNumber: ' 450881198511220024 ' }), today);
    expect(result).toEqual({
      ok: true,
      value: {
        name: '李秀英',
        sex: 'female',
        birthDate: '1985-11-22',
        idNumber: '450881198511220024',
        address: {},
        allergies: [],
        chronicConditions: [],
      },
    });
  });

  it('accepts full-width digits and a lower-case x as typed with a Chinese IME', () => {
    const result = validatePatientInput(
      input({ idNumber: '４５０８８１１９９００３１５００１ｘ', name: '张三' }),
      today,
    );
    expect(result.ok && result.value.idNumber).toBe('45088119900315001X');
  });

  it('reports each problem on its own field with a specific key', () => {
    expect(
      errorsOf({
        idNumber: '450881199003150013',
        birthDate: '1990-02-30',
        phone: '138abc45678',
        sex: 'male',
      }),
    ).toEqual({
      idNumber: 'patient.error.idNumber.checksum',
      birthDate: 'patient.error.birthDate.invalid',
      phone: 'patient.error.phone.letters',
    });
    expect(errorsOf({ name: '', sex: '', birthDate: '' })).toEqual({
      name: 'patient.error.name.empty',
      sex: 'patient.error.sex.empty',
      birthDate: 'patient.error.birthDate.empty',
    });
    expect(errorsOf({ sex: 'male', birthDate: '2027-01-01' })).toEqual({
      birthDate: 'patient.error.birthDate.future',
    });
    expect(errorsOf({ sex: 'male', birthDate: '1899-12-31' })).toEqual({
      birthDate: 'patient.error.birthDate.too-old',
    });
    expect(errorsOf({ sex: 'female', birthDate: '1985-11-22', name: '李秀英123' })).toEqual({
      name: 'patient.error.name.characters',
    });
    expect(errorsOf({ sex: 'female', birthDate: '1985-11-22', divisionCode: '999999' })).toEqual({
      divisionCode: 'patient.error.divisionCode.unknown',
    });
    expect(errorsOf({ sex: 'female', birthDate: '1985-11-22', ethnicity: '77' })).toEqual({
      ethnicity: 'patient.error.ethnicity.unknown',
    });
    expect(errorsOf({ sex: 'female', birthDate: '1985-11-22', idNumber: '4508811985112200' })).toEqual({
      idNumber: 'patient.error.idNumber.length',
    });
  });

  it('cross-checks typed birth date and sex against the ID number', () => {
    expect(errorsOf({ idNumber: '450881198511220024', birthDate: '1985-11-23', sex: 'male' })).toEqual({
      birthDate: 'patient.error.birthDate.mismatch-id',
      sex: 'patient.error.sex.mismatch-id',
    });
  });

  it('keeps ethnic-minority names with the middle dot', () => {
    const result = validatePatientInput(
      input({ name: '买买提·艾力', sex: 'male', birthDate: '1970-01-01' }),
      today,
    );
    expect(result.ok && result.value.name).toBe('买买提·艾力');
  });

  it('normalises phones and lists', () => {
    const result = validatePatientInput(
      input({
        sex: 'female',
        birthDate: '1985-11-22',
        phone: '+86 139 7700 1122',
        allergies: '青霉素、 磺胺,青霉素',
        divisionCode: '450881',
      }),
      today,
    );
    expect(result.ok && result.value).toMatchObject({
      phone: '13977001122',
      allergies: ['青霉素', '磺胺'],
      address: { divisionCode: '450881' },
    });
    expect(splitList('高血压；2型糖尿病\n')).toEqual(['高血压', '2型糖尿病']);
  });
});
