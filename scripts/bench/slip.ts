/**
 * Referral slip figures: HTML → PDF of the A5 slip through the headless host's
 * Chromium path (slip_render_ms, warm browser, median of runs; the first
 * render with the browser start is kept apart), SM2 signing and verifying of
 * the canonical content, and the QR version of a typical slip.
 */
import QRCode from 'qrcode';
import { createChromiumPdf } from '../../electron/host/chromium-pdf';
import type { SecretStore } from '../../electron/host/secrets';
import { createSlipKeys } from '../../electron/host/slip-keys';
import { issueSlip, SLIP_QR_OPTIONS } from '../../renderer/referrals/slip/slip-issue';
import { sampleFacts, zhSlipLabels } from '../../renderer/referrals/slip/slip-testing';
import { verifySlipCode } from '../../sync/protocol/referral/slip';
import { load, round1, upperMedian } from './stats';

interface BenchContext {
  log(...parts: unknown[]): void;
}

const RUNS = Number(process.env.XIANGYI_BENCH_SLIP_RUNS ?? 10);

function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
}

export async function slipGroup(ctx: BenchContext): Promise<Record<string, unknown>> {
  const pdf = createChromiumPdf(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
  const keys = createSlipKeys(memorySecrets());
  const key = await keys.key();
  const labels = await zhSlipLabels();
  const known = [{ keyId: key.keyId, publicKey: key.publicKey, facilityCode: '450881123' }];
  try {
    const sign: number[] = [];
    const verify: number[] = [];
    const render: number[] = [];
    let first = 0;
    let bytes = 0;
    let slip = await issueSlip(keys, sampleFacts(), labels);
    for (let run = 0; run <= RUNS; run++) {
      let started = performance.now();
      slip = await issueSlip(keys, sampleFacts({ issuedAt: new Date(2026, 10, 22, 10, run) }), labels);
      sign.push(performance.now() - started);
      started = performance.now();
      if (!verifySlipCode(slip.code, known).ok) throw new Error('bench slip did not verify');
      verify.push(performance.now() - started);
      started = performance.now();
      bytes = (await pdf.htmlToPdf(slip.html, { pageSize: 'A5', landscape: false })).length;
      const ms = performance.now() - started;
      if (run === 0) first = ms;
      else render.push(ms);
    }
    const figures = {
      slip_render_ms: round1(upperMedian(render)),
      slip_render_max_ms: round1(Math.max(...render)),
      slip_render_first_ms: round1(first),
      slip_pdf_bytes: bytes,
      slip_issue_ms: round1(upperMedian(sign)),
      slip_verify_ms: round1(upperMedian(verify)),
      slip_qr_version: QRCode.create(slip.code, SLIP_QR_OPTIONS).version,
      slip_code_chars: slip.code.length,
      slip_runs: RUNS,
      slip_load_avg: load(),
    };
    ctx.log('slip', figures);
    return figures;
  } finally {
    await pdf.close();
  }
}
