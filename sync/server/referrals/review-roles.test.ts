/**
 * Review roles by level, as the county judges them: each level of the incoming
 * review is for its own role (科室主任, then 医务部, then 分管院领导); a user
 * who holds another level's role is refused with `role-missing`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { WireDocument } from '../../protocol/replication';
import type { Role } from '../../protocol/schema/people';
import type { ReferralCommandDoc, ReferralDoc } from '../../protocol/schema/referrals';
import { runCountyCommand } from '../county-cli';
import { BACKENDS, useBackend } from '../testing/backends';
import type { ClinicClient } from '../testing/client';
import { commandDoc, created, patientDoc, referralDoc, userDoc } from '../testing/fixtures';
import { startGateway, type TestGateway } from '../testing/start-gateway';
import { setReviewConfig } from './review-config';

describe.each(BACKENDS)('review roles by level at the gateway on %s', (kind) => {
  const backend = useBackend(kind);
  let county: TestGateway;

  afterEach(async () => {
    await county?.close();
  });

  /** A user of this facility holding `roles`, signed in; the account reaches the county as a clinic pushes it. */
  async function user(code: string, id: string, roles: Role[]): Promise<ClinicClient> {
    const client = await county.clinic(code, id);
    await client.push('users', created(userDoc(client.facilityId, id, roles)));
    return client;
  }

  /** The command as its issuer pulls it back, judged. */
  async function send(
    by: ClinicClient,
    referralId: string,
    command: string,
    payload: Record<string, unknown> = {},
  ): Promise<ReferralCommandDoc> {
    const doc = { ...commandDoc(by.facilityId, referralId, command), payload, createdBy: by.userId };
    await by.push('referral_commands', created(doc as WireDocument));
    const back = (await by.pullAll('referral_commands')).find((c) => c.id === doc.id);
    return back as unknown as ReferralCommandDoc;
  }

  it("refuses a department head's approval at incoming level 2 (medical affairs decides it)", async () => {
    county = await startGateway({ db: await backend.fresh() });
    await county.gateway.referrals.stop();
    // The township sends without its own review; the county hospital reviews in three levels.
    await setReviewConfig(county.db, 'XY-T01', { outgoingReviewFree: true });
    const doctor = await user('XY-T01', 't01-doctor', ['doctor']);
    const head = await user('XY-H01', 'h01-head', ['department-head']);
    const affairs = await user('XY-H01', 'h01-affairs', ['medical-affairs']);

    const patient = patientDoc(doctor.facilityId);
    await doctor.push('patients', created(patient));
    const referral = referralDoc(doctor.facilityId, patient.id, [head.facilityId], {
      type: 'inpatient',
      state: 'draft',
      consentAttachmentId: 'consent-1',
    });
    await doctor.push('referrals', created(referral));
    expect((await send(doctor, referral.id, 'submit')).outcome?.status).toBe('applied');

    // Level 1 is the department head's: medical affairs may not decide it yet.
    expect((await send(affairs, referral.id, 'approve')).outcome).toMatchObject({ reason: 'role-missing' });
    const rejected = await send(head, referral.id, 'reject', { note: '本科室床位已满' });
    expect(rejected.outcome?.status).toBe('applied');

    const refused = await send(head, referral.id, 'approve');
    expect(refused.outcome).toMatchObject({ status: 'refused', reason: 'role-missing' });
    expect(refused.outcome?.status === 'refused' && refused.outcome.message).toContain(
      'Level 2 of the incoming review is for medical affairs (医务部)',
    );
    expect((await send(affairs, referral.id, 'approve', { level: 2 })).outcome?.status).toBe('applied');
    const atHospital = (await head.pullAll('referrals')).find(
      (r) => r.id === referral.id,
    ) as unknown as ReferralDoc;
    expect(atHospital).toMatchObject({ state: 'approved', acceptedFacilityId: head.facilityId });
  });

  it('the county registry takes the level roles for its staff, and names the roles when one is unknown', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const lines: string[] = [];
    const run = (...argv: string[]) => runCountyCommand(county.db, argv, (line) => lines.push(line));
    await run('add-staff', '--facility', 'XY-H01', '--name', '周院长', '--roles', 'doctor,vice-president');
    await run('add-staff', '--facility', 'XY-H01', '--name', '吴主任', '--roles', 'department-head');
    await expect(run('add-staff', '--facility', 'XY-H01', '--name', 'x', '--roles', 'dean')).rejects.toThrow(
      /roles must be among .*department-head, medical-affairs, vice-president/,
    );
    const client = await county.clinic('XY-T01', 'reader');
    const staff = (await client.pullAll('staff')).filter((s) =>
      ['周院长', '吴主任'].includes(String(s.name)),
    );
    expect(staff.map((s) => s.roles)).toEqual([['doctor', 'vice-president'], ['department-head']]);
  });
});
