import { describe, expect, it } from 'vitest';
import { PermissionDenied } from '../../sync/protocol/roles';
import { AuditTrailIsAppendOnly } from '../audit/audit-log';
import { enrolledClinic } from '../testing/test-clinic';
import { EMPTY_PATIENT_INPUT, type PatientInput } from './patient-input';
import {
  editPatient,
  mergePatients,
  RegistryError,
  readPatient,
  registerDeath,
  registerPatient,
} from './patient-registry';

const zhangSan: PatientInput = {
  ...EMPTY_PATIENT_INPUT,
  name: '张三',
  idNumber: '45088119900315001X',
  phone: '13812345678',
};

async function auditActions(db: Awaited<ReturnType<typeof enrolledClinic>>['db'], recordId: string) {
  const entries = await db.audit.find({ selector: { recordId }, sort: [{ at: 'asc' }] }).exec();
  return entries.map((entry) => entry.action);
}

describe('the patient registry', () => {
  it('registers with birth date and sex taken from the ID number, pinyin keys derived, and an audit entry', async () => {
    const { db, admin } = await enrolledClinic();
    const patient = await registerPatient(db, admin, zhangSan);
    expect(patient).toMatchObject({
      birthDate: '1990-03-15',
      sex: 'male',
      namePinyin: 'zhangsan',
      nameInitials: 'zs',
      facilityId: admin.facilityId,
      status: 'active',
    });
    expect(await auditActions(db, patient.id)).toEqual(['patient.register']);
  });

  it('refuses roles that may not register, in the data layer and not only in the UI', async () => {
    const { db, as } = await enrolledClinic();
    await expect(registerPatient(db, as(['reviewer']), zhangSan)).rejects.toBeInstanceOf(PermissionDenied);
    expect(await db.patients.count().exec()).toBe(0);
  });

  it('refuses invalid fields with one message key per field and writes nothing', async () => {
    const { db, admin } = await enrolledClinic();
    const attempt = registerPatient(db, admin, {
      ...zhangSan,
      idNumber: '450881199003150013',
      phone: '138abc',
    });
    await expect(attempt).rejects.toMatchObject({
      problem: 'validation',
      fieldErrors: { idNumber: 'patient.error.idNumber.checksum', phone: 'patient.error.phone.letters' },
    });
    expect(await db.patients.count().exec()).toBe(0);
  });

  it('audits every read, and records which fields an edit changed but not their values', async () => {
    const { db, admin, as } = await enrolledClinic();
    const patient = await registerPatient(db, admin, zhangSan);
    await readPatient(db, as(['nurse']), patient.id);
    const edited = await editPatient(db, admin, patient.id, {
      ...zhangSan,
      phone: '13900001111',
      allergies: '青霉素',
    });
    expect(edited).toMatchObject({ phone: '13900001111', allergies: ['青霉素'] });
    const entries = await db.audit.find({ selector: { recordId: patient.id }, sort: [{ at: 'asc' }] }).exec();
    expect(entries.map((e) => [e.action, e.role])).toEqual([
      ['patient.register', 'admin'],
      ['patient.read', 'nurse'],
      ['patient.edit', 'admin'],
    ]);
    expect(entries[2]?.detail).toBe('phone,allergies');
    expect(JSON.stringify(entries.map((e) => e.toJSON()))).not.toContain('13900001111');
  });

  it('clears an optional field that was emptied in the form', async () => {
    const { db, admin } = await enrolledClinic();
    const patient = await registerPatient(db, admin, zhangSan);
    const edited = await editPatient(db, admin, patient.id, { ...zhangSan, phone: '' });
    expect(edited).not.toHaveProperty('phone');
  });

  it('merges a duplicate: the survivor fills its blanks and lists the duplicate, which stays read-only', async () => {
    const { db, admin } = await enrolledClinic();
    const survivor = await registerPatient(db, admin, { ...zhangSan, allergies: '青霉素' });
    const duplicate = await registerPatient(db, admin, {
      ...EMPTY_PATIENT_INPUT,
      name: '张三',
      sex: 'male',
      birthDate: '1990-03-15',
      healthCardToken: 'A1B2C3D4E5F6:ehc',
      allergies: '头孢',
    });
    const merged = await mergePatients(db, admin, survivor.id, duplicate.id);
    expect(merged).toMatchObject({
      idNumber: '45088119900315001X',
      healthCardToken: 'A1B2C3D4E5F6:ehc',
      allergies: ['青霉素', '头孢'],
      mergedFrom: [duplicate.id],
    });
    const after = await readPatient(db, admin, duplicate.id);
    expect(after).toMatchObject({ status: 'merged', mergedInto: survivor.id });
    await expect(editPatient(db, admin, duplicate.id, zhangSan)).rejects.toMatchObject({
      problem: 'read-only',
    });
    await expect(mergePatients(db, admin, survivor.id, survivor.id)).rejects.toMatchObject({
      problem: 'same-record',
    });
    expect(await auditActions(db, duplicate.id)).toContain('patient.merged-into');
  });

  it('registers a death: the record keeps its data and refuses further edits', async () => {
    const { db, admin, as } = await enrolledClinic();
    const patient = await registerPatient(db, admin, zhangSan);
    await expect(registerDeath(db, as(['nurse']), patient.id, { date: '2026-01-01' })).rejects.toBeInstanceOf(
      PermissionDenied,
    );
    await expect(registerDeath(db, admin, patient.id, { date: '1980-01-01' })).rejects.toMatchObject({
      problem: 'death-date',
    });
    const dead = await registerDeath(db, admin, patient.id, { date: '2026-01-01', cause: '脑卒中' });
    expect(dead).toMatchObject({
      status: 'deceased',
      death: { date: '2026-01-01', cause: '脑卒中', registeredBy: admin.userId },
      phone: '13812345678',
    });
    await expect(editPatient(db, admin, patient.id, zhangSan)).rejects.toBeInstanceOf(RegistryError);
  });

  it('keeps the audit trail append-only', async () => {
    const { db, admin } = await enrolledClinic();
    const patient = await registerPatient(db, admin, zhangSan);
    const entry = await db.audit.findOne({ selector: { recordId: patient.id } }).exec();
    await expect(entry?.incrementalPatch({ detail: 'rewritten' })).rejects.toBeInstanceOf(
      AuditTrailIsAppendOnly,
    );
    await expect(entry?.remove()).rejects.toBeInstanceOf(AuditTrailIsAppendOnly);
  });
});
