/**
 * Failed sign-in attempts lock an account for a while, so a PIN cannot be
 * guessed at the keyboard. Pure rules; the accounts module stores the counts.
 */
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCKOUT_MINUTES = 15;

export function afterFailedAttempt(
  failedAttempts: number,
  now: Date,
): { failedAttempts: number; lockedUntil?: string } {
  const next = failedAttempts + 1;
  if (next < MAX_FAILED_ATTEMPTS) return { failedAttempts: next };
  return { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCKOUT_MINUTES * 60_000).toISOString() };
}

export function isLockedOut(lockedUntil: string | undefined, now: Date): boolean {
  return lockedUntil !== undefined && new Date(lockedUntil).getTime() > now.getTime();
}

/** Minutes without keyboard or mouse before the screen locks. */
export const DEFAULT_IDLE_LOCK_MINUTES = 5;

export function isIdle(lastActivity: number, now: number, idleMinutes: number): boolean {
  return now - lastActivity >= idleMinutes * 60_000;
}
