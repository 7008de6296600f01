import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../../protocol/replication';
import {
  countyDate,
  type LockResponse,
  type PoolOpenResponse,
  type PublishResponse,
  SLOT_ROUTES,
  type SlotErrorBody,
} from '../../protocol/slots';
import { addDepartment, addFacility } from '../facilities/registry';
import { BACKENDS, useBackend } from '../testing/backends';
import { type ClinicClient, call } from '../testing/client';
import { changed, created } from '../testing/fixtures';
import { startGateway, type TestGateway } from '../testing/start-gateway';
import { runSlotCommand } from './cli';

/** 00:30 on 23 November 2026 in the county (Asia/Shanghai). */
const T0 = Date.parse('2026-11-23T00:30:00+08:00');
const TODAY = '2026-11-23';
const MINUTE = 60_000;

describe.each(BACKENDS)('slot pool at the gateway on %s', (kind) => {
  const backend = useBackend(kind);
  let county: TestGateway;
  let clock = T0;

  const now = () => new Date(clock);

  afterEach(async () => {
    await county?.close();
  });

  async function start(): Promise<TestGateway> {
    clock = T0;
    county = await startGateway({ db: await backend.fresh() });
    county.gateway.app.slots.clock = () => new Date(clock);
    // The interval sweep would race the tests: they sweep explicitly.
    await county.gateway.app.slots.stop();
    await county.gateway.referrals.stop();
    return county;
  }

  function api<T>(client: ClinicClient, path: string, body?: unknown) {
    return call<T & SlotErrorBody>(`${county.url}${path}`, {
      token: client.token,
      ...(body === undefined ? {} : { body }),
    });
  }

  async function publish(client: ClinicClient, slots: Record<string, unknown>[]): Promise<PublishResponse> {
    const result = await api<PublishResponse>(client, SLOT_ROUTES.publish, { slots });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return result.body;
  }

  /** A session of outpatient slots of one doctor at the county hospital (names as a sheet gives them). */
  function session(count: number, overrides: Record<string, unknown> = {}): Record<string, unknown>[] {
    return Array.from({ length: count }, (_, i) => ({
      kind: 'outpatient',
      date: TODAY,
      period: 'am',
      startTime: `${String(8 + Math.floor(i / 3)).padStart(2, '0')}:${String((i % 3) * 20).padStart(2, '0')}`,
      departmentId: '内科',
      doctorId: '王建国',
      number: i + 1,
      feeCents: 3000,
      ...overrides,
    }));
  }

  async function slotDocs(client: ClinicClient): Promise<WireDocument[]> {
    return client.pullAll('slots');
  }

  function appointment(
    client: ClinicClient,
    slotId: string,
    overrides: Record<string, unknown> = {},
  ): WireDocument {
    const at = new Date(clock).toISOString();
    return {
      id: crypto.randomUUID(),
      facilityId: client.facilityId,
      createdAt: at,
      updatedAt: at,
      createdBy: client.userId,
      updatedBy: client.userId,
      patientId: crypto.randomUUID(),
      purpose: 'referral',
      slotId,
      scheduledAt: `${TODAY}T08:00:00+08:00`,
      status: 'confirmed',
      _deleted: false,
      ...overrides,
    } as WireDocument;
  }

  it('lets exactly one of 50 concurrent lock attempts win; the others hear "taken"; a lapsed hold frees the slot', async () => {
    await start();
    const hospital = await county.clinic('XY-H01');
    const clinics = await Promise.all(
      ['XY-V01', 'XY-V02', 'XY-V03', 'XY-T01', 'XY-T02'].map((c) => county.clinic(c)),
    );
    await publish(hospital, session(1));
    const open = await api<PoolOpenResponse>(
      clinics[0] as ClinicClient,
      `${SLOT_ROUTES.poolOpen}?hospitalId=${hospital.facilityId}`,
    );
    expect(open.body.slots).toHaveLength(1);
    const slotId = open.body.slots[0]?.slotId as string;

    const attempts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api<LockResponse>(clinics[i % clinics.length] as ClinicClient, SLOT_ROUTES.lock, {
          slotId,
          patientId: `patient-${i}`,
          purpose: 'referral',
          holdSeconds: 300,
        }),
      ),
    );
    const winners = attempts.filter((a) => a.status === 200);
    const losers = attempts.filter((a) => a.status !== 200);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(49);
    for (const loser of losers) {
      expect(loser.status).toBe(409);
      expect(loser.body.error).toBe('slot-taken');
      expect(loser.body.message).toMatch(/holding this slot until|taking this slot right now/);
    }
    const won = winners[0]?.body as LockResponse;
    expect(won.holdUntil).toBe(new Date(T0 + 5 * MINUTE).toISOString());
    const winner = clinics[
      attempts.indexOf(winners[0] as (typeof attempts)[number]) % clinics.length
    ] as ClinicClient;

    // The holder pulls the slot as held by it; the pool no longer offers it.
    const held = (await slotDocs(winner)).find((doc) => doc.id === slotId);
    expect(held).toMatchObject({ state: 'held', heldBy: winner.facilityId, holdUntil: won.holdUntil });
    const summary = await api<{ rows: unknown[] }>(winner, SLOT_ROUTES.poolSummary);
    expect(summary.body.rows).toEqual([]);

    // The hold lapses: another facility takes the slot, and the first hold can no longer be confirmed.
    clock = T0 + 5 * MINUTE;
    const other = clinics.find((c) => c !== winner) as ClinicClient;
    const retaken = await api<LockResponse>(other, SLOT_ROUTES.lock, {
      slotId,
      patientId: 'patient-x',
      purpose: 'referral',
    });
    expect(retaken.status).toBe(200);
    const stale = await api(winner, SLOT_ROUTES.confirm, {
      slotId,
      lockId: won.lockId,
      appointmentId: crypto.randomUUID(),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toBe('lock-unknown');

    // The sweep gives a lapsed hold back to the pool, and the hospital pulls the slot open again.
    clock += 11 * MINUTE;
    expect(await county.gateway.app.slots.sweep()).toBe(1);
    const reopened = (await slotDocs(hospital)).find((doc) => doc.id === slotId);
    expect(reopened).toMatchObject({ state: 'open' });
    expect(reopened?.heldBy).toBeUndefined();

    // Confirm within the hold books it; a repeated confirm answers the same.
    const lock = await api<LockResponse>(other, SLOT_ROUTES.lock, {
      slotId,
      patientId: 'p-2',
      purpose: 'referral',
    });
    const appointmentId = crypto.randomUUID();
    const confirm = { slotId, lockId: lock.body.lockId, appointmentId };
    expect((await api(other, SLOT_ROUTES.confirm, confirm)).body).toMatchObject({
      state: 'booked',
      appointmentId,
    });
    expect((await api(other, SLOT_ROUTES.confirm, confirm)).status).toBe(200);
    const booked = (await slotDocs(other)).find((doc) => doc.id === slotId);
    expect(booked).toMatchObject({ state: 'booked', heldBy: other.facilityId });

    // Quota slots, unknown slots and bad requests are refused with their own codes.
    expect(
      (await api(other, SLOT_ROUTES.lock, { slotId: 'nope', patientId: 'p', purpose: 'referral' })).body
        .error,
    ).toBe('slot-unknown');
    const bad = await api(other, SLOT_ROUTES.lock, { slotId, patientId: 'p', purpose: 'shopping' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'bad-request', field: 'purpose' });
  });

  it.runIf(kind === 'postgres')(
    'keeps one winner when the lock requests arrive at two gateway processes sharing PostgreSQL',
    async () => {
      const url = await backend.freshUrl();
      const a = await startGateway({ databaseUrl: url });
      const b = await startGateway({ databaseUrl: url, seed: false });
      try {
        for (const gateway of [a, b]) await gateway.gateway.app.slots.stop();
        const hospital = await a.clinic('XY-H01');
        const clinics = await Promise.all(['XY-V01', 'XY-V02', 'XY-T01', 'XY-T02'].map((c) => a.clinic(c)));
        const published = await call<PublishResponse>(`${a.url}${SLOT_ROUTES.publish}`, {
          token: hospital.token,
          body: { slots: session(1, { date: countyDate(new Date()) }) },
        });
        expect(published.body.created).toBe(1);
        const [slot] = (await hospital.pullAll('slots')) as WireDocument[];
        const attempts = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            call<LockResponse & SlotErrorBody>(`${(i % 2 ? b : a).url}${SLOT_ROUTES.lock}`, {
              token: (clinics[i % clinics.length] as ClinicClient).token,
              body: { slotId: slot?.id, patientId: `p-${i}`, purpose: 'referral' },
            }),
          ),
        );
        expect(attempts.filter((r) => r.status === 200)).toHaveLength(1);
        expect(attempts.filter((r) => r.status === 409 && r.body.error === 'slot-taken')).toHaveLength(49);
      } finally {
        await b.close();
        await a.close();
      }
    },
  );

  it('imports a nightly sheet idempotently and reports every bad row by line and reason (CSV and XLSX)', async () => {
    await start();
    const dir = await mkdtemp(join(tmpdir(), 'xiangyi-slots-'));
    const out: string[] = [];
    const run = (...argv: string[]) => runSlotCommand(county.db, argv, (line) => out.push(line), now);
    const csv = [
      '类型,日期,时段,开始时间,科室,医生,号序,费用,绿色号源',
      '门诊,2026-11-23,上午,08:00,内科,王建国,1,30.00,是',
      '门诊,2026/11/24,上午,8:20,内科,王建国,2,30,是',
      '门诊,2026-11-23,下午,14:00,外科,李秀英,1,20,否',
      '床位,2026-11-25,全天,,内科,,1,,是',
      '门诊,2026-11-23,上午,08:40,骨科,王建国,3,30,是', // line 6: unknown department
      '门诊,2026-12-31,上午,08:00,内科,王建国,4,30,是', // line 7: outside the pool
      '门诊,2026-11-23,上午,08:00,内科,王建国,1,30,是', // line 8: same slot as line 2
      '门诊,2026-11-23,上午,,内科,王建国,5,30,是', // line 9: no start time
      '门诊,2026-11-23,上午,09:00,内科,王建国,6,三十,是', // line 10: fee not an amount
      '门诊,2026-11-23,中午,09:00,内科,王建国,7,30,是', // line 11: unknown period
      '门诊,2026-11-23,上午,09:20,内科,张三,8,30,是', // line 12: not on staff
    ].join('\n');
    const csvPath = join(dir, 'h01.csv');
    writeFileSync(csvPath, csv);
    const before = await county.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM write_log`);

    await run('import', csvPath, '--hospital', 'XY-H01');
    expect(out[0]).toMatch(/4 new, 0 changed, 0 unchanged/);
    const report = out.join('\n');
    expect(report).toContain('7 row(s) not taken');
    expect(report).toMatch(/line 6 \(departmentId\): department "骨科" is not a department/);
    expect(report).toMatch(/line 7 \(date\): date 2026-12-31 is outside the pool \(2026-11-23 to 2026-11-29/);
    expect(report).toMatch(/line 8 \(number\): the same slot .* as row 2/);
    expect(report).toMatch(/line 9 \(startTime\): an outpatient slot needs a start time/);
    expect(report).toMatch(/line 10 \(fee\): fee "三十" is not an amount in yuan/);
    expect(report).toMatch(/line 11 \(period\): period "中午" is not one of/);
    expect(report).toMatch(/line 12 \(doctorId\): doctor "张三" is not on this facility's staff/);

    const hospital = await county.clinic('XY-H01');
    const first = await slotDocs(hospital);
    expect(first).toHaveLength(4);
    expect(first.find((d) => d.date === '2026-11-24')).toMatchObject({
      startTime: '08:20',
      feeCents: 3000,
      green: true,
    });
    expect(first.find((d) => d.kind === 'bed')).toMatchObject({ period: 'day', number: 1, state: 'open' });
    const seqBefore = await county.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM write_log`);

    // The same upload again: nothing new, nothing re-stamped, the same pool.
    out.length = 0;
    await run('import', csvPath, '--hospital', 'XY-H01');
    expect(out[0]).toMatch(/0 new, 0 changed, 4 unchanged/);
    const seqAfter = await county.db.query<{ n: unknown }>(`SELECT count(*) AS n FROM write_log`);
    expect(Number(seqAfter.rows[0]?.n)).toBe(Number(seqBefore.rows[0]?.n));
    expect(Number(seqBefore.rows[0]?.n)).toBe(Number(before.rows[0]?.n) + 4);
    expect(await slotDocs(hospital)).toEqual(first);

    // An XLSX sheet made the way a spreadsheet program makes one: real dates and times in cells.
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('号源');
    sheet.addRow(['kind', 'date', 'period', 'start_time', 'department', 'doctor', 'number', 'fee', 'green']);
    sheet.addRow([
      'outpatient',
      new Date(Date.UTC(2026, 10, 26)),
      'pm',
      new Date(Date.UTC(1899, 11, 30, 14, 40)),
      '儿科',
      '陈立',
      1,
      12,
      'yes',
    ]);
    sheet.addRow(['outpatient', '2026-11-26', 'pm', 0.625, '儿科', '陈立', 2, 12.5, 'no']);
    sheet.addRow(['emergency', '2026-11-26', 'night', '', '内科', '', 'x', '', '']);
    const xlsxPath = join(dir, 'h01.xlsx');
    await workbook.xlsx.writeFile(xlsxPath);
    out.length = 0;
    await run('import', xlsxPath, '--hospital', 'XY-H01');
    expect(out[0]).toMatch(/2 new, 0 changed, 0 unchanged/);
    expect(out.join('\n')).toMatch(/line 4 \(number\): number must be a whole number/);
    const pulled = await slotDocs(hospital);
    expect(
      pulled.filter((d) => d.date === '2026-11-26').map((d) => [d.startTime, d.feeCents, d.green]),
    ).toEqual(
      expect.arrayContaining([
        ['14:40', 1200, true],
        ['15:00', 1250, false],
      ]),
    );
  });

  it('allocates quota to named facilities, books it from a pushed appointment, refuses a second or foreign booking', async () => {
    await start();
    const hospital = await county.clinic('XY-H01');
    const village = await county.clinic('XY-V01');
    const township = await county.clinic('XY-T01');
    const out: string[] = [];
    await runSlotCommand(
      county.db,
      ['rule', '--hospital', 'XY-H01', '--share', '0.2', '--to', 'XY-V01,XY-T01'],
      (line) => out.push(line),
    );
    await expect(
      runSlotCommand(
        county.db,
        ['rule', '--hospital', 'XY-H01', '--share', '0.05', '--to', 'XY-V01'],
        () => {},
      ),
    ).rejects.toThrow(/at least 10% of outpatient green slots/);
    const result = await publish(hospital, session(10));
    expect(result).toMatchObject({ created: 10, allocated: 2, rejected: [] });

    const mine = await slotDocs(village);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ mode: 'quota', allocatedTo: village.facilityId, state: 'open' });
    expect(await slotDocs(township)).toHaveLength(1);
    const slotId = mine[0]?.id as string;

    // Booked offline, pushed later: the county marks the slot booked; the hospital sees it.
    const booking = appointment(village, slotId);
    const pushed = await village.push('appointments', created(booking));
    expect(pushed.conflicts).toEqual([]);
    expect((await slotDocs(hospital)).find((d) => d.id === slotId)).toMatchObject({ state: 'booked' });
    // A retry of the same push changes nothing: the county only hands back its stamped copy.
    const retried = await village.push('appointments', created(booking));
    expect(retried.conflicts).toHaveLength(1);
    expect(retried.conflicts[0]).toMatchObject({ id: booking.id, status: booking.status });
    expect(retried.conflicts[0]?.countySeq).toBeGreaterThan(0);

    // A second booking of the same slot (a replayed or forged push) is refused as a conflict.
    const second = appointment(village, slotId);
    const refused = await village.push('appointments', created(second));
    expect(refused.conflicts).toHaveLength(1);
    expect(refused.conflicts[0]).toMatchObject({
      id: second.id,
      status: 'needs-rebooking',
      slotRefusal: { code: 'slot-taken', message: expect.stringMatching(/already booked/) },
    });
    // Another facility cannot book a slot allocated to this one.
    const foreign = await township.push('appointments', created(appointment(township, slotId)));
    expect(foreign.conflicts[0]).toMatchObject({
      status: 'needs-rebooking',
      slotRefusal: { code: 'slot-not-yours' },
    });

    // Cancelling gives the slot back to the facility it is allocated to.
    const [stored] = (await village.pullAll('appointments')).filter((d) => d.id === booking.id);
    await village.push('appointments', [
      changed(stored as WireDocument, { ...(stored as WireDocument), status: 'cancelled' }),
    ]);
    expect((await slotDocs(village)).find((d) => d.id === slotId)).toMatchObject({
      state: 'open',
      allocatedTo: village.facilityId,
    });
    // Clinics never push slots themselves.
    const forged = await village.pushRaw('slots', created({ ...(mine[0] as WireDocument), state: 'open' }));
    expect(forged.status).toBe(403);
  });

  it('marks booked slots suspended when the doctor stops (停诊); clinics pull it; renames reach them too', async () => {
    await start();
    const hospital = await county.clinic('XY-H01');
    const village = await county.clinic('XY-V01');
    const township = await county.clinic('XY-T02');
    await runSlotCommand(
      county.db,
      ['rule', '--hospital', 'XY-H01', '--share', '0.5', '--to', 'XY-V01'],
      () => {},
    );
    await publish(hospital, session(2));
    const quota = (await slotDocs(village))[0] as WireDocument;
    await village.push('appointments', created(appointment(village, quota.id)));
    const online = (
      await api<PoolOpenResponse>(
        township,
        `${SLOT_ROUTES.poolOpen}?hospitalId=${hospital.facilityId}&date=${TODAY}`,
      )
    ).body.slots[0];
    const lock = await api<LockResponse>(township, SLOT_ROUTES.lock, {
      slotId: online?.slotId,
      patientId: 'p-online',
      purpose: 'referral',
    });
    await api(township, SLOT_ROUTES.confirm, {
      slotId: online?.slotId,
      lockId: lock.body.lockId,
      appointmentId: crypto.randomUUID(),
    });

    const doctorId = quota.doctorId as string;
    const villageSeq = (await village.pull('slots')).checkpoint.seq;
    const stop = await api<{ slots: number }>(hospital, SLOT_ROUTES.doctorStatus, {
      doctorId,
      suspended: true,
    });
    expect(stop.body).toMatchObject({ doctorId, suspended: true, slots: 2 });

    const update = await village.pull('slots', villageSeq);
    expect(update.documents.map((d) => [d.id, d.state])).toEqual([[quota.id, 'suspended']]);
    expect((await slotDocs(township)).find((d) => d.id === online?.slotId)).toMatchObject({
      state: 'suspended',
    });
    expect((await village.pullAll('staff')).find((d) => d.id === doctorId)).toMatchObject({
      suspended: true,
    });
    // A suspended doctor's slots cannot be locked, and new ones arrive suspended.
    expect(
      (await api<PoolOpenResponse>(township, `${SLOT_ROUTES.poolOpen}?hospitalId=${hospital.facilityId}`))
        .body.slots,
    ).toEqual([]);
    await publish(hospital, session(1, { number: 9, startTime: '11:00' }));
    expect((await slotDocs(hospital)).filter((d) => d.state === 'suspended')).toHaveLength(3);

    // Lifting it restores the bookings.
    await api(hospital, SLOT_ROUTES.doctorStatus, { doctorId, suspended: false });
    expect((await slotDocs(village)).find((d) => d.id === quota.id)).toMatchObject({ state: 'booked' });

    // A department renamed reaches every clinic on its next pull.
    const facility = (await village.pullAll('facilities')).find((d) => d.id === hospital.facilityId);
    const department = ((facility?.departments ?? []) as Array<{ id: string; name: string }>).find(
      (d) => d.name === '内科',
    );
    const renamed = await api(hospital, SLOT_ROUTES.departmentName, {
      departmentId: department?.id,
      name: '心血管内科',
    });
    expect(renamed.status).toBe(200);
    const after = (await village.pullAll('facilities')).find((d) => d.id === hospital.facilityId);
    expect(after?.departments).toContainEqual({ id: department?.id, name: '心血管内科' });
    // Only the hospital's own staff: another facility cannot stop its doctor.
    expect((await api(township, SLOT_ROUTES.doctorStatus, { doctorId, suspended: true })).status).toBe(400);
  });

  it('reports late and missing nightly uploads against the 01:00 deadline', async () => {
    await start();
    await addFacility(county.db, { code: 'XY-H02', name: '乡医县中医院', level: 'county' });
    await addFacility(county.db, { code: 'XY-H03', name: '乡医县妇幼保健院', level: 'county' });
    const h01 = await county.clinic('XY-H01');
    await publish(h01, session(1)); // 00:30: on time
    clock = Date.parse('2026-11-23T01:30:00+08:00');
    const out: string[] = [];
    // XY-H02 has departments only once the county adds them; a bed needs one.
    await runSlotCommand(county.db, ['report'], (line) => out.push(line), now);
    const h02 = await county.clinic('XY-H02');
    const empty = await api<PublishResponse>(h02, SLOT_ROUTES.publish, {
      slots: [{ kind: 'bed', date: TODAY, period: 'day', departmentId: 'x' }],
    });
    expect(empty.body.rejected[0]).toMatchObject({ row: 0, field: 'departmentId' });
    const report = await county.gateway.app.slots.uploadReport();
    expect(report.night).toBe(TODAY);
    expect(report.hospitals.map((h) => [h.code, h.upload.status])).toEqual([
      ['XY-H01', 'on-time'],
      ['XY-H02', 'missing'],
      ['XY-H03', 'missing'],
    ]);
    expect(out.join('\n')).toContain('2 hospital(s) late or missing');

    await addDepartment(county.db, 'XY-H02', { name: '针灸科' });
    await publish(h02, [{ kind: 'bed', date: TODAY, period: 'day', departmentId: '针灸科' }]);
    const later = await county.gateway.app.slots.uploadReport();
    expect(later.hospitals.find((h) => h.code === 'XY-H02')?.upload).toEqual({
      status: 'late',
      at: new Date(clock).toISOString(),
    });
    // Before tonight's deadline the report still speaks of last night.
    clock = Date.parse('2026-11-24T00:59:00+08:00');
    expect((await county.gateway.app.slots.uploadReport()).night).toBe(TODAY);
  });

  it('blocks online booking after repeated no-shows, per the configured policy', async () => {
    await start();
    const hospital = await county.clinic('XY-H01');
    const village = await county.clinic('XY-V01');
    await runSlotCommand(
      county.db,
      ['blacklist', '--no-shows', '2', '--within-days', '30', '--block-days', '14'],
      () => {},
    );
    await publish(hospital, session(3));
    const open = (
      await api<PoolOpenResponse>(village, `${SLOT_ROUTES.poolOpen}?hospitalId=${hospital.facilityId}`)
    ).body.slots;
    const patientId = 'patient-misses';
    for (const slot of open.slice(0, 2)) {
      const lock = await api<LockResponse>(village, SLOT_ROUTES.lock, {
        slotId: slot.slotId,
        patientId,
        purpose: 'referral',
      });
      const appointmentId = crypto.randomUUID();
      await api(village, SLOT_ROUTES.confirm, {
        slotId: slot.slotId,
        lockId: lock.body.lockId,
        appointmentId,
      });
      // Only the hospital or the holder may release; a no-show needs a booked slot.
      const release = await api(hospital, SLOT_ROUTES.release, { slotId: slot.slotId, reason: 'no-show' });
      expect(release.body).toMatchObject({ state: 'open' });
    }
    const refused = await api(village, SLOT_ROUTES.lock, {
      slotId: open[2]?.slotId,
      patientId,
      purpose: 'referral',
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'patient-blacklisted', blockedUntil: '2026-12-07' });
    // Another patient books as usual.
    const fine = await api(village, SLOT_ROUTES.lock, {
      slotId: open[2]?.slotId,
      patientId: 'p-ok',
      purpose: 'referral',
    });
    expect(fine.status).toBe(200);
  });
});
