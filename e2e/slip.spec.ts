/**
 * 转诊单核验 in the app: a slip signed by this workstation's host key is
 * verified when a keyboard-wedge scanner types it, when it is pasted, and from
 * a picture; one changed character, a stranger's key and garbage are refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import QRCode from 'qrcode';
import { encodeGb18030 } from '../devices/drivers/escpos/gb18030';
import { runHeadlessHost } from '../electron/headless/main';
import { findQrText, rasterisePdf } from '../scripts/slip-images';
import {
  canonicalSlip,
  decodeSlipPayload,
  encodeSlipPayload,
  type KnownSlipKey,
  signSlipText,
  slipKeyPairFrom,
  verifySlipCode,
} from '../sync/protocol/referral/slip';
import { sampleSlipContent } from '../sync/protocol/referral/slip/testing';
import type { FacilityDoc } from '../sync/protocol/schema';
import { created } from '../sync/server/testing/fixtures';
import { startGateway } from '../sync/server/testing/start-gateway';
import { enrol, expect, registerPatient, SCREENSHOTS, signIn, test } from './fixtures';

/** Asks the real host, over the page's own bridge connection, to sign a slip text. */
async function hostSign(page: Page, text: string): Promise<{ keyId: string; signature: string }> {
  return page.evaluate(
    (body) =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(`${location.origin.replace('http', 'ws')}/bridge`);
        socket.onopen = () => socket.send(JSON.stringify({ id: 1, method: 'slip.sign', args: [body] }));
        socket.onmessage = (event) => {
          const reply = JSON.parse(String(event.data));
          if (reply.id !== 1) return;
          socket.close();
          if (reply.ok) resolve(reply.result);
          else reject(new Error(reply.error.message));
        };
      }),
    text,
  );
}

test('a receiving doctor verifies a slip by scanner, paste and picture; a changed slip fails', async ({
  page,
  host,
}) => {
  await enrol(page, host.url);
  await page.getByRole('button', { name: '转诊单验真' }).click();
  await expect(page.getByRole('heading', { name: '转诊单核验' })).toBeVisible();
  await expect(page.getByTestId('slip-keys')).toContainText('1 个');

  const text = canonicalSlip(
    sampleSlipContent({ facilityCode: '450881123', facilityName: '石龙镇中心卫生院' }),
  );
  const code = encodeSlipPayload({ text, ...(await hostSign(page, text)) });

  // The scanner types the code into the focused box and ends with Enter.
  const box = page.getByTestId('slip-code');
  await box.focus();
  await page.keyboard.type(code, { delay: 0 });
  await page.keyboard.press('Enter');
  const result = page.getByTestId('verify-result');
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(result).toContainText('签名有效');
  await expect(result).toContainText('韦秀英');
  await expect(result).toContainText('450881123-7KQ3-000042');
  await expect(page.getByTestId('verify-confirmation')).toContainText('离线开具');
  await page.screenshot({ path: join(SCREENSHOTS, 'slip-verify-ok.png'), fullPage: true });

  // One changed character in the signed content: refused as changed or forged.
  const { keyId, signature } = decodeSlipPayload(code);
  const forged = encodeSlipPayload({ text: text.replace('09:30', '09:31'), keyId, signature });
  await box.fill(forged);
  await page.getByRole('button', { name: '核验', exact: true }).click();
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result).toContainText('签名与内容不符');
  await page.screenshot({ path: join(SCREENSHOTS, 'slip-verify-tampered.png'), fullPage: true });

  // A Caps-Lock scanner (lower case) still reads; a stranger's key is unknown; garbage is named.
  await box.fill(code.toLowerCase());
  await page.keyboard.press('Enter');
  await expect(result).toHaveAttribute('data-ok', 'true');
  const stranger = slipKeyPairFrom(new Uint8Array(32).fill(7));
  await box.fill(encodeSlipPayload({ text, keyId: stranger.keyId, signature: signSlipText(text, stranger) }));
  await page.keyboard.press('Enter');
  await expect(result).toContainText(`签名密钥 ${stranger.keyId} 未登记`);
  await box.fill('https://example.org/not-a-slip');
  await page.keyboard.press('Enter');
  await expect(result).toContainText('这不是乡医转诊单的二维码');

  // A photo of the slip's QR code, decoded in the page.
  const picture = join(mkdtempSync(join(tmpdir(), 'slip-e2e-')), 'slip-qr.png');
  await QRCode.toFile(picture, code, { errorCorrectionLevel: 'M', scale: 4, margin: 4 });
  await box.fill('');
  await page.getByTestId('slip-image').setInputFiles(picture);
  await expect(result).toHaveAttribute('data-ok', 'true');
  await expect(box).toHaveValue(code);
});

const PASSWORD = 'Clinic-2026!';

/** Every local change has reached the county. */
async function allSent(page: Page) {
  await expect(page.getByTestId('sync-indicator')).toContainText('在线', { timeout: 30_000 });
  await expect(page.getByTestId('sync-indicator')).not.toContainText('待上传', { timeout: 30_000 });
}

test('the referring doctor previews, saves, prints and thermal-prints the slip; the print is recorded', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const gateway = await startGateway();
  const dataDir = mkdtempSync(join(tmpdir(), 'xiangyi-slip-e2e-'));
  const host = await runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: dataDir,
    XIANGYI_GATEWAY_URL: gateway.url,
    XIANGYI_SIMULATORS: '1',
  });
  try {
    // A village station joins the county; its doctor registers the patient.
    await page.goto(host.url);
    await page.getByRole('textbox', { name: '登记码' }).fill(await gateway.issueCode('XY-V01'));
    await page.getByLabel('姓名').fill('village.admin');
    await page.getByLabel('登录名').fill('village.admin');
    await page.getByRole('textbox', { name: '密码', exact: true }).fill(PASSWORD);
    await page.getByLabel('再次输入密码').fill(PASSWORD);
    await page.getByRole('button', { name: '完成登记' }).click();
    await page.getByTestId('signed-in-user').waitFor();
    await page.getByRole('button', { name: '用户', exact: true }).click();
    await page.getByLabel('姓名').fill('李医生');
    await page.getByLabel('登录名').fill('li.doctor');
    await page.getByRole('textbox', { name: '初始密码' }).fill(PASSWORD);
    await page.getByRole('checkbox', { name: '医生' }).check();
    await page.getByRole('button', { name: '添加用户' }).click();
    await expect(page.getByText('已添加用户 李医生')).toBeVisible();
    await page.getByRole('button', { name: '退出登录' }).click();
    await signIn(page, 'li.doctor', PASSWORD);
    await page.getByTestId('signed-in-user').waitFor();
    await registerPatient(page, { name: '韦秀英', idNumber: '450881195803120021', phone: '13907750123' });
    await expect(page.getByTestId('patient-card')).toContainText('韦秀英');
    await allSent(page);

    // The referral itself comes from the station's other PC (the form is another part's test).
    const { rows } = await gateway.db.query<{ id: string }>(
      "select id from documents where collection = 'patients'",
    );
    const other = await gateway.clinic('XY-V01', 'village-doctor-2');
    const at = new Date().toISOString();
    const owned = {
      facilityId: other.facilityId,
      createdAt: at,
      updatedAt: at,
      createdBy: 'village-doctor-2',
      updatedBy: 'village-doctor-2',
    };
    // The county judges the submit by the roles it knows for that user.
    await other.push(
      'users',
      created({
        id: 'village-doctor-2',
        ...owned,
        username: 'vd2',
        displayName: '覃医生',
        roles: ['doctor'],
        password: {
          kdf: 'argon2id',
          salt: 'c2FsdA',
          hash: 'aGFzaA',
          memoryKiB: 19456,
          iterations: 2,
          parallelism: 1,
        },
        active: true,
        failedAttempts: 0,
        _deleted: false,
      } as never),
    );
    const referralId = crypto.randomUUID();
    await other.push(
      'referrals',
      created({
        id: referralId,
        ...owned,
        serialNo: 'XY-V01-7KQ3-000001',
        patientId: rows[0]?.id ?? '',
        type: 'outpatient',
        direction: 'up',
        targetFacilityIds: [gateway.facilities['XY-T01']?.id ?? ''],
        state: 'draft',
        reason: '血压控制不佳，需上级医院进一步诊治。',
        diagnoses: [{ code: 'I10', name: '原发性高血压' }],
        attachmentIds: [],
        consentAttachmentId: 'consent-1',
        appliedSeq: 0,
        _deleted: false,
      } as never),
    );
    await other.push(
      'referral_commands',
      created({
        id: crypto.randomUUID(),
        ...owned,
        referralId,
        command: 'submit',
        payload: {},
        _deleted: false,
      } as never),
    );

    await page.getByRole('button', { name: '转诊', exact: true }).click();
    await page.getByTestId('referral-row').filter({ hasText: '韦秀英' }).getByRole('button').first().click();
    const detail = page.getByTestId('referral-detail');
    await expect(detail.getByTestId('referral-state')).not.toHaveText(/草稿|draft/, { timeout: 30_000 });
    const slip = detail.getByTestId('slip-actions');
    // Opening the slip panel registers this PC's key with the county.
    await expect(slip.getByTestId('slip-key')).toContainText('已在县级平台登记', { timeout: 30_000 });

    await slip.getByRole('button', { name: '预览转诊单' }).click();
    await expect(slip.getByTestId('slip-preview')).toBeVisible();
    await page.setViewportSize({ width: 1280, height: 1400 });
    await slip.screenshot({ path: join(SCREENSHOTS, 'slip-actions-preview.png') });

    // Save as PDF: the archive copy, whose QR a receiving hospital verifies with the published key.
    await slip.getByRole('button', { name: '保存 PDF' }).click();
    await expect(slip.getByTestId('slip-result')).toContainText('PDF 已保存');
    const saved =
      /PDF 已保存：(.+\.pdf)/.exec((await slip.getByTestId('slip-result').textContent()) ?? '')?.[1] ?? '';
    const text = execFileSync('pdftotext', [saved, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    expect(text).toContain('XY-V01-7KQ3-000001');
    expect(text).toContain('韦秀英');
    expect(text).toContain('东河镇柳树村卫生室');
    expect(text).not.toContain('尚未经县级平台确认');
    await expect
      .poll(async () => {
        const facilities = (await other.pullAll('facilities')) as unknown as FacilityDoc[];
        return facilities.find((f) => f.id === other.facilityId)?.slipKeys?.length ?? 0;
      })
      .toBe(1);
    const facilities = (await other.pullAll('facilities')) as unknown as FacilityDoc[];
    const known: KnownSlipKey[] = facilities.flatMap((f) =>
      (f.slipKeys ?? []).map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, facilityCode: f.code })),
    );
    expect(verifySlipCode(findQrText(rasterisePdf(saved)) ?? '', known)).toMatchObject({
      ok: true,
      content: { serialNo: 'XY-V01-7KQ3-000001', confirmation: 'confirmed' },
    });

    // The saved PDF is also the referral's archive copy, listed with its date.
    await expect(slip.getByTestId('slip-result')).toContainText('存档副本已存入本转诊记录');
    const archive = slip.getByTestId('slip-archive-entry');
    await expect(archive).toHaveCount(1);
    await expect(archive.first()).toContainText('最新');
    await expect(archive.first().getByTestId('slip-archive-date')).toHaveText(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/,
    );
    const download = page.waitForEvent('download');
    await archive.first().getByRole('button', { name: '打开' }).click();
    const opened = readFileSync((await (await download).path()) ?? '');
    expect(opened.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // One slip, one PDF: the file saved is the archive copy itself.
    expect(opened.equals(readFileSync(saved))).toBe(true);

    // The headless host has no OS printer: it says so and keeps the slip as a PDF instead.
    await slip.getByRole('button', { name: '打印转诊单' }).click();
    await expect(slip.getByTestId('slip-result')).toContainText('本机没有可用的系统打印机');
    // The same slip again: the archive copy stands, no second one.
    await expect(slip.getByTestId('slip-result')).toContainText('转诊单内容未变');
    await expect(archive).toHaveCount(1);
    await slip.getByTestId('slip-archive').screenshot({ path: join(SCREENSHOTS, 'slip-archive.png') });
    await expect
      .poll(
        async () =>
          (
            await gateway.db.query(
              "select id from documents where collection = 'attachments' and data->>'kind' = 'slip'",
            )
          ).rows.length,
        { timeout: 30_000 },
      )
      .toBe(1);

    // The thermal printer (simulated) prints it; the print is recorded and reaches the county.
    await slip.getByRole('button', { name: '小票打印' }).click();
    await expect(slip.getByTestId('slip-result')).toContainText('转诊单小票已打印');
    const paper = readFileSync(join(dataDir, 'devices', 'simulated-printer.bin'));
    expect(paper.includes(Buffer.from(encodeGb18030('双向转诊单')))).toBe(true);
    expect(paper.includes(Buffer.from('XYS1.'))).toBe(true);
    await slip.screenshot({ path: join(SCREENSHOTS, 'slip-actions-printed.png') });
    await expect
      .poll(
        async () =>
          Number(
            (
              await gateway.db.query<{ n: unknown }>(
                "select count(*) as n from documents where collection = 'referral_commands' and data->>'command' = 'print' and data->'outcome'->>'status' = 'applied'",
              )
            ).rows[0]?.n,
          ),
        { timeout: 30_000 },
      )
      .toBe(1);
  } finally {
    await host.close();
    await gateway.close();
  }
});
