/**
 * 号源: the overnight download and its morning report (admin), this clinic's
 * quota slots (bookable offline), the county's online pool, and the bookings.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { can } from '../../sync/protocol/roles';
import { useSignedIn } from '../app/app-store';
import { useSync } from '../sync/sync-store';
import { BookingsCard } from './BookingsCard';
import { type BookingTarget, BookSlotDialog } from './BookSlotDialog';
import { confirmWaitingBookings } from './booking';
import { MorningReportCard } from './MorningReportCard';
import { OvernightCard } from './OvernightCard';
import { reachCounty } from './overnight-scheduler';
import { PoolCard } from './PoolCard';
import { QuotaSlotsCard } from './QuotaSlotsCard';
import { RebookingNotice } from './RebookingNotice';
import { useDirectory } from './use-directory';
import './slots.css';

export function SlotsPage() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const directory = useDirectory(db);
  const online = useSync((state) => state.linked && state.online);
  const [target, setTarget] = useState<BookingTarget>();
  const [message, setMessage] = useState<{ text: string; tone: 'ok' | 'warn' }>();
  const mayBook = can(session.roles, 'referral.create');

  // Online bookings made while offline are confirmed when the link comes back.
  useEffect(() => {
    if (!online || !mayBook) return;
    void reachCounty(session.userId).then((county) =>
      county ? confirmWaitingBookings(db, session, county).catch(() => undefined) : undefined,
    );
  }, [online, mayBook, db, session]);

  return (
    <div className="slots-page">
      <h1>{t('slots.title')}</h1>
      <RebookingNotice />
      {message ? (
        <p
          className={message.tone === 'ok' ? 'notice ok' : 'notice'}
          role="status"
          data-testid="slots-message"
        >
          {message.text}
        </p>
      ) : null}
      <div className="slots-columns">
        <div className="slots-column">
          <BookingsCard directory={directory} mayBook={mayBook} />
          <QuotaSlotsCard
            directory={directory}
            mayBook={mayBook}
            onBook={(slot) => setTarget({ mode: 'quota', slot })}
          />
          <PoolCard
            directory={directory}
            mayBook={mayBook}
            onBook={(slot) => setTarget({ mode: 'online', slot })}
          />
        </div>
        <div className="slots-column">
          <OvernightCard />
          <MorningReportCard directory={directory} />
        </div>
      </div>
      {target ? (
        <BookSlotDialog
          target={target}
          directory={directory}
          onClose={(result) => {
            setTarget(undefined);
            if (result) setMessage(result);
          }}
        />
      ) : null}
    </div>
  );
}
