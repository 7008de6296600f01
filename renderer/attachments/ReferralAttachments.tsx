/**
 * A referral's files as the receiving side sees them: kind, name, size, and
 * whether the bytes are here. Opening one that is not here fetches it from the
 * county first (downloader.ts); one the county does not have yet says so.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentDoc } from '../../sync/protocol/schema';
import { formatBytes } from '../referrals/form/attachment-rules';
import { FILE_ATTACHMENT_ID } from '../referrals/form/attachment-store';
import type { ClinicDatabase } from '../store/database';
import { currentCountySync } from '../sync/use-county-sync';
import { AttachmentUnavailable, type FetchProblem, openAttachment } from './downloader';

interface Row {
  doc: AttachmentDoc;
  here: boolean;
}

function useReferralAttachments(db: ClinicDatabase, referralId: string): Row[] {
  const [rows, setRows] = useState<Row[]>([]);
  useEffect(() => {
    const subscription = db.attachments
      .find({ selector: { ownerType: 'referral', ownerId: referralId }, sort: [{ createdAt: 'asc' }] })
      .$.subscribe((docs) =>
        setRows(
          docs.map((doc) => ({
            doc: doc.toJSON() as AttachmentDoc,
            here: doc.getAttachment(FILE_ATTACHMENT_ID) !== null,
          })),
        ),
      );
    return () => subscription.unsubscribe();
  }, [db, referralId]);
  return rows;
}

/** Hands the file to the system as a download named like the original (new windows are blocked). */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function ReferralAttachments(props: { db: ClinicDatabase; referralId: string }) {
  const { t } = useTranslation();
  const rows = useReferralAttachments(props.db, props.referralId);
  const [busy, setBusy] = useState<string | null>(null);
  const [problems, setProblems] = useState<Record<string, FetchProblem>>({});

  const open = async (doc: AttachmentDoc) => {
    setBusy(doc.id);
    setProblems(({ [doc.id]: _gone, ...rest }) => rest);
    try {
      saveBlob(await openAttachment(props.db, currentCountySync()?.api, doc.id), doc.fileName);
    } catch (error) {
      const problem: FetchProblem = error instanceof AttachmentUnavailable ? error.problem : 'offline';
      setProblems((current) => ({ ...current, [doc.id]: problem }));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <h3>{t('attachments.title')}</h3>
      {rows.length === 0 ? (
        <p className="note">{t('attachments.none')}</p>
      ) : (
        <ul className="attachment-list" data-testid="referral-attachments">
          {rows.map(({ doc, here }) => (
            <li key={doc.id} data-testid="referral-attachment" data-here={here}>
              <span className="badge">{t(`referral.attachments.kind.${doc.kind}`)}</span>{' '}
              <span className="attachment-name">{doc.fileName}</span>{' '}
              <span className="note">{formatBytes(doc.size)}</span>{' '}
              <span className={`badge${here ? '' : ' waiting'}`}>
                {here ? t('attachments.here') : t('attachments.notArrived')}
              </span>{' '}
              <button
                type="button"
                className="link"
                disabled={busy === doc.id}
                onClick={() => void open(doc)}
              >
                {busy === doc.id
                  ? t('attachments.fetching')
                  : here
                    ? t('attachments.open')
                    : t('attachments.download')}
              </button>
              {problems[doc.id] ? (
                <p className="warn" role="alert" data-testid="attachment-problem">
                  {t(`attachments.problem.${problems[doc.id]}`)}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
