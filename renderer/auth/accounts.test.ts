import { describe, expect, it } from 'vitest';
import { PermissionDenied } from '../../sync/protocol/roles';
import { enrolledClinic, TEST_ADMIN } from '../testing/test-clinic';
import { AccountError, createUser, setActive, setPin, signIn } from './accounts';
import { MAX_FAILED_ATTEMPTS } from './lockout';

const facilityOf = (session: { facilityId: string; facilityName: string }) => ({
  id: session.facilityId,
  name: session.facilityName,
});

describe('offline sign-in', () => {
  it('stores an Argon2id hash, never the password, and signs in offline with it', async () => {
    const { db, admin } = await enrolledClinic();
    const stored = (await db.users.findOne(admin.userId).exec())?.toJSON();
    expect(stored?.password.kdf).toBe('argon2id');
    expect(stored?.password.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(stored)).not.toContain(TEST_ADMIN.password);
    const result = await signIn(db, facilityOf(admin), 'WANG.ADMIN ', TEST_ADMIN.password);
    expect(result).toMatchObject({ ok: true, session: { userId: admin.userId, roles: ['admin'] } });
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const { db, admin } = await enrolledClinic();
    expect(await signIn(db, facilityOf(admin), 'nobody', 'x')).toEqual({
      ok: false,
      reason: 'wrong-credentials',
    });
    expect(await signIn(db, facilityOf(admin), TEST_ADMIN.username, 'wrong-password')).toEqual({
      ok: false,
      reason: 'wrong-credentials',
    });
  });

  it(`locks an account after ${MAX_FAILED_ATTEMPTS} failures, even for the right password, until the lock expires`, async () => {
    const { db, admin } = await enrolledClinic();
    const now = new Date('2026-11-21T10:00:00Z');
    let last: Awaited<ReturnType<typeof signIn>> | undefined;
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++)
      last = await signIn(db, facilityOf(admin), TEST_ADMIN.username, `guess-${i}`, now);
    expect(last).toMatchObject({ ok: false, reason: 'locked-out' });
    expect(await signIn(db, facilityOf(admin), TEST_ADMIN.username, TEST_ADMIN.password, now)).toMatchObject({
      ok: false,
      reason: 'locked-out',
    });
    const later = new Date(now.getTime() + 16 * 60_000);
    expect(
      await signIn(db, facilityOf(admin), TEST_ADMIN.username, TEST_ADMIN.password, later),
    ).toMatchObject({ ok: true });
    const failures = await db.audit.find({ selector: { action: 'session.sign-in-failed' } }).exec();
    expect(failures).toHaveLength(MAX_FAILED_ATTEMPTS + 1);
  });

  it('lets each person have their own account, by admins only, and refuses a taken username', async () => {
    const { db, admin, as } = await enrolledClinic();
    const nurse = {
      displayName: '李护士',
      username: 'li.nurse',
      roles: ['nurse' as const],
      password: 'Nurse-pass-1',
    };
    await expect(createUser(db, as(['doctor']), nurse)).rejects.toBeInstanceOf(PermissionDenied);
    await createUser(db, admin, nurse);
    await expect(createUser(db, admin, nurse)).rejects.toEqual(
      new AccountError([{ field: 'username', problem: 'taken' }]),
    );
    await expect(
      createUser(db, admin, { ...nurse, username: 'Li Nurse', password: '1234', roles: [] }),
    ).rejects.toMatchObject({
      problems: [
        { field: 'username', problem: 'format' },
        { field: 'roles', problem: 'empty' },
        { field: 'password', problem: 'too-short' },
      ],
    });
    const signedIn = await signIn(db, facilityOf(admin), 'li.nurse', 'Nurse-pass-1');
    expect(signedIn).toMatchObject({ ok: true, session: { roles: ['nurse'] } });
  });

  it('unlocks with a PIN, and refuses a deactivated account', async () => {
    const { db, admin } = await enrolledClinic();
    expect(await setPin(db, admin, '111111')).toBe('too-simple');
    expect(await setPin(db, admin, '12ab56')).toBe('pin-digits');
    expect(await setPin(db, admin, '402815')).toBeNull();
    expect(await signIn(db, facilityOf(admin), TEST_ADMIN.username, '402815')).toMatchObject({ ok: true });

    const doctor = await createUser(db, admin, {
      displayName: '赵医生',
      username: 'zhao',
      roles: ['doctor'],
      password: 'Doctor-pass-1',
    });
    await setActive(db, admin, doctor.id, false);
    expect(await signIn(db, facilityOf(admin), 'zhao', 'Doctor-pass-1')).toEqual({
      ok: false,
      reason: 'inactive',
    });
    await expect(setActive(db, admin, admin.userId, false)).rejects.toThrow(/own account/);
  });
});
