/**
 * 转诊单核验: a receiving hospital checks a slip offline. The QR text arrives
 * typed by a keyboard-wedge scanner (ending in Enter), pasted, or decoded from
 * a picture with jsQR; the signature is checked against the facility keys
 * that replication brought (and this workstation's own).
 */
import jsQR from 'jsqr';
import { type ChangeEvent, type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type KnownSlipKey,
  retiredOn,
  type SlipVerification,
  verifySlipCode,
} from '../../../sync/protocol/referral/slip';
import { useSignedIn } from '../../app/app-store';
import { connectBridge } from '../../bridge/connect';
import { knownSlipKeys, readSeal, SEAL_MAX_BYTES, saveSeal, sealProblem } from './slip-keys';

/** A file picker that looks like the app's buttons (the input itself is hidden). */
const FILE_BUTTON = {
  padding: '0.4rem 0.9rem',
  border: '1px solid var(--line)',
  borderRadius: 4,
  background: 'var(--paper)',
  cursor: 'pointer',
} as const;

async function qrFromImage(file: File): Promise<string | null> {
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    // Phone photos are large; 1600 px on the long side keeps a slip's code readable and jsQR quick.
    const scale = Math.min(1, 1600 / Math.max(image.naturalWidth, image.naturalHeight));
    const width = Math.round(image.naturalWidth * scale);
    const height = Math.round(image.naturalHeight * scale);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.drawImage(image, 0, 0, width, height);
    return jsQR(context.getImageData(0, 0, width, height).data, width, height)?.data ?? null;
  } finally {
    URL.revokeObjectURL(url);
  }
}

function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

export function VerifySlipPage() {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const [code, setCode] = useState('');
  const [keys, setKeys] = useState<KnownSlipKey[]>([]);
  const [result, setResult] = useState<SlipVerification>();
  const [imageProblem, setImageProblem] = useState<string>();
  const [seal, setSeal] = useState<string>();
  const [sealNote, setSealNote] = useState<{ kind: 'ok' | 'warn'; text: string }>();
  const isAdmin = session.roles.includes('admin');

  useEffect(() => {
    let live = true;
    void knownSlipKeys(db, connectBridge(), session.facilityId).then((found) => live && setKeys(found));
    void readSeal(db).then((found) => live && setSeal(found));
    return () => {
      live = false;
    };
  }, [db, session.facilityId]);

  function check(text: string) {
    setImageProblem(undefined);
    setResult(text.trim() ? verifySlipCode(text, keys) : undefined);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    check(code);
  }

  async function pickImage(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      const found = await qrFromImage(file);
      if (found === null) {
        setResult(undefined);
        setImageProblem(t('slip.verify.imageNoCode'));
        return;
      }
      setCode(found);
      check(found);
    } catch (error) {
      setResult(undefined);
      setImageProblem(t('slip.verify.imageFailed', { detail: (error as Error).message }));
    }
  }

  async function pickSeal(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const problem = sealProblem(file);
    if (problem) {
      setSealNote({
        kind: 'warn',
        text:
          problem.problem === 'too-large'
            ? t('slip.verify.seal.tooLarge', { kb: problem.kb })
            : t('slip.verify.seal.wrongType'),
      });
      return;
    }
    const dataUrl = await readAsDataUrl(file);
    await saveSeal(db, dataUrl);
    setSeal(dataUrl);
    setSealNote({ kind: 'ok', text: t('slip.verify.seal.saved') });
  }

  async function removeSeal() {
    await saveSeal(db, undefined);
    setSeal(undefined);
    setSealNote(undefined);
  }

  return (
    <section className="page verify-slip" data-testid="verify-slip">
      <h1>{t('slip.verify.title')}</h1>
      <p className="note">{t('slip.verify.intro')}</p>
      <form className="card" onSubmit={submit}>
        <label htmlFor="slip-code">{t('slip.verify.input')}</label>
        <textarea
          id="slip-code"
          data-testid="slip-code"
          // Scans typed here are this field's, not a health card for the patients page.
          data-takes-scans=""
          rows={3}
          // The scanner types into whatever has focus; Enter (its suffix) verifies.
          autoFocus
          spellCheck={false}
          autoComplete="off"
          value={code}
          onChange={(event) => setCode(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) {
              event.preventDefault();
              check(code);
            }
          }}
          onPaste={(event) => {
            const pasted = event.clipboardData.getData('text');
            if (pasted) {
              event.preventDefault();
              setCode(pasted.trim());
              check(pasted);
            }
          }}
          style={{ width: '100%', fontFamily: 'monospace' }}
        />
        <div className="row">
          <button type="submit" className="primary">
            {t('slip.verify.check')}
          </button>
          <label style={FILE_BUTTON}>
            {t('slip.verify.image')}
            <input
              type="file"
              accept="image/*"
              data-testid="slip-image"
              onChange={(event) => void pickImage(event)}
              style={{ display: 'none' }}
            />
          </label>
          <span className="note" data-testid="slip-keys">
            {t('slip.verify.keys', { count: keys.length })}
          </span>
        </div>
      </form>
      {imageProblem ? (
        <p className="warn" role="status">
          {imageProblem}
        </p>
      ) : null}
      {result ? <VerificationResult result={result} /> : null}
      {isAdmin ? (
        <section className="card" data-testid="slip-seal">
          <h2>{t('slip.verify.seal.title')}</h2>
          <p className="note">{t('slip.verify.seal.hint', { kb: Math.round(SEAL_MAX_BYTES / 1024) })}</p>
          <div className="row">
            {seal ? (
              <img
                src={seal}
                alt={t('slip.doc.seal')}
                style={{ width: 96, height: 96, objectFit: 'contain' }}
              />
            ) : null}
            <label style={FILE_BUTTON}>
              {t('slip.verify.seal.choose')}
              <input
                type="file"
                accept="image/png,image/jpeg"
                onChange={(event) => void pickSeal(event)}
                style={{ display: 'none' }}
              />
            </label>
            {seal ? (
              <button type="button" onClick={() => void removeSeal()}>
                {t('slip.verify.seal.remove')}
              </button>
            ) : null}
          </div>
          {sealNote ? <p className={sealNote.kind}>{sealNote.text}</p> : null}
        </section>
      ) : null}
    </section>
  );
}

function VerificationResult({ result }: { result: SlipVerification }) {
  const { t } = useTranslation();
  const content = result.content;
  const issuer = result.ok ? (result.key.facilityName ?? content?.facilityName) : content?.facilityName;
  const rows: Array<[string, string]> = content
    ? [
        [t('slip.doc.serialNo'), content.serialNo],
        [t('slip.doc.issuedAt'), content.issuedAt],
        [t('slip.doc.patient'), content.patientName],
        [
          t('slip.doc.sex'),
          `${t(`slip.sex.${content.patientSex}`)}${content.patientBirthDate ? ` · ${content.patientBirthDate}` : ''}`,
        ],
        [t('slip.doc.idTail'), content.patientIdTail ? `****${content.patientIdTail}` : t('slip.doc.none')],
        [
          t('slip.doc.direction'),
          `${t(`slip.direction.${content.direction}`)} · ${t(`slip.type.${content.type}`)}`,
        ],
        [t('slip.doc.diagnosis'), content.diagnosisCodes.join(', ') || t('slip.doc.none')],
        [t('slip.verify.reasonDigest'), content.reasonDigest],
        [t('slip.doc.target'), content.targetFacilityName || t('slip.doc.none')],
        [t('slip.doc.department'), content.department || t('slip.doc.none')],
        [t('slip.doc.doctor'), content.doctor || t('slip.doc.none')],
        [t('slip.doc.slotTime'), content.slotTime || t('slip.doc.none')],
        [t('slip.doc.referringDoctor'), content.referringDoctor],
        [t('slip.doc.keyId'), result.keyId ?? ''],
      ]
    : [];
  return (
    <section
      className={`card verify-result ${result.ok ? 'ok' : 'warn'}`}
      data-testid="verify-result"
      data-ok={result.ok}
      role="status"
    >
      <h2>
        {result.ok
          ? t('slip.verify.ok', { facility: issuer ?? content?.facilityCode })
          : `${t('slip.verify.failed')}：${t(`slip.verify.problem.${result.problem}`, {
              keyId: result.keyId ?? '',
              detail: result.message,
              date: result.retiredAt ? retiredOn(result.retiredAt) : '',
              issuedAt: content?.issuedAt ?? '',
            })}`}
      </h2>
      {result.ok && result.key.retiredAt ? (
        <p className="note" data-testid="verify-retired-later">
          {t('slip.verify.retiredLater', { date: retiredOn(result.key.retiredAt) })}
        </p>
      ) : null}
      {content ? (
        <>
          {result.ok ? (
            <p
              className={content.confirmation === 'confirmed' ? 'note' : 'warn'}
              data-testid="verify-confirmation"
            >
              {content.confirmation === 'confirmed'
                ? t('slip.verify.confirmed')
                : t('slip.verify.unconfirmed')}
            </p>
          ) : (
            <p className="warn">{t('slip.verify.claimed')}</p>
          )}
          <table className="verify-fields">
            <tbody>
              {rows.map(([label, value]) => (
                <tr key={label}>
                  <th>{label}</th>
                  <td>{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}
