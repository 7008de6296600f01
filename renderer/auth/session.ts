import type { Role } from '../../sync/protocol/schema';

/** Who is at the keyboard: every guarded action and audit entry is made as this. */
export interface Session {
  userId: string;
  userName: string;
  roles: Role[];
  facilityId: string;
  facilityName: string;
}
