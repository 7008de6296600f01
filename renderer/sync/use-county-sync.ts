import { useEffect } from 'react';
import { type AttachmentUploader, startAttachmentUploader } from '../attachments/uploader';
import type { Session } from '../auth/session';
import { connectBridge } from '../bridge/connect';
import type { ClinicDatabase } from '../store/database';
import { countyApi, readCountyLink } from './county-link';
import { type CountySync, startCountySync } from './replication';
import { useSync } from './sync-store';

let current: CountySync | undefined;

/** The running replication, for the "sync now" button. */
export function currentCountySync(): CountySync | undefined {
  return current;
}

/** Replication runs while someone is signed in, as that user; it stops at sign-out. */
export function useCountySync(db: ClinicDatabase, session: Session): void {
  useEffect(() => {
    let cancelled = false;
    let running: CountySync | undefined;
    let uploads: AttachmentUploader | undefined;
    void readCountyLink(connectBridge()).then((link) => {
      if (cancelled) return;
      if (!link || link.facilityId !== session.facilityId) {
        useSync.getState().set({ linked: false });
        return;
      }
      const api = countyApi(link, session.userId, (up, down) => {
        const state = useSync.getState();
        state.set({ bytesUp: state.bytesUp + up, bytesDown: state.bytesDown + down });
      });
      running = startCountySync(db, api, session.facilityId);
      uploads = startAttachmentUploader(db, api, session.facilityId);
      current = running;
    });
    return () => {
      cancelled = true;
      if (current === running) current = undefined;
      void uploads?.stop();
      void running?.stop();
    };
  }, [db, session.facilityId, session.userId]);
}
