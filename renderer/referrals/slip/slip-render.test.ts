/**
 * The A5 slip through the real path: signed by the host's key code, rendered
 * to PDF by the headless host's Chromium, read back with pdftotext, its QR
 * code found in a 200 dpi raster with jsQR and verified.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BRIDGE_METHODS } from '../../../electron/bridge/contract';
import { createChromiumPdf } from '../../../electron/host/chromium-pdf';
import type { SecretStore } from '../../../electron/host/secrets';
import { createSlipKeys } from '../../../electron/host/slip-keys';
import { findQrText, rasterisePdf } from '../../../scripts/slip-images';
import { decodeSlipPayload, encodeSlipPayload, verifySlipCode } from '../../../sync/protocol/referral/slip';
import { issueSlip, thermalSlip } from './slip-issue';
import { sampleFacts, zhSlipLabels } from './slip-testing';

const pdf = createChromiumPdf(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');
afterAll(() => pdf.close());

function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
}

const SEAL =
  'data:image/svg+xml;base64,' +
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><circle cx="50" cy="50" r="46" fill="none" stroke="red" stroke-width="4"/><text x="50" y="58" font-size="14" text-anchor="middle" fill="red">转诊专用章</text></svg>',
  ).toString('base64');

describe('the A5 referral slip', () => {
  it('renders every field, says it is unconfirmed, and its QR verifies; one changed character fails', async () => {
    const keys = createSlipKeys(memorySecrets());
    const key = await keys.key();
    const slip = await issueSlip(keys, sampleFacts({ sealImage: SEAL }), await zhSlipLabels());
    const dir = mkdtempSync(join(tmpdir(), 'slip-'));
    const file = join(dir, 'slip.pdf');
    writeFileSync(file, await pdf.htmlToPdf(slip.html, { pageSize: 'A5', landscape: false }));

    expect(execFileSync('pdfinfo', [file], { encoding: 'utf8' })).toMatch(/Pages:\s+1\b[\s\S]*\(A5\)/);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const field of [
      '石龙镇中心卫生院',
      '双向转诊单',
      '450881123-7KQ3-000042',
      '离线开具：尚未经县级平台确认',
      '韦秀英',
      '女',
      '68岁',
      '****002X',
      '上转',
      '门诊',
      'I10原发性高血压',
      'E11.92型糖尿病不伴有并发症',
      '血压控制不佳，多次调整用药后收缩压仍高于180mmHg，需上级医院进一步诊治。',
      '桂平市人民医院',
      '心血管内科',
      '黄志明',
      '2026-11-2409:30',
      '李建国',
      '2026-11-2210:15',
      '转出机构盖章',
      `签名密钥${key.keyId}`,
    ])
      expect(text, field).toContain(field);

    const raster = rasterisePdf(file, 200);
    const screenshots = 'test-results/screenshots';
    mkdirSync(screenshots, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '110', '-singlefile', file, join(screenshots, 'slip-a5')]);
    const scanned = findQrText(raster);
    expect(scanned).toBe(slip.code);
    const known = [{ keyId: key.keyId, publicKey: key.publicKey, facilityCode: '450881123' }];
    const verified = verifySlipCode(scanned ?? '', known);
    expect(verified).toMatchObject({
      ok: true,
      content: { patientName: '韦秀英', confirmation: 'unconfirmed' },
    });

    const { text: signed, keyId, signature } = decodeSlipPayload(scanned ?? '');
    const changed = encodeSlipPayload({ text: signed.replace('09:30', '08:30'), keyId, signature });
    expect(verifySlipCode(changed, known)).toMatchObject({ ok: false, problem: 'bad-signature' });

    // The verifier command, as a receiving hospital runs it: on the PDF, on a picture, on the text.
    const keysFile = join(dir, 'facilities.json');
    writeFileSync(
      keysFile,
      JSON.stringify([
        { code: '450881123', name: '石龙镇中心卫生院', slipKeys: [{ ...key, registeredAt: key.createdAt }] },
      ]),
    );
    const png = join(dir, 'photo');
    execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', file, png]);
    const tampered = join(dir, 'tampered.txt');
    writeFileSync(tampered, changed);
    const command = (...args: string[]) =>
      spawnSync('npx', ['tsx', 'scripts/verify-slip.ts', ...args], { encoding: 'utf8' });
    const onPdf = command(file, '--keys', keysFile);
    expect(onPdf.status, onPdf.stderr).toBe(0);
    expect(onPdf.stdout).toMatch(/^VALID/);
    expect(onPdf.stdout).toContain('450881123-7KQ3-000042');
    expect(onPdf.stdout).toContain('NOT confirmed when printed');
    expect(command(`${png}.png`, '--public-key', key.publicKey, '--facility', '450881123').status).toBe(0);
    const onTampered = command(tampered, '--keys', keysFile);
    expect(onTampered.status).toBe(1);
    expect(onTampered.stdout).toMatch(/NOT VALID \(bad-signature\)/);
    const noKeys = command(file);
    expect(noKeys.status).toBe(2);
    expect(noKeys.stderr).toMatch(/no keys/);
  }, 120_000);

  it('leaves the offline warning off once the county has confirmed the referral', async () => {
    const keys = createSlipKeys(memorySecrets());
    const slip = await issueSlip(keys, sampleFacts({ confirmed: true }), await zhSlipLabels());
    expect(slip.html).not.toContain('尚未经县级平台确认');
    expect(slip.content.confirmation).toBe('confirmed');
  });

  it('gives the thermal printer a slip the bridge accepts, long text cut, the notice when unconfirmed', async () => {
    const keys = createSlipKeys(memorySecrets());
    const labels = await zhSlipLabels();
    const facts = sampleFacts();
    const long = { ...facts, referral: { ...facts.referral, reason: '血压控制不佳。'.repeat(60) } };
    const slip = thermalSlip(await issueSlip(keys, long, labels), labels);
    expect(() => BRIDGE_METHODS['devices.printReferralSlip'].parse(['sim-printer', slip])).not.toThrow();
    expect(slip.notice).toContain('尚未经县级平台确认');
    expect(slip.lines.find((line) => line.label === '转诊原因')?.value).toMatch(/…$/);
    const confirmed = thermalSlip(await issueSlip(keys, sampleFacts({ confirmed: true }), labels), labels);
    expect(confirmed.notice).toBeUndefined();
  });

  it('escapes what the doctor typed', async () => {
    const keys = createSlipKeys(memorySecrets());
    const facts = sampleFacts();
    const slip = await issueSlip(
      keys,
      { ...facts, referral: { ...facts.referral, reason: '<img src=x onerror=alert(1)>' } },
      await zhSlipLabels(),
    );
    expect(slip.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(slip.html).not.toContain('<img src=x');
  });
});
