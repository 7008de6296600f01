/**
 * The archive copies of a referral's slip (转诊单存档), newest first, each
 * with when it was kept and a way to open it. Bytes that are not on this
 * workstation (archived at another PC of the clinic) come from the county.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentDoc } from '../../../sync/protocol/schema';
import { AttachmentUnavailable, type FetchProblem, openAttachment } from '../../attachments/downloader';
import type { ClinicDatabase } from '../../store/database';
import { currentCountySync } from '../../sync/use-county-sync';
import { localTime } from '../../vitals/format';
import { formatBytes } from '../form/attachment-rules';
import { FILE_ATTACHMENT_ID } from '../form/attachment-store';
import { SLIP_ARCHIVE_KIND } from './slip-archive';

interface Row {
  doc: AttachmentDoc;
  here: boolean;
}

function useSlipArchives(db: ClinicDatabase, referralId: string): Row[] {
  const [rows, setRows] = useState<Row[]>([]);
  useEffect(() => {
    const subscription = db.attachments
      .find({
        selector: { ownerId: referralId, kind: SLIP_ARCHIVE_KIND },
        sort: [{ createdAt: 'desc' }],
      })
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

/** Hands the PDF to the system under its file name (the app opens no new windows). */
function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function SlipArchiveList({ db, referralId }: { db: ClinicDatabase; referralId: string }) {
  const { t } = useTranslation();
  const rows = useSlipArchives(db, referralId);
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ id: string; problem: FetchProblem }>();

  const open = async (doc: AttachmentDoc) => {
    setBusy(doc.id);
    setProblem(undefined);
    try {
      saveBlob(await openAttachment(db, currentCountySync()?.api, doc.id), doc.fileName);
    } catch (error) {
      setProblem({ id: doc.id, problem: error instanceof AttachmentUnavailable ? error.problem : 'offline' });
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="slip-archive" data-testid="slip-archive">
      <h4>{t('slip.archive.title')}</h4>
      {rows.length === 0 ? (
        <p className="note">{t('slip.archive.none')}</p>
      ) : (
        <ul className="attachment-list">
          {rows.map(({ doc, here }, index) => (
            <li key={doc.id} data-testid="slip-archive-entry" data-here={here}>
              <span data-testid="slip-archive-date">{localTime(doc.createdAt)}</span>
              {index === 0 ? <span className="badge">{t('slip.archive.newest')}</span> : null}
              <span className="attachment-name">{doc.fileName}</span>
              <span className="note">{formatBytes(doc.size)}</span>
              {here ? null : <span className="badge waiting">{t('attachments.notArrived')}</span>}
              <button
                type="button"
                className="link"
                disabled={busy === doc.id}
                onClick={() => void open(doc)}
              >
                {busy === doc.id ? t('attachments.fetching') : t('slip.archive.open')}
              </button>
              {problem?.id === doc.id ? (
                <span className="warn" role="alert">
                  {t(`attachments.problem.${problem.problem}`)}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
