/**
 * The referral slip (双向转诊单) for one referral: preview, print to the OS
 * printer (archived as PDF), save as PDF, and print on a thermal printer. A
 * successful print appends a `print` command, which syncs first and lets the
 * county send the patient the visit details by SMS.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceStatus } from '../../../electron/bridge/contract';
import type { ReferralDoc } from '../../../sync/protocol/schema';
import { useSignedIn } from '../../app/app-store';
import { connectBridge } from '../../bridge/connect';
import { appendReferralCommand, localRefusal } from '../referral-commands';
import { useReferralCommands } from '../use-referrals';
import { type IssuedSlip, issueSlip, thermalSlip } from './slip-issue';
import { ensureSlipKeyRegistered, readSeal, type SlipKeyStatus } from './slip-keys';
import { slipLabels } from './slip-labels';
import { isConfirmedByCounty, loadSlipFacts } from './slip-model';

type Notice = { kind: 'ok' | 'warn'; text: string };
const A5 = { pageSize: 'A5', landscape: false } as const;

export function ReferralSlipActions({ referral }: { referral: ReferralDoc }) {
  const { t } = useTranslation();
  const { db, session } = useSignedIn();
  const commands = useReferralCommands(db, referral.id);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice>();
  const [preview, setPreview] = useState<string>();
  const [printer, setPrinter] = useState<DeviceStatus>();
  const [key, setKey] = useState<{ keyId: string; status: SlipKeyStatus }>();

  const refusal = localRefusal(referral, commands, 'print', session);
  const mayPrint = refusal === null;

  useEffect(() => {
    let live = true;
    const bridge = connectBridge();
    void bridge.devices
      .list()
      .then((list) => live && setPrinter(list.find((d) => d.kind === 'printer' && d.state === 'connected')))
      .catch(() => undefined);
    void ensureSlipKeyRegistered(db, bridge, session)
      .then((found) => live && setKey(found))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [db, session]);

  async function prepare(): Promise<IssuedSlip> {
    const sealImage = await readSeal(db);
    const facts = await loadSlipFacts(db, referral, session, sealImage ? { sealImage } : {});
    return issueSlip(connectBridge().slip, facts, slipLabels(t));
  }

  async function archive(slip: IssuedSlip): Promise<string> {
    const bridge = connectBridge();
    const pdf = await bridge.printing.htmlToPdf(slip.html, A5);
    return (await bridge.files.saveExport(`referral-slip-${slip.content.serialNo}.pdf`, pdf)).path;
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
      const outcome = await connectBridge().printing.printHtml(slip.html, A5);
      if (!outcome.ok) {
        if (outcome.reason === 'no-printer')
          return { kind: 'warn', text: t('slip.actions.noPrinter', { path: await archive(slip) }) };
        if (outcome.reason === 'cancelled') return { kind: 'warn', text: t('slip.actions.cancelled') };
        return { kind: 'warn', text: t('slip.actions.printFailed', { detail: outcome.detail }) };
      }
      const path = await archive(slip);
      const failed = await record(slip, 'paper');
      return failed
        ? { kind: 'warn', text: t('slip.actions.recordFailed', { detail: failed }) }
        : { kind: 'ok', text: t('slip.actions.printed', { path }) };
    });

  const savePdf = () =>
    run(async () => ({
      kind: 'ok',
      text: t('slip.actions.saved', { path: await archive(await prepare()) }),
    }));

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
      const failed = await record(slip, 'thermal');
      return failed
        ? { kind: 'warn', text: t('slip.actions.recordFailed', { detail: failed }) }
        : { kind: 'ok', text: t('slip.actions.thermalPrinted', { bytes: outcome.bytes }) };
    });

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
