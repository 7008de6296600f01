import { type ChangeEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttachmentDoc } from '../../../sync/protocol/schema';
import type { Session } from '../../auth/session';
import type { ClinicDatabase } from '../../store/database';
import {
  type AttachmentKind,
  type AttachmentProblem,
  formatBytes,
  REFERRAL_ATTACHMENT_KINDS,
} from './attachment-rules';
import { AttachmentRefused, attachFile, removeAttachment } from './attachment-store';

/**
 * The referral's attachments, live (metadata only; the bytes stay on the document). Slip archive
 * copies (kind `slip`) are the slip panel's, not the doctor's files: not listed, not counted.
 */
export function useAttachments(db: ClinicDatabase, referralId: string): AttachmentDoc[] {
  const [attachments, setAttachments] = useState<AttachmentDoc[]>([]);
  useEffect(() => {
    const subscription = db.attachments
      .find({ selector: { ownerId: referralId, kind: { $ne: 'slip' } }, sort: [{ createdAt: 'asc' }] })
      .$.subscribe((docs) => setAttachments(docs.map((doc) => doc.toJSON() as AttachmentDoc)));
    return () => subscription.unsubscribe();
  }, [db, referralId]);
  return attachments;
}

/** The sentence for a refused file: which file, how big, what the limit is. */
export function useProblemText() {
  const { t } = useTranslation();
  return (problem: AttachmentProblem) => {
    const values: Record<string, string | number> = { file: problem.fileName };
    if ('size' in problem) values.size = formatBytes(problem.size);
    if ('limit' in problem)
      values.limit = problem.code === 'too-many-files' ? problem.limit : formatBytes(problem.limit);
    if ('total' in problem) values.total = formatBytes(problem.total);
    if ('mime' in problem) values.mime = problem.mime;
    return t(`referral.attachments.problem.${problem.code}`, values);
  };
}

interface Props {
  db: ClinicDatabase;
  session: Session;
  referralId: string;
  attachments: AttachmentDoc[];
  /** Makes sure the draft exists before its first file is stored (nothing is lost if the form is left). */
  beforeAttach(): Promise<void>;
  readOnly?: boolean;
}

function stored(attachments: readonly AttachmentDoc[]) {
  return { count: attachments.length, bytes: attachments.reduce((sum, a) => sum + a.size, 0) };
}

function useAttach(props: Props) {
  const { t } = useTranslation();
  const problemText = useProblemText();
  const [busy, setBusy] = useState(false);
  const [messages, setMessages] = useState<string[]>([]);
  const attach = async (files: FileList | null, kind: AttachmentKind) => {
    if (!files || files.length === 0) return;
    setBusy(true);
    const refused: string[] = [];
    let current = [...props.attachments];
    for (const file of files) {
      try {
        if (current.length === props.attachments.length) await props.beforeAttach();
        const doc = await attachFile(props.db, props.session, {
          referralId: props.referralId,
          kind,
          file,
          stored: stored(current),
        });
        current = [...current, doc];
      } catch (error) {
        refused.push(
          error instanceof AttachmentRefused
            ? problemText(error.problem)
            : t('referral.attachments.failed', { file: file.name, error: String(error) }),
        );
      }
    }
    setMessages(refused);
    setBusy(false);
  };
  return { busy, messages, attach };
}

function AttachmentRow({
  db,
  attachment,
  readOnly,
}: {
  db: ClinicDatabase;
  attachment: AttachmentDoc;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <li data-testid="attachment">
      <span className="badge">{t(`referral.attachments.kind.${attachment.kind}`)}</span>
      <span className="attachment-name">{attachment.fileName}</span>
      <span className="note">{formatBytes(attachment.size)}</span>
      {readOnly ? null : (
        <button type="button" className="link" onClick={() => void removeAttachment(db, attachment.id)}>
          {t('referral.attachments.remove')}
        </button>
      )}
    </li>
  );
}

/** Record, prescriptions, lab and exam reports: images are compressed for the slow link, PDFs must be small. */
export function AttachmentsField(props: Props) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<AttachmentKind>('lab-report');
  const { busy, messages, attach } = useAttach(props);
  const files = props.attachments.filter((a) => a.kind !== 'consent');
  const total = stored(props.attachments).bytes;
  return (
    <div className="attachments">
      {files.length > 0 ? (
        <ul className="attachment-list">
          {files.map((a) => (
            <AttachmentRow key={a.id} db={props.db} attachment={a} readOnly={props.readOnly} />
          ))}
        </ul>
      ) : (
        <p className="note">{t('referral.attachments.none')}</p>
      )}
      {props.readOnly ? null : (
        <div className="row-inline">
          <select
            aria-label={t('referral.attachments.kindLabel')}
            value={kind}
            onChange={(e) => setKind(e.target.value as AttachmentKind)}
          >
            {REFERRAL_ATTACHMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`referral.attachments.kind.${k}`)}
              </option>
            ))}
          </select>
          <input
            type="file"
            data-testid="attachment-input"
            aria-label={t('referral.attachments.add')}
            accept="image/*,application/pdf"
            multiple
            disabled={busy}
            onChange={(e: ChangeEvent<HTMLInputElement>) => {
              void attach(e.target.files, kind);
              e.target.value = '';
            }}
          />
          {busy ? <span className="note">{t('referral.attachments.compressing')}</span> : null}
        </div>
      )}
      <div className="field-hint">{t('referral.attachments.hint', { total: formatBytes(total) })}</div>
      {messages.map((message) => (
        <div key={message} className="field-error" role="alert">
          {message}
        </div>
      ))}
    </div>
  );
}

/** 知情同意: a photo or scan of the signed consent form, or of the patient's card; required to submit. */
export function ConsentField(props: Props & { invalid?: boolean }) {
  const { t } = useTranslation();
  const { busy, messages, attach } = useAttach(props);
  const consent = props.attachments.filter((a) => a.kind === 'consent').at(-1);
  return (
    <div className={`consent${props.invalid ? ' field-invalid' : ''}`} data-testid="consent">
      {consent ? (
        <ul className="attachment-list">
          <AttachmentRow db={props.db} attachment={consent} readOnly={props.readOnly} />
        </ul>
      ) : (
        <p className="note warn">{t('referral.consent.missing')}</p>
      )}
      {props.readOnly ? null : (
        <input
          type="file"
          id="referral-consent"
          data-testid="consent-input"
          accept="image/*,application/pdf"
          disabled={busy}
          onChange={(e: ChangeEvent<HTMLInputElement>) => {
            void attach(e.target.files, 'consent');
            e.target.value = '';
          }}
        />
      )}
      <div className="field-hint">{t('referral.consent.hint')}</div>
      {messages.map((message) => (
        <div key={message} className="field-error" role="alert">
          {message}
        </div>
      ))}
    </div>
  );
}
