/**
 * The referral slip (双向转诊单) for one referral: preview, print to the OS
 * printer, save as PDF, and print on a thermal printer. Every slip that leaves
 * the clinic (printed, saved, or saved for lack of a printer) is kept as the
 * referral's PDF archive copy, once per slip content. A successful print
 * appends a `print` command, which syncs first and lets the county send the
 * patient the visit details by SMS.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceStatus, OsPrinter, PrintOptions } from '../../../electron/bridge/contract';
import type { ReferralDoc } from '../../../sync/protocol/schema';
import { useSignedIn } from '../../app/app-store';
import { connectBridge } from '../../bridge/connect';
import { localTime } from '../../vitals/format';
import { appendReferralCommand, localRefusal } from '../referral-commands';
import { useReferralCommands } from '../use-referrals';
import { SlipArchiveList } from './SlipArchiveList';
import {
  archivedBytes,
  archiveSlip,
  base64FromBytes,
  bytesFromBase64,
  type SlipArchiveResult,
  SlipArchiveTooLarge,
} from './slip-archive';
import { type IssuedSlip, issueSlip, thermalSlip } from './slip-issue';
import {
  currentSlipKey,
  ensureSlipKeyRegistered,
  type ReplacedSlipKey,
  readSeal,
  readSlipPrinter,
  type SlipKeyState,
  saveSlipPrinter,
} from './slip-keys';
import { slipLabels } from './slip-labels';
import { isConfirmedByCounty, loadSlipFacts } from './slip-model';

type Notice = { kind: 'ok' | 'warn'; text: string };
const A5 = { pageSize: 'A5', landscape: false } as const;

/** The archive outcome, told after what the user asked for. */
type Archived = { ok: true; entry: SlipArchiveResult } | { ok: false; text: string };

export function ReferralSlipActions({ referral }: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const commands = useReferralCommands(db, referral.id);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [preview, setPreview] = useState<string>();
  const [printer, setPrinter] = useState<DeviceStatus>();
  const [osPrinters, setOsPrinters] = useState<OsPrinter[]>([]);
  const [osPrinter, setOsPrinter] = useState<string>();
  const [key, setKey] = useState<SlipKeyState>();

  const refusal = localRefusal(referral, commands, 'print', session);
  const mayPrint = refusal === null;

  /** After a replacement found while printing: register the new key, and keep saying why it changed. */
  const refreshKey = useCallback(
    (replaced: ReplacedSlipKey) =>
      ensureSlipKeyRegistered(db, connectBridge(), session).then((found) =>
        setKey({ ...found, replaced: found.replaced ?? replaced }),
      ),
    [db, session],
  );

  useEffect(() => {
    let live = true;
    const bridge = connectBridge();
    void bridge.devices
      .list()
      .then((list) => live && setPrinter(list.find((d) => d.kind === 'printer' && d.state === 'connected')))
      .catch(() => undefined);
    void bridge.printing
      .printers()
      .then((list) => live && setOsPrinters(list))
      .catch(() => undefined);
    void readSlipPrinter(db).then((name) => live && setOsPrinter(name));
    void ensureSlipKeyRegistered(db, bridge, session)
      .then((found) => live && setKey(found))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [db, session]);

  async function prepare(): Promise<IssuedSlip> {
    // A key the county retired never signs once the news is here: replaced first.
    const { replaced } = await currentSlipKey(db, connectBridge(), session.facilityId);
    if (replaced) void refreshKey(replaced).catch(() => undefined);
    const sealImage = await readSeal(db);
    const facts = await loadSlipFacts(db, referral, session, sealImage ? { sealImage } : {});
    return issueSlip(connectBridge().slip, facts, slipLabels(t));
  }

  /** Keeps the archive copy; `rendered` receives the PDF when it had to be made. */
  async function archive(slip: IssuedSlip, rendered?: (base64: string) => void): Promise<Archived> {
    try {
      const entry = await archiveSlip(db, session, slip, async () => {
        const base64 = await connectBridge().printing.htmlToPdf(slip.html, A5);
        rendered?.(base64);
        return bytesFromBase64(base64);
      });
      return { ok: true, entry };
    } catch (error) {
      const text =
        error instanceof SlipArchiveTooLarge
          ? t('slip.archive.tooLarge', { kb: Math.ceil(error.size / 1024) })
          : t('slip.archive.failed', { detail: (error as Error).message });
      return { ok: false, text };
    }
  }

  /** The archive sentence that follows the main one. */
  const archiveText = (archived: Archived) =>
    archived.ok
      ? t(archived.entry.created ? 'slip.archive.created' : 'slip.archive.same', {
          at: localTime(archived.entry.doc.createdAt),
        })
      : archived.text;

  /**
   * Writes the PDF into the export folder: the archive copy's own bytes when
   * the slip was archived before (one slip, one PDF), else the one just made.
   */
  async function exportPdf(slip: IssuedSlip): Promise<{ path: string; archived: Archived }> {
    let fresh: string | undefined;
    const archived = await archive(slip, (base64) => {
      fresh = base64;
    });
    const kept = archived.ok && !fresh ? await archivedBytes(db, archived.entry.doc.id) : undefined;
    const base64 =
      fresh ?? (kept ? base64FromBytes(kept) : await connectBridge().printing.htmlToPdf(slip.html, A5));
    const name = archived.ok ? archived.entry.doc.fileName : `referral-slip-${slip.content.serialNo}.pdf`;
    return { path: (await connectBridge().files.saveExport(name, base64)).path, archived };
  }

  async function record(slip: IssuedSlip, medium: 'paper' | 'thermal'): Promise<string | null> {
    try {
      await appendReferralCommand(db, session, referral.id, 'print', {
        serialNo: slip.content.serialNo,
        keyId: slip.keyId,
        medium,
        confirmation: slip.content.confirmation,
      });
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  async function run(work: () => Promise<Notice | undefined>) {
    setBusy(true);
    setNotice(undefined);
    try {
      const result = await work();
      if (result) setNotice(result);
    } catch (error) {
      setNotice({ kind: 'warn', text: t('slip.actions.loadFailed', { detail: (error as Error).message }) });
    } finally {
      setBusy(false);
    }
  }

  /** The notice after a print: recorded and archived, or what went wrong with either. */
  function printed(text: string, failed: string | null, archived: Archived): Notice {
    if (failed) return { kind: 'warn', text: t('slip.actions.recordFailed', { detail: failed }) };
    return { kind: archived.ok ? 'ok' : 'warn', text: `${text} ${archiveText(archived)}` };
  }

  const showPreview = () =>
    run(async () => {
      if (preview) {
        setPreview(undefined);
        return undefined;
      }
      setPreview((await prepare()).html);
      return undefined;
    });

  const print = () =>
    run(async () => {
      const slip = await prepare();
      const options: PrintOptions = { ...A5, ...(osPrinter ? { printer: osPrinter } : {}) };
      const outcome = await connectBridge().printing.printHtml(slip.html, options);
      if (!outcome.ok) {
        if (outcome.reason === 'no-printer') {
          const { path, archived } = await exportPdf(slip);
          return { kind: 'warn', text: `${t('slip.actions.noPrinter', { path })} ${archiveText(archived)}` };
        }
        if (outcome.reason === 'cancelled') return { kind: 'warn', text: t('slip.actions.cancelled') };
        return { kind: 'warn', text: t('slip.actions.printFailed', { detail: outcome.detail }) };
      }
      const archived = await archive(slip);
      return printed(t('slip.actions.printed'), await record(slip, 'paper'), archived);
    });

  const savePdf = () =>
    run(async () => {
      const { path, archived } = await exportPdf(await prepare());
      return {
        kind: archived.ok ? 'ok' : 'warn',
        text: `${t('slip.actions.saved', { path })} ${archiveText(archived)}`,
      };
    });

  const printThermal = () =>
    run(async () => {
      if (!printer) return undefined;
      const slip = await prepare();
      const outcome = await connectBridge().devices.printReferralSlip(
        printer.id,
        thermalSlip(slip, slipLabels(t)),
      );
      if (!outcome.ok)
        return { kind: 'warn', text: t('slip.actions.deviceFailed', { detail: outcome.detail }) };
      // The roll is not the A5 slip, but it says the same: the A5 PDF is its archive copy.
      const archived = await archive(slip);
      return printed(
        t('slip.actions.thermalPrinted', { bytes: outcome.bytes }),
        await record(slip, 'thermal'),
        archived,
      );
    });

  const chooseOsPrinter = (name: string) => {
    setOsPrinter(name || undefined);
    void saveSlipPrinter(db, name || undefined);
  };

  return (
    <section className="slip-actions card" data-testid="slip-actions" aria-labelledby="slip-actions-title">
      <div className="card-head">
        <h3 id="slip-actions-title">{t('slip.actions.title')}</h3>
        {key ? (
          <span className="note" data-testid="slip-key">
            {t('slip.actions.key', { keyId: key.keyId })} ·{' '}
            {t(
              key.status === 'registered'
                ? 'slip.actions.keyRegistered'
                : key.status === 'pending'
                  ? 'slip.actions.keyPending'
                  : 'slip.actions.keyStandalone',
            )}
          </span>
        ) : null}
      </div>
      {key?.replaced ? (
        <p className="warn" data-testid="slip-key-replaced">
          {key.replaced.retiredAt
            ? t('slip.actions.keyReplaced', {
                old: key.replaced.keyId,
                date: localTime(key.replaced.retiredAt),
              })
            : t('slip.actions.keyReplacedNoDate', { old: key.replaced.keyId })}
        </p>
      ) : null}
      {isConfirmedByCounty(referral) ? null : (
        <p className="warn" data-testid="slip-unconfirmed">
          {t('slip.actions.unconfirmed')}
        </p>
      )}
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void showPreview()}>
          {preview ? t('slip.actions.hidePreview') : t('slip.actions.preview')}
        </button>
        <button type="button" className="primary" disabled={busy || !mayPrint} onClick={() => void print()}>
          {t('slip.actions.print')}
        </button>
        <button type="button" disabled={busy} onClick={() => void savePdf()}>
          {t('slip.actions.savePdf')}
        </button>
        {printer ? (
          <button type="button" disabled={busy || !mayPrint} onClick={() => void printThermal()}>
            {t('slip.actions.thermal')}
          </button>
        ) : null}
        {osPrinters.length > 0 ? (
          <label className="row-inline">
            {t('slip.actions.osPrinter')}
            <select
              value={osPrinter && osPrinters.some((p) => p.name === osPrinter) ? osPrinter : ''}
              onChange={(event) => chooseOsPrinter(event.target.value)}
            >
              <option value="">{t('slip.actions.osPrinterDefault')}</option>
              {osPrinters.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.displayName}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {busy ? <p className="note">{t('slip.actions.working')}</p> : null}
      {!mayPrint ? (
        <p className="note" data-testid="slip-not-allowed">
          {t('slip.actions.notAllowed', { reason: t(`referral.state.${referral.state}`, referral.state) })}
        </p>
      ) : null}
      {notice ? (
        <p className={notice.kind} role="status" data-testid="slip-result">
          {notice.text}
        </p>
      ) : null}
      <SlipArchiveList db={db} referralId={referral.id} />
      {preview ? (
        <iframe
          className="slip-preview"
          title={t('slip.actions.title')}
          sandbox=""
          srcDoc={preview}
          data-testid="slip-preview"
          style={{ width: '148mm', height: '210mm', border: '1px solid var(--line)', background: '#fff' }}
        />
      ) : null}
    </section>
  );
}
