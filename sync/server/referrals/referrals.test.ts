import { afterEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../../protocol/replication';
import type { Role } from '../../protocol/schema/people';
import type { ReferralCommandDoc, ReferralDoc } from '../../protocol/schema/referrals';
import { addFacility, relate, setOffline } from '../facilities/registry';
import { BACKENDS, useBackend } from '../testing/backends';
import type { ClinicClient } from '../testing/client';
import { changed, created, patientDoc, referralDoc } from '../testing/fixtures';
import { startGateway, type TestGateway } from '../testing/start-gateway';

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
  ): Promise<WireDocument> {
    const patient = patientDoc(by.facilityId);
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
    county.gateway.referrals.reviewConfig = {
      [county.facilities['XY-H01']?.id ?? '']: { outgoingReviewFree: true },
    };
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
    county.gateway.referrals.reviewConfig = { [township.facilityId]: { outgoingReviewFree: true } };
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
    const unrelated = await draft(doctor, [county.facilities['XY-T02']?.id ?? '']);
    const notRelated = await send(doctor, unrelated.id, 'submit');
    expect(notRelated.outcome).toMatchObject({ status: 'refused', reason: 'target-not-related', seq: 0 });
    expect(notRelated.outcome?.message).toMatch(/relations/);
    const skipping = await draft(doctor, [county.facilities['XY-T01']?.id ?? ''], {
      consentAttachmentId: undefined,
    });
    expect((await send(doctor, skipping.id, 'submit')).outcome?.reason).toBe('consent-missing');

    const toT01 = await draft(doctor, [county.facilities['XY-T01']?.id ?? '']);
    await setOffline(county.db, 'XY-T01', true);
    const revoked = await send(doctor, toT01.id, 'submit');
    expect(revoked.outcome).toMatchObject({ status: 'refused', reason: 'target-offline' });
    expect(revoked.outcome?.message).toMatch(/下线/);
    expect((await pulled<ReferralDoc>(doctor, 'referrals', toT01.id)).state).toBe('draft');
  });
});
