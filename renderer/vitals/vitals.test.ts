import { describe, expect, it } from 'vitest';
import { PermissionDenied } from '../../sync/protocol/roles';
import { EMPTY_PATIENT_INPUT } from '../patients/patient-input';
import { editPatient, registerPatient } from '../patients/patient-registry';
import { enrolledClinic } from '../testing/test-clinic';
import { CaptureDesk, MeasurementBusy } from './capture-desk';
import { checkVitals, splitReadings } from './ranges';
import {
  captureReadings,
  hypertensionFollowUp,
  openTodaysVisit,
  patientReadings,
  ReadingError,
} from './vitals-data';

async function clinicWithPatients() {
  const clinic = await enrolledClinic();
  const nurse = clinic.as(['nurse']);
  const zhang = await registerPatient(clinic.db, clinic.admin, {
    ...EMPTY_PATIENT_INPUT,
    name: '张秀英',
    idNumber: '513431195803070021',
  });
  const li = await registerPatient(clinic.db, clinic.admin, {
    ...EMPTY_PATIENT_INPUT,
    name: '李四',
    sex: 'male',
    birthDate: '1970-01-02',
  });
  return { ...clinic, nurse, zhang, li };
}

describe('plausibility ranges', () => {
  it('accepts ordinary values, asks to confirm unusual ones, refuses impossible ones', () => {
    expect(checkVitals({ systolic: 128, diastolic: 82, pulse: 72 })).toEqual({ invalid: {}, outOfRange: [] });
    expect(checkVitals({ systolic: 235, diastolic: 125, pulse: 160 }).outOfRange).toEqual([
      'systolic',
      'pulse',
    ]);
    expect(checkVitals({ spo2: 84 }).outOfRange).toEqual(['spo2']);
    expect(checkVitals({ temperatureC: 41.2 }).outOfRange).toEqual(['temperatureC']);
    expect(checkVitals({ systolic: 1280, diastolic: 82 }).invalid).toEqual({ systolic: 'impossible' });
    expect(checkVitals({ spo2: 101 }).invalid).toEqual({ spo2: 'impossible' });
    expect(checkVitals({ systolic: 80, diastolic: 120 }).invalid).toEqual({
      diastolic: 'diastolic-not-below-systolic',
    });
    expect(checkVitals({ systolic: 120 }).invalid).toEqual({ diastolic: 'bp-pair' });
    expect(checkVitals({ pulse: 70 }).invalid).toEqual({ pulse: 'pulse-alone' });
    expect(checkVitals({}).invalid).toEqual({ form: 'empty' });
    expect(checkVitals({ temperatureC: Number.NaN }).invalid).toEqual({ temperatureC: 'not-a-number' });
  });

  it('splits one measurement into one reading per kind', () => {
    expect(splitReadings({ systolic: 130, diastolic: 85, pulse: 70, spo2: 97, temperatureC: 36.6 })).toEqual([
      { kind: 'bp', values: { systolic: 130, diastolic: 85, pulse: 70 } },
      { kind: 'spo2', values: { spo2: 97 } },
      { kind: 'temperature', values: { celsius: 36.6 } },
    ]);
    expect(splitReadings({ spo2: 95, pulse: 80 })).toEqual([
      { kind: 'spo2', values: { spo2: 95, pulse: 80 } },
    ]);
  });
});

describe('capturing readings', () => {
  it("stores a device reading on today's visit with device, time and operator, and audits it", async () => {
    const { db, nurse, zhang } = await clinicWithPatients();
    const { visit, readings } = await captureReadings(db, nurse, {
      patientId: zhang.id,
      values: { systolic: 132, diastolic: 84, mean: 100, pulse: 76 },
      source: 'device',
      deviceId: 'sim-nibp',
      measuredAt: '2026-11-21T01:30:00.000Z',
    });
    expect(visit).toMatchObject({ patientId: zhang.id, status: 'open', doctorId: nurse.userId });
    expect(readings).toHaveLength(1);
    expect(readings[0]).toMatchObject({
      patientId: zhang.id,
      visitId: visit.id,
      kind: 'bp',
      values: { systolic: 132, diastolic: 84, mean: 100, pulse: 76 },
      source: 'device',
      deviceId: 'sim-nibp',
      operatorId: nurse.userId,
      measuredAt: '2026-11-21T01:30:00.000Z',
      outOfRangeConfirmed: false,
    });
    // A second reading the same day lands on the same visit.
    const again = await captureReadings(db, nurse, {
      patientId: zhang.id,
      values: { temperatureC: 36.8 },
      source: 'manual',
    });
    expect(again.visit.id).toBe(visit.id);
    expect(again.readings[0]).toMatchObject({
      kind: 'temperature',
      values: { celsius: 36.8 },
      source: 'manual',
    });
    expect(await db.visits.count().exec()).toBe(1);
    const audit = (await db.audit.find().exec()).map((entry) => [entry.action, entry.recordId, entry.detail]);
    expect(audit).toEqual(
      expect.arrayContaining([
        ['visit.open', zhang.id, visit.id],
        ['reading.capture', zhang.id, 'bp:device'],
        ['reading.capture', zhang.id, 'temperature:manual'],
      ]),
    );
    // Audit details carry kinds, never values.
    expect(JSON.stringify(audit)).not.toContain('132');
  });

  it('refuses roles without reading.capture', async () => {
    const { db, admin, as, zhang } = await clinicWithPatients();
    const values = { systolic: 120, diastolic: 80 };
    await expect(
      captureReadings(db, admin, { patientId: zhang.id, values, source: 'manual' }),
    ).rejects.toBeInstanceOf(PermissionDenied);
    await expect(
      captureReadings(db, as(['reviewer']), { patientId: zhang.id, values, source: 'manual' }),
    ).rejects.toBeInstanceOf(PermissionDenied);
    await expect(openTodaysVisit(db, admin, zhang.id)).rejects.toBeInstanceOf(PermissionDenied);
    const doctor = as(['doctor']);
    await expect(
      captureReadings(db, doctor, { patientId: zhang.id, values, source: 'manual' }),
    ).resolves.toBeTruthy();
  });

  it('stores an out-of-range value only after confirmation, and an impossible one never', async () => {
    const { db, nurse, zhang } = await clinicWithPatients();
    const high = { systolic: 232, diastolic: 128, pulse: 98 };
    const refused = captureReadings(db, nurse, {
      patientId: zhang.id,
      values: high,
      source: 'device',
      deviceId: 'bp',
    });
    await expect(refused).rejects.toMatchObject({
      problem: 'out-of-range',
      check: { outOfRange: ['systolic'] },
    });
    expect(await db.readings.count().exec()).toBe(0);
    expect(await db.visits.count().exec()).toBe(0);
    const { readings } = await captureReadings(db, nurse, {
      patientId: zhang.id,
      values: high,
      source: 'device',
      deviceId: 'bp',
      confirmOutOfRange: true,
    });
    expect(readings[0]?.outOfRangeConfirmed).toBe(true);
    await expect(
      captureReadings(db, nurse, {
        patientId: zhang.id,
        values: { systolic: 400, diastolic: 80 },
        source: 'manual',
        confirmOutOfRange: true,
      }),
    ).rejects.toBeInstanceOf(ReadingError);
    expect(await db.readings.count().exec()).toBe(1);
  });

  it('refuses unknown and read-only patients', async () => {
    const { db, nurse, as, zhang, li, admin } = await clinicWithPatients();
    const values = { systolic: 120, diastolic: 80 };
    await expect(
      captureReadings(db, nurse, { patientId: 'nobody', values, source: 'manual' }),
    ).rejects.toMatchObject({
      problem: 'patient-not-found',
    });
    const { mergePatients } = await import('../patients/patient-registry');
    await mergePatients(db, as(['doctor']), zhang.id, li.id);
    await expect(
      captureReadings(db, nurse, { patientId: li.id, values, source: 'manual' }),
    ).rejects.toMatchObject({
      problem: 'patient-inactive',
    });
    expect(admin).toBeTruthy();
  });

  it("lists a patient's readings with those of merged records, and the hypertension follow-up", async () => {
    const { db, nurse, as, zhang, li, admin } = await clinicWithPatients();
    await captureReadings(db, nurse, {
      patientId: li.id,
      values: { systolic: 150, diastolic: 96 },
      source: 'manual',
      measuredAt: '2026-01-01T02:00:00.000Z',
    });
    await captureReadings(db, nurse, {
      patientId: zhang.id,
      values: { systolic: 126, diastolic: 78 },
      source: 'manual',
    });
    let rows = await hypertensionFollowUp(db, nurse);
    expect(rows.map((row) => [row.name, row.state, row.latest?.systolic])).toEqual([
      ['李四', 'uncontrolled', 150],
    ]);
    const withCondition = await editPatient(db, admin, zhang.id, {
      ...EMPTY_PATIENT_INPUT,
      name: '张秀英',
      idNumber: '513431195803070021',
      chronicConditions: '高血压',
    });
    rows = await hypertensionFollowUp(db, nurse);
    expect(rows.map((row) => [row.name, row.state, row.recentCount])).toEqual([
      ['李四', 'uncontrolled', 0],
      ['张秀英', 'controlled', 1],
    ]);
    const merged = await (await import('../patients/patient-registry')).mergePatients(
      db,
      as(['doctor']),
      zhang.id,
      li.id,
    );
    const readings = await patientReadings(db, nurse, merged);
    expect(readings.map((reading) => reading.values.systolic)).toEqual([150, 126]);
    expect(withCondition.chronicConditions).toEqual(['高血压']);
  });
});

describe('the capture desk', () => {
  const reading = { kind: 'bp' as const, systolic: 128, diastolic: 82, pulse: 72 };
  const at = '2026-11-21T02:00:00.000Z';

  it('binds a reading to the patient on screen when the measurement started', () => {
    const desk = new CaptureDesk();
    const measurement = desk.start('bp-1', { id: 'p-zhang', name: '张秀英' }, 'nurse', false);
    // The nurse opens another patient meanwhile: the binding does not move.
    const outcome = desk.onEvent('bp-1', { type: 'reading', reading, at });
    expect(outcome).toEqual({
      kind: 'bound',
      measurement,
      values: { systolic: 128, diastolic: 82, pulse: 72 },
      at,
    });
    expect(desk.measurements).toEqual([]);
  });

  it('puts a reading with no open measurement in the tray, never on a patient', () => {
    const desk = new CaptureDesk();
    desk.start('bp-2', { id: 'p-li', name: '李四' }, 'nurse', false);
    const outcome = desk.onEvent('bp-1', { type: 'reading', reading, at });
    expect(outcome).toMatchObject({ kind: 'tray', item: { deviceId: 'bp-1', reading, at } });
    expect(desk.tray).toHaveLength(1);
    // The open measurement on the other device is untouched.
    expect(desk.measurementOn('bp-2')?.patientId).toBe('p-li');
    const item = desk.take(desk.tray[0]?.id as string);
    expect(item?.reading).toEqual(reading);
    expect(desk.tray).toEqual([]);
  });

  it('allows one open measurement per device', () => {
    const desk = new CaptureDesk();
    desk.start('bp-1', { id: 'a', name: 'A' }, 'nurse', true);
    expect(() => desk.start('bp-1', { id: 'b', name: 'B' }, 'nurse', true)).toThrow(MeasurementBusy);
  });

  it('ends a measurement when the device is unplugged, and the late reading goes to the tray', () => {
    const desk = new CaptureDesk();
    const measurement = desk.start('nibp', { id: 'a', name: 'A' }, 'nurse', true);
    expect(desk.onEvent('nibp', { type: 'cuff-pressure', mmHg: 150 })).toEqual({ kind: 'none' });
    // A bad cuff frame does not end a host-started measurement; the module's own answer decides.
    expect(desk.onEvent('nibp', { type: 'fault', reason: 'checksum', detail: 'x' })).toEqual({
      kind: 'none',
    });
    expect(desk.onEvent('nibp', { type: 'fault', reason: 'disconnected', detail: 'gone' })).toEqual({
      kind: 'aborted',
      measurement,
      reason: 'disconnected',
    });
    expect(desk.onEvent('nibp', { type: 'reading', reading, at }).kind).toBe('tray');
  });

  it('ends a passive measurement on a device error, and on a disconnected status', () => {
    const desk = new CaptureDesk();
    desk.start('omron', { id: 'a', name: 'A' }, 'nurse', false);
    expect(desk.onEvent('omron', { type: 'fault', reason: 'device-error', detail: 'E1' }).kind).toBe(
      'aborted',
    );
    desk.start('omron', { id: 'a', name: 'A' }, 'nurse', false);
    expect(desk.onStatus({ id: 'omron', driver: 'omron-hbp9030', port: 'x', state: 'connected' }).kind).toBe(
      'none',
    );
    expect(
      desk.onStatus({ id: 'omron', driver: 'omron-hbp9030', port: 'x', state: 'disconnected' }).kind,
    ).toBe('aborted');
  });
});
