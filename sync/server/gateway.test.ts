import { afterEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../protocol/replication';
import { runCountyCommand } from './county-cli';
import { setOffline } from './facilities/registry';
import { BACKENDS, useBackend } from './testing/backends';
import { call } from './testing/client';
import {
  changed,
  commandDoc,
  created,
  patientDoc,
  readingDoc,
  referralDoc,
  visitDoc,
} from './testing/fixtures';
import { startGateway, type TestGateway } from './testing/start-gateway';

describe.each(BACKENDS)('county gateway on %s', (kind) => {
  const backend = useBackend(kind);
  let county: TestGateway;

  afterEach(async () => {
    await county?.close();
  });

  async function start(): Promise<TestGateway> {
    county = await startGateway({ db: await backend.fresh() });
    return county;
  }

  it('enrol → token → push → pull round trip, with county stamps', async () => {
    await start();
    const village = await county.clinic('XY-V01');
    expect(village.facilityId).toBe(county.facilities['XY-V01']?.id);
    const patient = patientDoc(village.facilityId);
    expect(await village.push('patients', created(patient))).toEqual({ conflicts: [] });

    const page = await village.pull('patients', 0);
    expect(page.documents).toHaveLength(1);
    const stored = page.documents[0] as WireDocument;
    expect(stored).toMatchObject({ ...patient, _deleted: false });
    expect(stored.countySeq).toBeGreaterThan(0);
    expect(Date.parse(stored.countyTime ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(page.checkpoint.seq).toBe(stored.countySeq);
    expect(page.more).toBe(false);
    expect(page.remaining).toBe(1);

    // Reference data: every facility of the demo county.
    const facilities = await village.pullAll('facilities');
    expect(facilities.map((f) => f.code).sort()).toContain('XY-H01');
    expect(facilities).toHaveLength(7);
    expect((await village.pullAll('staff')).length).toBeGreaterThan(0);

    // Incremental: nothing after the checkpoint.
    const next = await village.pull('patients', page.checkpoint.seq);
    expect(next).toEqual({
      documents: [],
      checkpoint: { seq: page.checkpoint.seq },
      more: false,
      remaining: 0,
    });

    // Write log records facility, device and user.
    const { rows } = await county.db.query<{ facility_id: string; device_id: string; user_id: string }>(
      `SELECT facility_id, device_id, user_id FROM write_log WHERE collection = 'patients'`,
    );
    expect(rows).toEqual([
      { facility_id: village.facilityId, device_id: village.deviceId, user_id: 'user-XY-V01' },
    ]);
  });

  it('pages with limit, more and remaining; tombstones replicate', async () => {
    await start();
    const village = await county.clinic('XY-V01');
    const patient = patientDoc(village.facilityId);
    const readings = Array.from({ length: 25 }, () => readingDoc(village.facilityId, patient.id));
    await village.push('readings', created(...readings));
    const first = await village.pull('readings', 0, 10);
    expect(first).toMatchObject({ more: true, remaining: 25 });
    expect(first.documents).toHaveLength(10);
    const second = await village.pull('readings', first.checkpoint.seq, 10);
    expect(second).toMatchObject({ more: true, remaining: 15 });
    // count=0: no count of the rest after a full batch; `more` stays exact, a short batch is counted.
    const uncounted = await village.pullRaw('readings&count=0', first.checkpoint.seq, 5);
    expect(uncounted.body).toMatchObject({ more: true });
    expect(uncounted.body.remaining).toBeUndefined();
    const exactlyTheRest = await village.pullRaw('readings&count=0', second.checkpoint.seq, 5);
    expect(exactlyTheRest.body).toMatchObject({ more: false, remaining: 5 });
    expect(exactlyTheRest.body.documents).toHaveLength(5);
    const seqs = [...first.documents, ...second.documents].map((d) => d.countySeq ?? 0);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    const gone = { ...(first.documents[0] as WireDocument), _deleted: true };
    await village.push('readings', [changed(first.documents[0] as WireDocument, gone)]);
    const after = await village.pull('readings', second.checkpoint.seq, 100);
    expect(after.documents.find((d) => d.id === gone.id)?._deleted).toBe(true);
  });

  it('compresses large pulls when the client accepts it', async () => {
    await start();
    const village = await county.clinic('XY-V01');
    const readings = Array.from({ length: 200 }, () => readingDoc(village.facilityId, 'p1'));
    await village.push('readings', created(...readings));
    const response = await fetch(`${county.url}/v1/pull?collection=readings&seq=0&limit=5000`, {
      headers: { authorization: `Bearer ${village.token}`, 'accept-encoding': 'gzip' },
    });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(((await response.json()) as { documents: unknown[] }).documents).toHaveLength(200);
  });

  it('scope: B cannot pull A’s patients until A refers one to B; B cannot write A’s visit', async () => {
    await start();
    const a = await county.clinic('XY-V01');
    const b = await county.clinic('XY-T01');
    const c = await county.clinic('XY-V02');
    const patient = patientDoc(a.facilityId);
    const other = patientDoc(a.facilityId, { name: '李四' });
    const visit = visitDoc(a.facilityId, patient.id);
    await a.push('patients', created(patient, other));
    await a.push('visits', created(visit));
    expect((await b.pull('patients')).documents).toEqual([]);
    expect((await b.pull('visits')).documents).toEqual([]);

    // The referral arrives first (priority order), then it widens the patient's scope.
    const referral = referralDoc(a.facilityId, patient.id, [b.facilityId]);
    await a.push('referrals', created(referral));
    const pulled = await b.pullAll('patients');
    expect(pulled.map((p) => p.id)).toEqual([patient.id]);
    expect((await b.pullAll('referrals')).map((r) => r.id)).toEqual([referral.id]);
    expect(await c.pullAll('patients')).toEqual([]);
    expect(await c.pullAll('referrals')).toEqual([]);

    // B may not write A's visit, nor create documents in A's name.
    const theirs = await b.pushRaw('visits', [changed(visit, { ...visit, status: 'closed' })]);
    expect(theirs.status).toBe(403);
    expect(theirs.body.error).toBe('not-owner');
    const forged = await b.pushRaw('readings', created(readingDoc(a.facilityId, patient.id)));
    expect(forged.body.error).toBe('not-owner');
    // C (not a party) may not touch the patient.
    const outsider = await c.pushRaw('patients', [changed(patient, { ...patient, phone: '13800000000' })]);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error).toBe('out-of-scope');
    // C cannot pull the patient into its scope by referring it.
    const sneaky = await c.pushRaw(
      'referrals',
      created(referralDoc(c.facilityId, patient.id, [c.facilityId])),
    );
    expect(sneaky.body.error).toBe('out-of-scope');
    // Users are own-facility only; reference data is county-written only.
    const facilityPush = await a.pushRaw('facilities', [
      { assumedMasterState: null, newDocumentState: (await a.pullAll('facilities'))[0] as WireDocument },
    ]);
    expect(facilityPush.status).toBe(403);
    expect(facilityPush.body.error).toBe('not-owner');
  });

  it('referral commands reach the parties; commands sent before their referral follow it', async () => {
    await start();
    const a = await county.clinic('XY-V01');
    const b = await county.clinic('XY-T01');
    const patient = patientDoc(a.facilityId);
    const referral = referralDoc(a.facilityId, patient.id, [b.facilityId]);
    await a.push('referral_commands', created(commandDoc(a.facilityId, referral.id)));
    expect(await b.pullAll('referral_commands')).toEqual([]);
    await a.push('referrals', created(referral));
    expect(await b.pullAll('referral_commands')).toHaveLength(1);
    await b.push('referral_commands', created(commandDoc(b.facilityId, referral.id, 'approve')));
    expect(await a.pullAll('referral_commands')).toHaveLength(2);
    const c = await county.clinic('XY-V02');
    const stranger = await c.pushRaw(
      'referral_commands',
      created(commandDoc(c.facilityId, referral.id, 'approve')),
    );
    expect(stranger.body.error).toBe('out-of-scope');
  });

  it('merges one patient edited by two facilities field by field (no conflict returned)', async () => {
    await start();
    const a = await county.clinic('XY-V01');
    const b = await county.clinic('XY-T01');
    const patient = patientDoc(a.facilityId);
    await a.push('patients', created(patient));
    await a.push('referrals', created(referralDoc(a.facilityId, patient.id, [b.facilityId])));
    const [atA] = await a.pullAll('patients');
    const [atB] = await b.pullAll('patients');
    if (!atA || !atB) throw new Error('patient missing');

    // Both edit offline from the same state, different fields.
    expect(await a.push('patients', [changed(atA, { ...atA, phone: '13900000001' })])).toEqual({
      conflicts: [],
    });
    expect(
      await b.push('patients', [
        changed(atB, { ...atB, allergies: ['青霉素'], address: { detail: '东河镇' } }),
      ]),
    ).toEqual({ conflicts: [] });

    const [finalA] = await a.pullAll('patients');
    const [finalB] = await b.pullAll('patients');
    expect(finalA).toEqual(finalB);
    expect(finalA).toMatchObject({
      phone: '13900000001',
      allergies: ['青霉素'],
      address: { detail: '东河镇' },
    });
    expect(finalA?.facilityId).toBe(a.facilityId);
    const { rows } = await county.db.query<{ origin: string }>(
      `SELECT origin FROM write_log WHERE collection = 'patients' ORDER BY seq`,
    );
    expect(rows.map((r) => r.origin)).toEqual(['push', 'scope', 'push', 'merge']);
  });

  it('a retried batch changes nothing: same pushId, and the same rows under a new pushId', async () => {
    await start();
    const a = await county.clinic('XY-V01');
    const patient = patientDoc(a.facilityId);
    const rows = created(patient, readingDoc(a.facilityId, patient.id));
    const pushId = crypto.randomUUID();
    await a.push('readings', rows.slice(1), pushId);
    const seqBefore = await county.db.query<{ n: unknown; max: unknown }>(
      'SELECT count(*) AS n, max(county_seq) AS max FROM documents',
    );
    expect(await a.push('readings', rows.slice(1), pushId)).toEqual({ conflicts: [] });
    // Under a new pushId the rows are unchanged; the clinic's copy has no stamp, so the county
    // answers with its stamped version (the clinic adopts it and stops showing it as waiting).
    const [first] = await a.pullAll('readings');
    expect(await a.push('readings', rows.slice(1))).toEqual({ conflicts: [first] });
    // An edited row already stored (response lost) and re-sent: unchanged, no new seq.
    const [stored] = await a.pullAll('readings');
    if (!stored) throw new Error('missing');
    const edited = { ...stored, values: { systolic: 120, diastolic: 80 } };
    await a.push('readings', [changed(stored, edited)]);
    const afterEdit = await county.db.query<{ max: unknown }>('SELECT max(county_seq) AS max FROM documents');
    const [storedEdit] = await a.pullAll('readings');
    expect(await a.push('readings', [changed(stored, edited)])).toEqual({ conflicts: [storedEdit] });
    // A copy that carries the county's current stamp gets nothing back.
    expect(await a.push('readings', [changed(storedEdit as never, storedEdit as never)])).toEqual({
      conflicts: [],
    });
    const seqAfter = await county.db.query<{ n: unknown; max: unknown }>(
      'SELECT count(*) AS n, max(county_seq) AS max FROM documents',
    );
    expect(Number(seqAfter.rows[0]?.n)).toBe(Number(seqBefore.rows[0]?.n));
    expect(Number(seqAfter.rows[0]?.max)).toBe(Number(afterEdit.rows[0]?.max));
    expect(Number(afterEdit.rows[0]?.max)).toBe(Number(seqBefore.rows[0]?.max) + 1);
  });

  it('returns the county state as a conflict for non-patient collections and writes nothing for that row', async () => {
    await start();
    const a = await county.clinic('XY-V01');
    const patient = patientDoc(a.facilityId);
    const visit = visitDoc(a.facilityId, patient.id);
    await a.push('visits', created(visit));
    const [v1] = await a.pullAll('visits');
    if (!v1) throw new Error('missing');
    // Workstation 1 closes the visit; workstation 2 (same facility) edits from the old state.
    const closed = { ...v1, status: 'closed' };
    await a.push('visits', [changed(v1, closed)]);
    const other = readingDoc(a.facilityId, patient.id);
    const response = await a.push('visits', [
      changed(v1, { ...v1, chiefComplaint: '头晕' }),
      ...created(visitDoc(a.facilityId, patient.id, { id: other.id })),
    ]);
    expect(response.conflicts).toHaveLength(1);
    expect(response.conflicts[0]).toMatchObject({ id: v1.id, status: 'closed' });
    expect(response.conflicts[0]?.chiefComplaint).toBeUndefined();
    expect(response.conflicts[0]?.countySeq).toBeGreaterThan(v1.countySeq ?? 0);
    // The other row of the batch was taken.
    expect((await a.pullAll('visits')).map((v) => v.id).sort()).toEqual([v1.id, other.id].sort());
  });

  it('refuses bad input with specific codes and writes nothing of the batch', async () => {
    await start();
    const a = await county.clinic('XY-V01');
    const patient = patientDoc(a.facilityId);
    const good = readingDoc(a.facilityId, patient.id);
    const countDocs = async () =>
      Number(
        (
          await county.db.query<{ n: unknown }>('SELECT count(*) AS n FROM documents WHERE collection = $1', [
            'readings',
          ])
        ).rows[0]?.n,
      );

    const malformed = await call<{ error: string }>(`${county.url}/v1/push`, {
      token: a.token,
      rawBody: '{"collection":',
    });
    expect([malformed.status, malformed.body.error]).toEqual([400, 'malformed-request']);
    const shapeless = await a.pushRaw('readings', [{ newDocumentState: good } as never]);
    expect([shapeless.status, shapeless.body.error]).toEqual([400, 'malformed-request']);
    const unknown = await a.pushRaw('prescriptions', created(good));
    expect([unknown.status, unknown.body.error]).toEqual([400, 'unknown-collection']);
    const unknownPull = await a.pullRaw('prescriptions');
    expect([unknownPull.status, unknownPull.body.error]).toEqual([400, 'unknown-collection']);

    const bad = { ...readingDoc(a.facilityId, patient.id), kind: 'mood' } as WireDocument;
    const schema = await a.pushRaw('readings', created(good, bad));
    expect(schema.status).toBe(422);
    expect(schema.body).toMatchObject({ error: 'schema-violation', row: 1, field: 'kind' });
    const missing = { ...readingDoc(a.facilityId, patient.id) } as Record<string, unknown>;
    delete missing.measuredAt;
    const missingField = await a.pushRaw('readings', created(missing as WireDocument));
    expect(missingField.body).toMatchObject({ error: 'schema-violation', row: 0, field: 'measuredAt' });
    const extra = await a.pushRaw('readings', created({ ...good, hacked: true } as WireDocument));
    expect(extra.body).toMatchObject({ error: 'schema-violation', field: 'hacked' });

    const stamped = await a.pushRaw(
      'readings',
      created(good, { ...readingDoc(a.facilityId, patient.id), countySeq: 99 }),
    );
    expect(stamped.status).toBe(422);
    expect(stamped.body).toMatchObject({ error: 'county-fields-set', row: 1 });

    const huge = created(
      ...Array.from({ length: 6000 }, () =>
        readingDoc(a.facilityId, patient.id, { deviceId: 'x'.repeat(80) }),
      ),
    );
    const tooLarge = await a.pushRaw('readings', huge);
    expect([tooLarge.status, tooLarge.body.error]).toEqual([413, 'payload-too-large']);

    const notOwner = await a.pushRaw('readings', created(good, readingDoc('someone-else', patient.id)));
    expect([notOwner.status, notOwner.body.error]).toEqual([403, 'not-owner']);
    expect(await countDocs()).toBe(0);

    // A stamp the county did give is fine (the clinic keeps it on its copy).
    await a.push('readings', created(good));
    const [stored] = await a.pullAll('readings');
    if (!stored) throw new Error('missing');
    expect(await a.push('readings', [changed(stored, { ...stored, outOfRangeConfirmed: true })])).toEqual({
      conflicts: [],
    });
    const wrongTime = await a.pushRaw('readings', [
      changed(stored, { ...stored, countyTime: '2020-01-01T00:00:00.000Z' }),
    ]);
    expect(wrongTime.body).toMatchObject({ error: 'county-fields-set', field: 'countyTime' });
    expect(await countDocs()).toBe(1);
  });

  it('token errors: missing, invalid, expired, superseded; revoked facility stops pull and push', async () => {
    await start();
    const a = await county.clinic('XY-V01');
    const missing = await call<{ error: string }>(`${county.url}/v1/pull?collection=patients`);
    expect([missing.status, missing.body.error]).toEqual([401, 'token-missing']);
    const invalid = await call<{ error: string }>(`${county.url}/v1/pull?collection=patients`, {
      token: 'abc.def',
    });
    expect([invalid.status, invalid.body.error]).toEqual([401, 'token-invalid']);
    const [body, sig] = a.token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    const otherFacility = Buffer.from(
      JSON.stringify({ ...payload, fac: county.facilities['XY-H01']?.id }),
    ).toString('base64url');
    const forged = await call<{ error: string }>(`${county.url}/v1/pull?collection=patients`, {
      token: `${otherFacility}.${sig}`,
    });
    expect([forged.status, forged.body.error]).toEqual([401, 'token-invalid']);

    // Expired: a gateway with a 1-second token lifetime on the same database.
    const short = await startGateway({ db: county.db, seed: false, config: { tokenTtlSeconds: 1 } });
    try {
      const t = await call<{ token: string }>(`${short.url}/v1/token`, {
        body: { deviceId: a.deviceId, deviceSecret: a.deviceSecret, userId: 'u' },
      });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const expired = await call<{ error: string }>(`${short.url}/v1/pull?collection=patients`, {
        token: t.body.token,
      });
      expect([expired.status, expired.body.error]).toEqual([401, 'token-expired']);
    } finally {
      await short.close();
    }

    // Superseded: a newer token for the device makes the older one useless (a replayed token).
    const old = a.token;
    await a.refreshToken();
    const replay = await call<{ error: string }>(`${county.url}/v1/pull?collection=patients`, { token: old });
    expect([replay.status, replay.body.error]).toEqual([401, 'token-superseded']);
    expect((await a.pullRaw('patients')).status).toBe(200);

    const wrongSecret = await call<{ error: string }>(`${county.url}/v1/token`, {
      body: { deviceId: a.deviceId, deviceSecret: 'nope', userId: 'u' },
    });
    expect([wrongSecret.status, wrongSecret.body.error]).toEqual([401, 'token-invalid']);

    // 下线
    await setOffline(county.db, 'XY-V01', true);
    const pullOff = await a.pullRaw('patients');
    expect([pullOff.status, pullOff.body.error]).toEqual([403, 'facility-offline']);
    const pushOff = await a.pushRaw('patients', created(patientDoc(a.facilityId)));
    expect([pushOff.status, pushOff.body.error]).toEqual([403, 'facility-offline']);
    const tokenOff = await call<{ error: string }>(`${county.url}/v1/token`, {
      body: { deviceId: a.deviceId, deviceSecret: a.deviceSecret, userId: 'u' },
    });
    expect([tokenOff.status, tokenOff.body.error]).toEqual([403, 'facility-offline']);
    const facilities = await (await county.clinic('XY-V02')).pullAll('facilities');
    expect(facilities.find((f) => f.id === a.facilityId)?.offline).toBe(true);
    await setOffline(county.db, 'XY-V01', false);
    await a.refreshToken();
    expect((await a.pullRaw('patients')).status).toBe(200);

    await county.db.query('UPDATE devices SET revoked = true WHERE id = $1', [a.deviceId]);
    const revoked = await a.pullRaw('patients');
    expect([revoked.status, revoked.body.error]).toEqual([403, 'device-revoked']);
  });

  it('enrolment codes are single-use and expire', async () => {
    await start();
    const code = await county.issueCode('XY-V03');
    const first = await call<{ facilityId: string }>(`${county.url}/v1/enrol`, {
      body: { code, deviceName: 'pc' },
    });
    expect(first.status).toBe(200);
    expect(first.body.facilityId).toBe(county.facilities['XY-V03']?.id);
    const again = await call<{ error: string }>(`${county.url}/v1/enrol`, {
      body: { code, deviceName: 'pc' },
    });
    expect([again.status, again.body.error]).toEqual([409, 'enrolment-code-used']);
    const unknown = await call<{ error: string }>(`${county.url}/v1/enrol`, {
      body: { code: 'AAAA-BBBB-CCCC', deviceName: 'pc' },
    });
    expect([unknown.status, unknown.body.error]).toEqual([400, 'enrolment-code-invalid']);
    const old = await county.issueCode('XY-V03');
    await county.db.query(
      `UPDATE enrolment_codes SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`,
    );
    const expired = await call<{ error: string }>(`${county.url}/v1/enrol`, {
      body: { code: old, deviceName: 'pc' },
    });
    expect([expired.status, expired.body.error]).toEqual([400, 'enrolment-code-invalid']);
    // Guessing codes is rate-limited per address.
    const limited = await startGateway({ db: county.db, seed: false, config: { authRateLimitPerMinute: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) {
        statuses.push(
          (await call(`${limited.url}/v1/enrol`, { body: { code: `GUES-SXXX-XXX${i}`, deviceName: 'pc' } }))
            .status,
        );
      }
      expect(statuses).toEqual([400, 400, 429]);
    } finally {
      await limited.close();
    }
    const { rows } = await county.db.query<{ code_hash: string }>('SELECT code_hash FROM enrolment_codes');
    expect(rows.every((row) => row.code_hash !== code && /^[0-9a-f]{64}$/.test(row.code_hash))).toBe(true);
  });

  it('allows the clinic origins (CORS) and reports health', async () => {
    await start();
    const preflight = await fetch(`${county.url}/v1/push`, {
      method: 'OPTIONS',
      headers: { origin: 'app://clinic', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('app://clinic');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const loopback = await fetch(`${county.url}/v1/health`, { headers: { origin: 'http://127.0.0.1:5173' } });
    expect(loopback.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    const foreign = await fetch(`${county.url}/v1/health`, { headers: { origin: 'http://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const a = await county.clinic('XY-V01');
    await a.push('patients', created(patientDoc(a.facilityId)));
    await a.pushRaw('patients', created({ ...patientDoc(a.facilityId), sex: 'x' } as WireDocument));
    const health = await call<{
      status: string;
      county: { documents: Record<string, number> };
      thisProcess: { interfaces: Record<string, { requests: number; successRate: number }> };
    }>(`${county.url}/v1/health`);
    expect(health.body.status).toBe('ok');
    expect(health.body.county.documents.patients).toBe(1);
    expect(health.body.thisProcess.interfaces['POST /v1/push']).toMatchObject({
      requests: 2,
      successRate: 0.5,
    });
  });

  it('county CLI: add, relate, add staff, issue a code that enrols, revoke and restore', async () => {
    county = await startGateway({ db: await backend.fresh(), seed: false });
    const lines: string[] = [];
    const run = (...argv: string[]) => runCountyCommand(county.db, argv, (line) => lines.push(line));
    await run('add-facility', '--code', 'H1', '--name', '县医院', '--level', 'county');
    await run('add-facility', '--code', 'V1', '--name', '村卫生室', '--level', 'village', '--parent', 'H1');
    await run('relate', '--from', 'V1', '--to', 'H1');
    await run('add-department', '--facility', 'H1', '--name', '内科');
    await run('add-staff', '--facility', 'H1', '--name', '王医生', '--roles', 'doctor,reviewer');
    await expect(run('add-facility', '--code', 'X', '--name', 'x', '--level', 'planet')).rejects.toThrow(
      /level/,
    );
    await expect(run('relate', '--from', 'V1', '--to', 'NOPE')).rejects.toThrow(/NOPE/);
    lines.length = 0;
    await run('issue-code', '--facility', 'V1');
    const code = /: ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})$/.exec(lines[0] ?? '')?.[1];
    if (!code) throw new Error(`no code in ${lines.join('\n')}`);
    const clinic = new (await import('./testing/client')).ClinicClient(county.url);
    await clinic.enrol(code);
    await clinic.refreshToken();
    const facilities = await clinic.pullAll('facilities');
    const v1 = facilities.find((f) => f.code === 'V1');
    const h1 = facilities.find((f) => f.code === 'H1');
    expect(v1).toMatchObject({
      level: 'village',
      parentId: h1?.id,
      referralTargetIds: [h1?.id],
      offline: false,
    });
    expect(h1?.departments).toEqual([{ id: expect.any(String), name: '内科' }]);
    expect((await clinic.pullAll('staff'))[0]).toMatchObject({
      name: '王医生',
      roles: ['doctor', 'reviewer'],
    });
    await run('revoke', '--facility', 'V1');
    expect((await clinic.pullRaw('patients')).body.error).toBe('facility-offline');
    await run('restore', '--facility', 'V1');
    lines.length = 0;
    await run('list');
    expect(lines.join('\n')).toMatch(/V1\s+village\s+online/);
  });

  it('concurrent pushes: a clinic following checkpoints misses nothing and sees each document once', async () => {
    await start();
    const township = await county.clinic('XY-T01');
    const villages = await Promise.all(['XY-V01', 'XY-V02'].map((code) => county.clinic(code)));
    const patient = patientDoc(township.facilityId);
    const seen = new Map<string, number>();
    let checkpoint = 0;
    const follow = async (): Promise<boolean> => {
      const page = await township.pull('referral_commands', checkpoint, 7);
      for (const doc of page.documents) seen.set(doc.id, (seen.get(doc.id) ?? 0) + 1);
      checkpoint = page.checkpoint.seq;
      return page.more;
    };
    // Referrals from each village to the township, then a stream of commands from all three.
    const referrals = villages.map((v) => referralDoc(v.facilityId, patient.id, [township.facilityId]));
    await Promise.all(villages.map((v, i) => v.push('referrals', created(referrals[i] as WireDocument))));
    const writers = [...villages, township].map(async (clinic, i) => {
      for (let round = 0; round < 8; round += 1) {
        const referral = referrals[i % referrals.length] as WireDocument;
        await clinic.push(
          'referral_commands',
          created(...Array.from({ length: 3 }, () => commandDoc(clinic.facilityId, referral.id, 'note'))),
        );
      }
    });
    let writing = true;
    const reader = (async () => {
      while (writing) await follow();
    })();
    await Promise.all(writers);
    writing = false;
    await reader;
    while (await follow()) {
      // drain
    }
    expect(seen.size).toBe(3 * 8 * 3);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
  });
});
