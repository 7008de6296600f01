import { create } from 'zustand';
import type { FacilityDoc } from '../../sync/protocol/schema';
import type { Session } from '../auth/session';
import type { ClinicDatabase } from '../store/database';

export type Page =
  | 'patients'
  | 'vitals'
  | 'referrals'
  | 'inbox'
  | 'appointments'
  | 'slots'
  | 'statistics'
  | 'verify'
  | 'users'
  | 'audit'
  | 'sync'
  | 'settings';

export type Phase =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'enrol' }
  | { kind: 'sign-in' }
  | { kind: 'ready' };

interface AppState {
  phase: Phase;
  db?: ClinicDatabase;
  facility?: FacilityDoc;
  session?: Session;
  locked: boolean;
  page: Page;
  opened(db: ClinicDatabase, facility: FacilityDoc | undefined): void;
  failed(message: string): void;
  signedIn(session: Session, facility: FacilityDoc): void;
  signedOut(): void;
  lock(): void;
  unlock(): void;
  go(page: Page): void;
}

export const useApp = create<AppState>((set) => ({
  phase: { kind: 'loading' },
  locked: false,
  page: 'patients',
  opened: (db, facility) => set({ db, facility, phase: facility ? { kind: 'sign-in' } : { kind: 'enrol' } }),
  failed: (message) => set({ phase: { kind: 'failed', message } }),
  signedIn: (session, facility) =>
    set({ session, facility, locked: false, page: 'patients', phase: { kind: 'ready' } }),
  signedOut: () => set({ session: undefined, locked: false, phase: { kind: 'sign-in' } }),
  lock: () => set((state) => (state.session ? { locked: true } : {})),
  unlock: () => set({ locked: false }),
  go: (page) => set({ page }),
}));

/** For components under the signed-in shell, where these are always present. */
export function useSignedIn() {
  const { db, session, facility } = useApp();
  if (!db || !session || !facility) throw new Error('useSignedIn used outside the signed-in shell');
  return { db, session, facility };
}
