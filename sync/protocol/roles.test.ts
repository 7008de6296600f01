import { describe, expect, it } from 'vitest';
import { type Action, assertCan, can, PERMISSIONS, PermissionDenied } from './roles';
import { ROLES } from './schema';

describe('role permissions', () => {
  it('lets only admins manage users and read the audit trail', () => {
    for (const role of ROLES) {
      expect(can([role], 'user.manage')).toBe(role === 'admin');
      expect(can([role], 'audit.read')).toBe(role === 'admin');
    }
  });

  it('lets a reviewer read patients but not change them', () => {
    expect(can(['reviewer'], 'patient.read')).toBe(true);
    expect(can(['reviewer'], 'patient.register')).toBe(false);
    expect(can(['reviewer'], 'patient.edit')).toBe(false);
  });

  it('keeps death registration and merging to doctors and admins', () => {
    expect(can(['nurse'], 'patient.register-death')).toBe(false);
    expect(can(['nurse'], 'patient.merge')).toBe(false);
    expect(can(['doctor'], 'patient.merge')).toBe(true);
  });

  it('combines roles: a person with several roles may do what any of them may', () => {
    expect(can(['nurse', 'reviewer'], 'referral.review')).toBe(true);
    expect(can([], 'patient.read')).toBe(false);
  });

  it('names the action and the roles that would be needed when it refuses', () => {
    expect(() => assertCan(['nurse'], 'user.manage')).toThrow(new PermissionDenied('user.manage', ['nurse']));
    expect(() => assertCan(['nurse'], 'user.manage')).toThrow(
      /user\.manage needs one of admin; user has nurse/,
    );
  });

  it('lets the level reviewers (科室主任, 医务部, 分管院领导) review and read patients, nothing more', () => {
    for (const role of ['department-head', 'medical-affairs', 'vice-president'] as const) {
      const allowed = Object.keys(PERMISSIONS).filter((action) => can([role], action as Action));
      expect(allowed, role).toEqual(['patient.read', 'referral.review']);
    }
    expect(can(['reviewer'], 'referral.review')).toBe(true);
    expect(can(['doctor', 'nurse', 'admin'], 'referral.review')).toBe(false);
  });

  it('lists only known roles', () => {
    for (const roles of Object.values(PERMISSIONS)) for (const role of roles) expect(ROLES).toContain(role);
  });
});
