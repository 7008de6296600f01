import { ROLES, type Role } from './schema/people';

/**
 * What each role may do. One table, read by the UI (to hide what cannot be
 * done) and by the data layer and the gateway (to refuse it).
 */
export const PERMISSIONS = {
  // Every role reads patients: reviewers read the patient and the form they decide on.
  'patient.read': ROLES,
  'patient.register': ['doctor', 'nurse', 'admin'],
  'patient.edit': ['doctor', 'nurse', 'admin'],
  'patient.merge': ['doctor', 'admin'],
  'patient.register-death': ['doctor', 'admin'],
  'reading.capture': ['doctor', 'nurse'],
  'referral.create': ['doctor'],
  // Which level each of these may review is the state machine's (`reviewRoleFor`).
  'referral.review': ['reviewer', 'department-head', 'medical-affairs', 'vice-president'],
  'user.manage': ['admin'],
  'audit.read': ['admin'],
  'sync.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

export function can(roles: readonly Role[], action: Action): boolean {
  const allowed: readonly Role[] = PERMISSIONS[action];
  return roles.some((role) => allowed.includes(role));
}

export class PermissionDenied extends Error {
  constructor(
    readonly action: Action,
    readonly roles: readonly Role[],
  ) {
    super(
      `permission denied: ${action} needs one of ${PERMISSIONS[action].join(', ')}; user has ${roles.join(', ') || 'no role'}`,
    );
    this.name = 'PermissionDenied';
  }
}

export function assertCan(roles: readonly Role[], action: Action): void {
  if (!can(roles, action)) throw new PermissionDenied(action, roles);
}
