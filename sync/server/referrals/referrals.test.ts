import { afterEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../../protocol/replication';
import type { Role } from '../../protocol/schema/people';
import type { ReferralCommandDoc, ReferralDoc } from '../../protocol/schema/referrals';
import { runCountyCommand } from '../county-cli';
import { addFacility, relate, setOffline } from '../facilities/registry';
import { loadDocs } from '../replication/store';
import { enqueueSms, listSms, SmsOutbox } from '../sms/outbox';
import type { SmsMessage, SmsSender } from '../sms/senders';
import { BACKENDS, useBackend } from '../testing/backends';
import type { ClinicClient } from '../testing/client';
import { changed, created, patientDoc, referralDoc } from '../testing/fixtures';
import { startGateway, type TestGateway } from '../testing/start-gateway';
import type { CommandJudgement } from './apply';
import { setReviewConfig } from './review-config';

const T0 = Date.parse('2026-11-22T08:00:00.000Z');
const MINUTE = 60_000;

function userDoc(facilityId: string, id: string, roles: Role[]): WireDocument {
  const credential = {
    kdf: 'argon2id',
    salt: 'c2FsdA',
    hash: 'aGFzaA',
    memoryKiB: 19456,
    iterations: 2,
    parallelism: 1,
  };
  return {
    id,
    facilityId,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    createdBy: id,
    updatedBy: id,
    username: id,
    displayName: id,
    roles,
    password: credential,
    active: true,
    failedAttempts: 0,
    _deleted: false,
  } as WireDocument;
}

describe.each(BACKENDS)('referral workflow at the gateway on %s', (kind) => {
  const backend = useBackend(kind);
  let county: TestGateway;
  let clock = T0;

  afterEach(async () => {
    await county?.close();
  });

  async function start(): Promise<TestGateway> {
    clock = T0;
    county = await startGateway({ db: await backend.fresh() });
    county.gateway.referrals.clock = () => new Date(clock);
    // The interval sweep would race the tests' own calls: they sweep explicitly.
    await county.gateway.referrals.stop();
    return county;
  }

  /** A signed-in user of this facility with these roles (its user record pushed, as a clinic does). */
  async function staff(
    code: string,
    roles: Role[],
    name = `${code}-${roles.join('-')}`,
  ): Promise<ClinicClient> {
    const client = await county.clinic(code, name);
    await client.push('users', created(userDoc(client.facilityId, name, roles)));
    return client;
  }

  function commandOf(
    by: ClinicClient,
    referralId: string,
    command: string,
    payload: Record<string, unknown> = {},
  ): WireDocument {
    const at = new Date(clock).toISOString();
    return {
      id: crypto.randomUUID(),
      facilityId: by.facilityId,
      createdAt: at,
      updatedAt: at,
      createdBy: by.userId,
      updatedBy: by.userId,
      referralId,
      command,
      payload,
      _deleted: false,
    } as WireDocument;
  }

  /** Pushes a command and returns it as the issuer pulls it back (with the gateway's outcome). */
  async function send(
    by: ClinicClient,
    referralId: string,
    command: string,
    payload: Record<string, unknown> = {},
  ): Promise<ReferralCommandDoc> {
    const doc = commandOf(by, referralId, command, payload);
    await by.push('referral_commands', created(doc));
    return pulled<ReferralCommandDoc>(by, 'referral_commands', doc.id);
  }

  async function pulled<T>(
    by: ClinicClient,
    collection: 'referrals' | 'referral_commands',
    id: string,
  ): Promise<T> {
    const found = (await by.pullAll(collection)).find((doc) => doc.id === id);
    if (!found) throw new Error(`${collection} ${id} not visible to ${by.facilityId}`);
    return found as unknown as T;
  }

  /** A referral with a patient and consent, pushed by `by`. */
  async function draft(
    by: ClinicClient,
    targets: string[],
    overrides: Record<string, unknown> = {},
    patientFields: Record<string, unknown> = {},
  ): Promise<WireDocument> {
    const patient = patientDoc(by.facilityId, patientFields);
    await by.push('patients', created(patient));
    const referral = referralDoc(by.facilityId, patient.id, targets, {
      state: 'draft',
      consentAttachmentId: 'consent-1',
      ...overrides,
    });
    await by.push('referrals', created(referral));
    return referral;
  }

  it('applies a whole upward referral: reviews on both sides, arrival, completion, the loop closed', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const head = await staff('XY-V01', ['reviewer'], 'v01-head');
    const receiver = await staff('XY-T01', ['reviewer', 'doctor']);
    const referral = await draft(doctor, [receiver.facilityId]);

    const submit = await send(doctor, referral.id, 'submit');
    expect(submit.outcome).toMatchObject({
      status: 'applied',
      seq: 1,
      appliedAt: new Date(T0).toISOString(),
    });
    let atReceiver = await pulled<ReferralDoc>(receiver, 'referrals', referral.id);
    expect(atReceiver).toMatchObject({
      state: 'outgoing-review',
      reviewLevel: 1,
      reviewDeadline: new Date(T0 + 30 * MINUTE).toISOString(),
      appliedSeq: 1,
    });

    clock += 5 * MINUTE;
    expect((await send(head, referral.id, 'approve')).outcome?.status).toBe('applied');
    expect((await send(head, referral.id, 'review', { decision: 'approve', level: 2 })).outcome?.status).toBe(
      'applied',
    );
    atReceiver = await pulled<ReferralDoc>(receiver, 'referrals', referral.id);
    expect(atReceiver).toMatchObject({
      state: 'incoming-review',
      reviewDeadline: new Date(clock + 30 * MINUTE).toISOString(),
      targets: [{ facilityId: receiver.facilityId, status: 'reviewing', level: 1 }],
    });
    // The target sees the commands of the other side, with their outcomes.
    const history = (await receiver.pullAll('referral_commands')) as unknown as ReferralCommandDoc[];
    expect(history.map((c) => [c.command, c.outcome?.status, c.outcome?.seq])).toEqual([
      ['submit', 'applied', 1],
      ['approve', 'applied', 2],
      ['review', 'applied', 3],
    ]);

    clock += 10 * MINUTE;
    expect((await send(receiver, referral.id, 'approve')).outcome?.status).toBe('applied');
    expect((await send(receiver, referral.id, 'attend', { attended: true })).outcome?.status).toBe('applied');
    expect(
      (await send(receiver, referral.id, 'complete', { summary: '调整降压方案，血压平稳' })).outcome?.status,
    ).toBe('applied');
    expect((await send(doctor, referral.id, 'feedback', { note: '已随访' })).outcome?.status).toBe('applied');
    const closed = await pulled<ReferralDoc>(doctor, 'referrals', referral.id);
    expect(closed).toMatchObject({
      state: 'closed',
      acceptedFacilityId: receiver.facilityId,
      treatmentSummary: '调整降压方案，血压平稳',
      appliedSeq: 7,
    });
    expect(closed.reviewDeadline).toBeUndefined();
    const late = await send(doctor, referral.id, 'cancel');
    expect(late.outcome).toMatchObject({ status: 'refused', reason: 'terminal-state', seq: 7 });
  });

  it('a clinic cannot set workflow fields or outcomes itself; a retried command is not applied twice', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const target = await staff('XY-T01', ['reviewer']);
    const referral = await draft(doctor, [target.facilityId], { state: 'approved', appliedSeq: 9 });
    const stored = await pulled<WireDocument>(doctor, 'referrals', referral.id);
    expect(stored).toMatchObject({ state: 'draft', appliedSeq: 0 });
    // Editing the draft as pulled, claiming approval: the form edit lands, the claim does not.
    await doctor.push('referrals', [
      changed(stored, { ...stored, reason: '血压 180/110', state: 'approved', acceptedFacilityId: 'x' }),
    ]);
    const edited = await pulled<WireDocument>(doctor, 'referrals', referral.id);
    expect(edited).toMatchObject({ reason: '血压 180/110', state: 'draft' });
    expect(edited.acceptedFacilityId).toBeUndefined();

    const forged = {
      ...commandOf(doctor, referral.id, 'submit'),
      outcome: { status: 'refused', reason: 'x', appliedAt: 'x', seq: 0 },
    };
    await doctor.push('referral_commands', created(forged));
    const submit = await pulled<ReferralCommandDoc>(doctor, 'referral_commands', forged.id);
    expect(submit.outcome).toMatchObject({ status: 'applied', seq: 1 });
    // The same command again (a retry under a new pushId): nothing changes.
    await doctor.push('referral_commands', created(forged));
    expect(await pulled<ReferralDoc>(doctor, 'referrals', referral.id)).toMatchObject({
      state: 'outgoing-review',
      appliedSeq: 1,
    });
    // Once submitted, the targets cannot be changed by editing the document.
    const now = await pulled<WireDocument>(doctor, 'referrals', referral.id);
    await doctor.push('referrals', [
      changed(now, { ...now, targetFacilityIds: [county.facilities['XY-H01']?.id] }),
    ]);
    expect((await pulled<ReferralDoc>(doctor, 'referrals', referral.id)).targetFacilityIds).toEqual([
      target.facilityId,
    ]);
  });

  it('a command sent before its referral is judged when the referral arrives', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const patient = patientDoc(doctor.facilityId);
    await doctor.push('patients', created(patient));
    const referral = referralDoc(doctor.facilityId, patient.id, [county.facilities['XY-T01']?.id ?? ''], {
      state: 'draft',
      consentAttachmentId: 'consent-1',
    });
    const submit = commandOf(doctor, referral.id, 'submit');
    await doctor.push('referral_commands', created(submit));
    expect(
      (await pulled<ReferralCommandDoc>(doctor, 'referral_commands', submit.id)).outcome,
    ).toBeUndefined();
    await doctor.push('referrals', created(referral));
    expect((await pulled<ReferralCommandDoc>(doctor, 'referral_commands', submit.id)).outcome?.status).toBe(
      'applied',
    );
    expect((await pulled<ReferralDoc>(doctor, 'referrals', referral.id)).state).toBe('outgoing-review');
  });

  it('a submit that overtook the last edit of its draft waits for that edit before it is judged', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const target = county.facilities['XY-T01']?.id ?? '';
    // The county holds the draft as it was before consent was attached offline.
    const before = await draft(doctor, [target], { consentAttachmentId: undefined });
    const edited = {
      ...before,
      consentAttachmentId: 'consent-1',
      updatedAt: new Date(T0 + MINUTE).toISOString(),
    };
    const submit = await send(doctor, before.id, 'submit', { draftUpdatedAt: edited.updatedAt });
    expect(submit.outcome).toBeUndefined();
    await doctor.push('referrals', [changed(before, edited)]);
    const judged = await pulled<ReferralCommandDoc>(doctor, 'referral_commands', submit.id);
    expect(judged.outcome?.status).toBe('applied');
    expect((await pulled<ReferralDoc>(doctor, 'referrals', before.id)).state).toBe('outgoing-review');
  });

  it('30 minutes on the gateway clock: the sweep auto-rejects and tells both sides; a late review is refused', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const head = await staff('XY-V01', ['reviewer'], 'v01-head');
    const target = await staff('XY-T01', ['reviewer']);
    const first = await draft(doctor, [target.facilityId]);
    const second = await draft(doctor, [target.facilityId]);
    await send(doctor, first.id, 'submit');
    await send(doctor, second.id, 'submit');

    clock = T0 + 29 * MINUTE;
    expect(await county.gateway.referrals.sweep()).toEqual([]);
    const stream = target.stream();
    await stream.ready;
    clock = T0 + 30 * MINUTE + 1;
    // A review landing after the deadline is refused with a clear message (and the referral auto-rejected).
    const late = await send(head, first.id, 'approve');
    expect(late.outcome).toMatchObject({ status: 'refused', reason: 'review-deadline-passed' });
    expect(late.outcome?.message).toMatch(/30-minute review window has closed/);
    expect(late.outcome?.message).toMatch(/another institution/);
    expect((await pulled<ReferralDoc>(doctor, 'referrals', first.id)).state).toBe('auto-rejected');

    // The sweep takes the other one.
    expect(await county.gateway.referrals.sweep()).toEqual([second.id]);
    expect(await county.gateway.referrals.sweep()).toEqual([]);
    const swept = await pulled<ReferralDoc>(target, 'referrals', second.id);
    expect(swept).toMatchObject({
      state: 'auto-rejected',
      appliedSeq: 2,
      targets: [{ facilityId: target.facilityId, status: 'expired' }],
    });
    expect(swept.stateReason).toMatch(/30 minutes/);
    expect(swept.reviewDeadline).toBeUndefined();
    await stream.atLeast(1);
    expect(stream.events.map((e) => e.collection)).toContain('referrals');
    stream.stop();
    // The history shows it, to both parties.
    const expiry = ((await doctor.pullAll('referral_commands')) as unknown as ReferralCommandDoc[]).filter(
      (c) => c.referralId === second.id && c.command === 'expire',
    );
    expect(expiry).toHaveLength(1);
    expect(expiry[0]?.outcome).toMatchObject({ status: 'applied', seq: 2 });
    // A review after the sweep is refused the same way; the doctor may re-send.
    const after = await send(head, second.id, 'approve');
    expect(after.outcome).toMatchObject({ status: 'refused', reason: 'review-deadline-passed' });
    expect((await send(doctor, second.id, 'submit')).outcome?.status).toBe('applied');
  });

  it('downward referrals have no time limit', async () => {
    await start();
    await setReviewConfig(county.db, 'XY-H01', { outgoingReviewFree: true });
    const hospital = await staff('XY-H01', ['doctor']);
    const township = await staff('XY-T01', ['reviewer']);
    const referral = await draft(hospital, [township.facilityId], { direction: 'down' });
    await send(hospital, referral.id, 'submit');
    const inReview = await pulled<ReferralDoc>(township, 'referrals', referral.id);
    expect(inReview.state).toBe('incoming-review');
    expect(inReview.reviewDeadline).toBeUndefined();
    clock = T0 + 3 * 24 * 60 * MINUTE;
    expect(await county.gateway.referrals.sweep()).toEqual([]);
    expect((await send(township, referral.id, 'approve')).outcome?.status).toBe('applied');
    expect((await pulled<ReferralDoc>(hospital, 'referrals', referral.id)).state).toBe('approved');
  });

  it('inpatient to two hospitals approving at once: exactly one wins, the other is withdrawn', async () => {
    await start();
    await addFacility(county.db, { code: 'XY-H02', name: '乡医县中医医院', level: 'county' });
    await relate(county.db, 'XY-T01', 'XY-H02');
    const township = await staff('XY-T01', ['doctor']);
    await setReviewConfig(county.db, 'XY-T01', { outgoingReviewFree: true });
    const h1 = await staff('XY-H01', ['reviewer']);
    const h2 = await staff('XY-H02', ['reviewer']);
    for (let round = 0; round < 3; round += 1) {
      const referral = await draft(township, [h1.facilityId, h2.facilityId], { type: 'inpatient' });
      expect((await send(township, referral.id, 'submit')).outcome?.status).toBe('applied');
      const a = commandOf(h1, referral.id, 'approve');
      const b = commandOf(h2, referral.id, 'approve');
      await Promise.all([h1.push('referral_commands', created(a)), h2.push('referral_commands', created(b))]);
      const outcomes = [
        (await pulled<ReferralCommandDoc>(township, 'referral_commands', a.id)).outcome,
        (await pulled<ReferralCommandDoc>(township, 'referral_commands', b.id)).outcome,
      ];
      expect(outcomes.map((o) => o?.status).sort()).toEqual(['applied', 'refused']);
      expect(outcomes.find((o) => o?.status === 'refused')?.reason).toBe('already-decided');
      const final = await pulled<ReferralDoc>(township, 'referrals', referral.id);
      const winner = outcomes[0]?.status === 'applied' ? h1.facilityId : h2.facilityId;
      expect(final).toMatchObject({ state: 'approved', acceptedFacilityId: winner, appliedSeq: 2 });
      expect(final.targets?.filter((t) => t.status === 'approved').map((t) => t.facilityId)).toEqual([
        winner,
      ]);
      expect(final.targets?.filter((t) => t.status === 'withdrawn')).toHaveLength(1);
      // The patient hears of one approval, not two.
      expect((await listSms(county.db, { referralId: referral.id })).map((m) => m.kind)).toEqual([
        'approved',
        'submitted',
      ]);
    }
  });

  it('refuses commands from non-parties, the wrong side or the wrong role', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const nurse = await staff('XY-V01', ['nurse']);
    const target = await staff('XY-T01', ['reviewer']);
    const stranger = await staff('XY-V02', ['doctor', 'reviewer']);
    const referral = await draft(doctor, [target.facilityId]);
    const outsider = await stranger.pushRaw(
      'referral_commands',
      created(commandOf(stranger, referral.id, 'submit')),
    );
    expect([outsider.status, outsider.body.error]).toEqual([403, 'out-of-scope']);
    expect((await send(nurse, referral.id, 'submit')).outcome).toMatchObject({
      status: 'refused',
      reason: 'role-missing',
    });
    expect((await send(target, referral.id, 'submit')).outcome?.reason).toBe('wrong-side');
    await send(doctor, referral.id, 'submit');
    // The target may not do the referring side's outgoing review.
    expect((await send(target, referral.id, 'approve')).outcome?.reason).toBe('wrong-side');
    // A user the county does not know has no role.
    const ghost = { ...commandOf(doctor, referral.id, 'cancel'), createdBy: 'nobody' };
    await doctor.push('referral_commands', created(ghost));
    expect((await pulled<ReferralCommandDoc>(doctor, 'referral_commands', ghost.id)).outcome?.reason).toBe(
      'role-missing',
    );
  });

  it('refuses a referral outside the relations, to a revoked facility, or without consent', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const outsider = await staff('XY-T02', ['doctor', 'reviewer']);
    const t01 = county.facilities['XY-T01']?.id ?? '';
    const t02 = county.facilities['XY-T02']?.id ?? '';
    // A draft naming an unrelated institution is refused at push: the patient never reaches it.
    const patient = patientDoc(doctor.facilityId);
    await doctor.push('patients', created(patient));
    const unrelated = referralDoc(doctor.facilityId, patient.id, [t02], { state: 'draft' });
    const refused = await doctor.pushRaw('referrals', created(unrelated));
    expect([refused.status, refused.body.error, refused.body.field]).toEqual([
      403,
      'referral-target-refused',
      'targetFacilityIds',
    ]);
    expect(refused.body.message).toMatch(/西山镇卫生院 is not among this facility's referral relations/);
    expect(await outsider.pullAll('patients')).toEqual([]);
    expect(await outsider.pullAll('referrals')).toEqual([]);
    expect((await doctor.pullAll('referrals')).map((r) => r.id)).not.toContain(unrelated.id);
    const ghost = await doctor.pushRaw(
      'referrals',
      created(referralDoc(doctor.facilityId, patient.id, ['no-such-facility'], { state: 'draft' })),
    );
    expect([ghost.status, ghost.body.message]).toEqual([
      403,
      expect.stringMatching(/institution no-such-facility, which the county does not know/),
    ]);

    // Re-targeting through the submit is judged by the same rule.
    const related = await draft(doctor, [t01]);
    const notRelated = await send(doctor, related.id, 'submit', { targetFacilityIds: [t02] });
    expect(notRelated.outcome).toMatchObject({ status: 'refused', reason: 'target-not-related', seq: 0 });
    expect(notRelated.outcome?.message).toMatch(/relations/);
    expect(await outsider.pullAll('referrals')).toEqual([]);

    const skipping = await draft(doctor, [t01], { consentAttachmentId: undefined });
    const noConsent = await send(doctor, skipping.id, 'submit');
    expect(noConsent.outcome).toMatchObject({ status: 'refused', reason: 'consent-missing' });
    expect(noConsent.outcome?.message).toMatch(/知情同意/);

    // 下线: a new draft to the institution is refused at push; a draft already held is refused at submit.
    const toT01 = await draft(doctor, [t01]);
    await setOffline(county.db, 'XY-T01', true);
    const offline = await doctor.pushRaw(
      'referrals',
      created(referralDoc(doctor.facilityId, patient.id, [t01], { state: 'draft' })),
    );
    expect([offline.status, offline.body.error]).toEqual([403, 'referral-target-refused']);
    expect(offline.body.message).toMatch(/东河镇卫生院 has been taken offline \(下线\)/);
    // Editing the held draft shares nothing new, so it still syncs.
    const held = await pulled<WireDocument>(doctor, 'referrals', toT01.id);
    await doctor.push('referrals', [changed(held, { ...held, reason: '头晕加重' })]);
    const revoked = await send(doctor, toT01.id, 'submit');
    expect(revoked.outcome).toMatchObject({ status: 'refused', reason: 'target-offline' });
    expect(revoked.outcome?.message).toMatch(/下线/);
    expect(await pulled<ReferralDoc>(doctor, 'referrals', toT01.id)).toMatchObject({
      state: 'draft',
      reason: '头晕加重',
    });
  });

  it('refuses an attachment larger than the county takes, naming the file', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const attachment = (size: number, extra: Record<string, unknown> = {}): WireDocument =>
      ({
        id: crypto.randomUUID(),
        facilityId: doctor.facilityId,
        createdAt: new Date(T0).toISOString(),
        updatedAt: new Date(T0).toISOString(),
        createdBy: doctor.userId,
        updatedBy: doctor.userId,
        ownerType: 'referral',
        ownerId: 'referral-1',
        kind: 'consent',
        fileName: '知情同意书.jpg',
        mime: 'image/jpeg',
        size,
        digest: 'ab'.repeat(32),
        digestAlgorithm: 'sha256',
        _deleted: false,
        ...extra,
      }) as WireDocument;
    const big = await doctor.pushRaw('attachments', created(attachment(3 * 1024 * 1024)));
    expect([big.status, big.body.error, big.body.field, big.body.row]).toEqual([
      413,
      'payload-too-large',
      'size',
      0,
    ]);
    expect(big.body.message).toMatch(/"知情同意书.jpg" is 3\.0 MiB; files up to 1\.0 MiB/);
    // The bytes' own length counts, whatever the metadata claims.
    const understated = attachment(1000, {
      _attachments: { scan: { length: 2 * 1024 * 1024, digest: 'sha256-x', content_type: 'image/jpeg' } },
    });
    expect((await doctor.pushRaw('attachments', created(understated))).status).toBe(413);
    const fits = attachment(800 * 1024);
    expect(await doctor.push('attachments', created(fits))).toEqual({ conflicts: [] });
    expect((await doctor.pullAll('attachments')).map((a) => a.id)).toEqual([fits.id]);
  });

  it('review configuration lives in the county database: a change applies to the next command', async () => {
    await start();
    const doctor = await staff('XY-V01', ['doctor']);
    const target = await staff('XY-T01', ['reviewer']);
    const first = await draft(doctor, [target.facilityId]);
    await send(doctor, first.id, 'submit');
    expect((await pulled<ReferralDoc>(doctor, 'referrals', first.id)).state).toBe('outgoing-review');

    const out: string[] = [];
    await runCountyCommand(
      county.db,
      ['review-config', '--facility', 'XY-V01', '--outgoing-free', 'true'],
      (l) => out.push(l),
    );
    await runCountyCommand(
      county.db,
      ['review-config', '--facility', 'XY-T01', '--incoming-levels', '1'],
      (l) => out.push(l),
    );
    expect(out).toEqual(['XY-V01: 转出免审 / 转入审核 3 级', 'XY-T01: 转出审核 2 级 / 转入审核 1 级']);

    const second = await draft(doctor, [target.facilityId]);
    await send(doctor, second.id, 'submit');
    expect((await pulled<ReferralDoc>(doctor, 'referrals', second.id)).state).toBe('incoming-review');
    // One incoming level: a rejection is final, nothing escalates.
    await send(target, second.id, 'reject', { note: '本院床位已满' });
    expect(await pulled<ReferralDoc>(doctor, 'referrals', second.id)).toMatchObject({
      state: 'rejected',
      stateReason: '本院床位已满',
    });

    const listed: string[] = [];
    await runCountyCommand(county.db, ['review-config'], (l) => listed.push(l));
    expect(listed.find((l) => l.startsWith('XY-V01'))).toMatch(/转出免审 \/ 转入审核 3 级 {2}/);
    expect(listed.find((l) => l.startsWith('XY-H01'))).toMatch(/转出审核 2 级 \/ 转入审核 3 级 \(default\)/);
    await expect(
      runCountyCommand(
        county.db,
        ['review-config', '--facility', 'XY-T01', '--incoming-levels', '4'],
        () => {},
      ),
    ).rejects.toThrow(/--incoming-levels must be a whole number from 1 to 3, not "4"/);
    await expect(
      runCountyCommand(county.db, ['review-config', '--outgoing-free', 'maybe'], () => {}),
    ).rejects.toThrow(/--outgoing-free must be true or false/);
    await expect(
      runCountyCommand(county.db, ['review-config', '--outgoing-free', 'yes'], () => {}),
    ).rejects.toThrow(/--facility is required/);
  });

  describe('patient SMS', () => {
    const PHONE = '13812345678';

    class RecordingSender implements SmsSender {
      readonly name = 'recording';
      sent: SmsMessage[] = [];
      /** How many of the next sends fail (Infinity = all). */
      failing = 0;
      async send(message: SmsMessage): Promise<{ providerId?: string }> {
        if (this.failing > 0) {
          this.failing -= 1;
          throw new Error('provider timed out');
        }
        this.sent.push(message);
        return { providerId: `p-${this.sent.length}` };
      }
    }

    function outbox(sender: SmsSender, options: { maxAttempts?: number } = {}): SmsOutbox {
      return new SmsOutbox(
        county.db,
        sender,
        (tx) => county.gateway.referrals.now(tx),
        (error) => {
          throw error;
        },
        { intervalMs: 0, ...options },
      );
    }

    async function cli(...argv: string[]): Promise<string[]> {
      const lines: string[] = [];
      await runCountyCommand(county.db, argv, (line) => lines.push(line));
      return lines;
    }

    it('texts the patient at submit, approval, arrangement and print: once per command, with the visit details', async () => {
      await start();
      await setReviewConfig(county.db, 'XY-V01', { outgoingReviewFree: true });
      const doctor = await staff('XY-V01', ['doctor', 'nurse']);
      const receiver = await staff('XY-T01', ['reviewer', 'doctor']);
      const referral = await draft(
        doctor,
        [receiver.facilityId],
        { serialNo: 'V01-000042' },
        { phone: PHONE },
      );
      await send(doctor, referral.id, 'submit');
      await send(receiver, referral.id, 'review', { decision: 'approve' });
      await send(receiver, referral.id, 'arrange', {
        department: '全科',
        doctor: '赵明',
        scheduledAt: '2026-11-24T00:30:00.000Z',
      });
      const print = commandOf(doctor, referral.id, 'print');
      await doctor.push('referral_commands', created(print));
      // The same print again (a retry under a new push id) queues nothing more.
      await doctor.push('referral_commands', created(print));

      const queued = (await listSms(county.db, { referralId: referral.id })).reverse();
      expect(queued.map((m) => [m.kind, m.status, m.phone])).toEqual([
        ['submitted', 'pending', PHONE],
        ['approved', 'pending', PHONE],
        ['arranged', 'pending', PHONE],
        ['printed', 'pending', PHONE],
      ]);
      expect(queued[0]?.body).toBe(
        '【乡医转诊】张三您好，东河镇柳树村卫生室已为您提交转诊申请（单号V01-000042），转往东河镇卫生院，审核结果将以短信告知。',
      );
      expect(queued[1]?.body).toMatch(/已获东河镇卫生院同意。/);
      expect(queued[2]?.body).toBe(
        '【乡医转诊】张三您好，东河镇卫生院已为您安排就诊（全科，赵明医生，11月24日 08:30），转诊单号V01-000042。请携带身份证、医保卡和转诊单按时就诊。',
      );
      expect(queued[3]?.body).toMatch(
        /转诊单（单号V01-000042）已开具，转往东河镇卫生院（全科，赵明医生，11月24日 08:30）/,
      );
      expect(queued[3]?.commandId).toBe(print.id);

      const sender = new RecordingSender();
      expect(await outbox(sender).deliverDue()).toBe(4);
      expect(await outbox(sender).deliverDue()).toBe(0);
      expect(sender.sent.map((m) => m.phone)).toEqual([PHONE, PHONE, PHONE, PHONE]);
      const sent = await listSms(county.db, { referralId: referral.id, status: 'sent' });
      expect(sent).toHaveLength(4);
      expect(sent.every((m) => m.attempts === 1 && m.providerId?.startsWith('p-') && m.sentAt)).toBe(true);
      const listed = await cli('sms-list', '--referral', referral.id);
      expect(listed[0]).toMatch(/sent +printed +tries 1 138\*\*\*\*5678/);
      expect(listed.join('\n')).not.toContain(PHONE);
    });

    it('retries with backoff, gives up after the last attempt, and a county admin resends', async () => {
      await start();
      await setReviewConfig(county.db, 'XY-V01', { outgoingReviewFree: true });
      const doctor = await staff('XY-V01', ['doctor']);
      const receiver = await staff('XY-T01', ['reviewer']);
      const withPhone = await draft(doctor, [receiver.facilityId], {}, { phone: '+86 138-1234-5678' });
      await send(doctor, withPhone.id, 'submit');
      const sender = new RecordingSender();
      const loop = outbox(sender, { maxAttempts: 3 });

      sender.failing = 1;
      expect(await loop.deliverDue()).toBe(0);
      let [message] = await listSms(county.db, { referralId: withPhone.id });
      expect(message).toMatchObject({
        status: 'pending',
        attempts: 1,
        phone: PHONE,
        lastError: 'provider timed out',
        nextAttemptAt: new Date(clock + 30_000).toISOString(),
      });
      // Not due yet: nothing is tried.
      expect(await loop.deliverDue()).toBe(0);
      clock += 30_000;
      expect(await loop.deliverDue()).toBe(1);
      [message] = await listSms(county.db, { referralId: withPhone.id });
      expect(message).toMatchObject({ status: 'sent', attempts: 2, lastError: null });

      // A provider that keeps failing: 30 s, then 60 s, then the message is failed.
      const stubborn = await draft(doctor, [receiver.facilityId], {}, { phone: PHONE });
      await send(doctor, stubborn.id, 'submit');
      sender.failing = Number.POSITIVE_INFINITY;
      expect(await loop.deliverDue()).toBe(0);
      clock += 30_000;
      expect(await loop.deliverDue()).toBe(0);
      clock += 60_000;
      expect(await loop.deliverDue()).toBe(0);
      [message] = await listSms(county.db, { referralId: stubborn.id });
      expect(message).toMatchObject({ status: 'failed', attempts: 3 });
      clock += 3_600_000;
      expect(await loop.deliverDue()).toBe(0);
      sender.failing = 0;
      // The admin's resend is due at the database's own now(): the test's sender clock must not lag it
      // (it started at a fixed T0, so it did once the day's wall clock passed T0 + 1.5 h).
      clock = Math.max(clock, Date.now() + 60_000);
      expect(await cli('sms-resend', '--id', message?.id ?? '')).toEqual([
        `SMS ${message?.id} will be sent again by the gateway's sender (to 138****5678).`,
      ]);
      expect(await loop.deliverDue()).toBe(1);

      // No phone on the record: kept as no-phone (not retried) until the number is added and it is resent.
      const noPhone = await draft(doctor, [receiver.facilityId]);
      await send(doctor, noPhone.id, 'submit');
      [message] = await listSms(county.db, { referralId: noPhone.id });
      expect(message).toMatchObject({ status: 'no-phone', phone: null });
      expect(message?.lastError).toMatch(/no phone number/);
      expect(await loop.deliverDue()).toBe(0);
      expect((await cli('sms-resend', '--id', message?.id ?? ''))[0]).toMatch(
        /cannot be sent: .*no phone number/,
      );
      const patient = await pulled<WireDocument>(
        doctor,
        'patients' as 'referrals',
        String(noPhone.patientId),
      );
      await doctor.push('patients', [changed(patient, { ...patient, phone: '13900001111' })]);
      await cli('sms-resend', '--id', message?.id ?? '');
      clock = Math.max(clock, Date.now() + 60_000);
      expect(await loop.deliverDue()).toBe(1);
      expect(sender.sent.at(-1)?.phone).toBe('13900001111');
      await expect(cli('sms-resend', '--id', 'nope')).rejects.toThrow(/no SMS with id nope/);
      await expect(cli('sms-list', '--status', 'lost')).rejects.toThrow(/status must be one of/);
    });

    it('tells the patient of an auto-rejection (自动驳回) made by the sweep', async () => {
      await start();
      const doctor = await staff('XY-V01', ['doctor']);
      const target = await staff('XY-T01', ['reviewer']);
      const referral = await draft(doctor, [target.facilityId], {}, { phone: PHONE });
      await send(doctor, referral.id, 'submit');
      clock = T0 + 31 * MINUTE;
      expect(await county.gateway.referrals.sweep()).toEqual([referral.id]);
      const [latest] = await listSms(county.db, { referralId: referral.id });
      expect(latest?.kind).toBe('auto-rejected');
      expect(latest?.body).toMatch(/因审核超时未获答复，已自动驳回，东河镇柳树村卫生室的医生将为您另选医院/);
    });

    it('two senders (two gateway processes) never send one message twice', async () => {
      await start();
      await setReviewConfig(county.db, 'XY-V01', { outgoingReviewFree: true });
      const doctor = await staff('XY-V01', ['doctor']);
      const receiver = await staff('XY-T01', ['reviewer']);
      for (let i = 0; i < 6; i += 1) {
        const referral = await draft(doctor, [receiver.facilityId], {}, { phone: PHONE });
        await send(doctor, referral.id, 'submit');
      }
      const sender = new RecordingSender();
      const slow: SmsSender = {
        name: 'slow',
        async send(message) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return sender.send(message);
        },
      };
      const [sentA, sentB] = await Promise.all([outbox(slow).deliverDue(), outbox(slow).deliverDue()]);
      expect(sentA + sentB).toBe(6);
      expect(new Set(sender.sent.map((m) => m.id)).size).toBe(6);
      expect(sender.sent).toHaveLength(6);

      // Judging a command that already has its message queues nothing (one message per command id).
      const [last] = await listSms(county.db, { limit: 1 });
      const referrals = await loadDocs(county.db, 'referrals', [last?.referralId ?? '']);
      const again = await county.db.transaction((tx) =>
        enqueueSms(tx, [
          {
            command: { id: last?.commandId, command: 'submit', payload: {} },
            referral: referrals.get(last?.referralId ?? ''),
            events: [{ kind: 'submitted', targets: [] }],
            decision: { ok: true, next: {}, events: [] },
          } as unknown as CommandJudgement,
        ]),
      );
      expect(again).toBe(0);
      expect(await listSms(county.db)).toHaveLength(6);
    });
  });
});
