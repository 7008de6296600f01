/** What the sync panel and the header show: one snapshot, updated by the replication. */
import { create } from 'zustand';

export interface SyncError {
  code: string;
  message: string;
  at: string;
}

export interface SyncSnapshot {
  /** Whether this workstation holds a county credential at all. */
  linked: boolean;
  running: boolean;
  online: boolean;
  lastSuccessAt?: string;
  /** Local changes not yet stored by the county, per collection. */
  waiting: Record<string, number>;
  bytesUp: number;
  bytesDown: number;
  /** Documents pulled so far and still to come, summed over collections. */
  pulled: number;
  remaining: number;
  lastError?: SyncError;
  nextRetryAt?: string;
}

export const EMPTY_SYNC: SyncSnapshot = {
  linked: false,
  running: false,
  online: false,
  waiting: {},
  bytesUp: 0,
  bytesDown: 0,
  pulled: 0,
  remaining: 0,
};

export const useSync = create<SyncSnapshot & { set(patch: Partial<SyncSnapshot>): void; reset(): void }>(
  (set) => ({
    ...EMPTY_SYNC,
    set: (patch) => set(patch),
    reset: () => set(EMPTY_SYNC),
  }),
);

export function totalWaiting(snapshot: Pick<SyncSnapshot, 'waiting'>): number {
  return Object.values(snapshot.waiting).reduce((sum, n) => sum + n, 0);
}
