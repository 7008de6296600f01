/**
 * The referring side of a referral, in Chromium against the real headless host
 * and a county gateway (PGlite) behind the weak-link proxy: a village doctor
 * registers a patient and takes readings, the link goes down, the doctor fills
 * the referral form (autofilled from the readings, ICD-10 by pinyin, a target
 * that skips a level as a special case, a quota slot, a photo compressed for
 * the slow link, an oversized PDF refused, the consent photo), submits, and
 * sees it queued; when the link is back the county judges it and the slot is
 * booked there. Online again, a second referral books an online slot of the
 * county's pool, held and confirmed at once. The two-clinic loop is
 * e2e/referrals.spec.ts.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { runHeadlessHost } from '../electron/headless/main';
import { relate } from '../sync/server/facilities/registry';
import { publishDemoSlots } from '../sync/server/slots/demo';
import { startGateway, type TestGateway } from '../sync/server/testing/start-gateway';
import { startWeakLink, type WeakLink } from '../sync/testing/weak-link';
import { expect, registerPatient, SCREENSHOTS, test } from './fixtures';

const PASSWORD = 'Clinic-2026!';
let gateway: TestGateway;
let link: WeakLink;
let host: { url: string; close(): Promise<void> };

test.beforeAll(async () => {
  gateway = await startGateway();
  // The village may also refer straight to the county hospital (a skipped level: special cases only).
  await relate(gateway.db, 'XY-V01', 'XY-H01');
  await publishDemoSlots(gateway.gateway.app.slots, gateway.db);
  link = await startWeakLink({ target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) } });
  host = await runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: mkdtempSync(join(tmpdir(), 'xiangyi-referral-form-e2e-')),
    XIANGYI_GATEWAY_URL: link.url(),
  });
});

test.afterAll(async () => {
  await host?.close();
  await link?.close();
  await gateway?.close();
});

/** Signs out and in as another user (the sign-in form waits for the app to settle on a busy machine). */
async function switchUser(page: Page, username: string) {
  await page.getByRole('button', { name: '退出登录' }).click();
  // Under load the sign-in form may mount again after the first keystrokes: fill until it takes them.
  await expect(async () => {
    await page.getByLabel('登录名').fill(username);
    await page.getByLabel('密码或 PIN').fill(PASSWORD);
    await expect(page.getByRole('button', { name: '登录' })).toBeEnabled({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByTestId('signed-in-user').waitFor({ timeout: 30_000 });
}

/** A picture made in the page: noise (so it compresses badly) of the given size, as PNG or JPEG bytes. */
async function picture(page: Page, width: number, height: number, type: 'image/png' | 'image/jpeg') {
  const base64 = await page.evaluate(
    async ({ width, height, type }) => {
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
      const image = context.createImageData(width, height);
      for (let i = 0; i < image.data.length; i += 4) {
        const v = (Math.random() * 255) | 0;
        image.data[i] = v;
        image.data[i + 1] = (v + ((i / 4) % width)) & 255;
        image.data[i + 2] = 255 - v;
        image.data[i + 3] = 255;
      }
      context.putImageData(image, 0, 0);
      const blob = await canvas.convertToBlob({ type, quality: 0.95 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000)
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(binary);
    },
    { width, height, type },
  );
  return Buffer.from(base64, 'base64');
}

test('a village doctor fills a referral offline, submits it, and sees it waiting, then judged by the county', async ({
  browser,
}) => {
  test.setTimeout(420_000);
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await page.goto(host.url);
  // The first load compiles the renderer's bundle: on a busy machine it takes a while.
  await page.getByRole('textbox', { name: '登记码' }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: '登记码' }).fill(await gateway.issueCode('XY-V01'));
  await page.getByLabel('姓名').fill('村管理员');
  await page.getByLabel('登录名').fill('village.admin');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(PASSWORD);
  await page.getByLabel('再次输入密码').fill(PASSWORD);
  await page.getByRole('button', { name: '完成登记' }).click();
  await expect(page.getByTestId('sync-indicator')).toContainText('在线', { timeout: 30_000 });

  // The admin fetches this clinic's quota slots now (instead of waiting for the night) and adds the doctor.
  await page.getByRole('button', { name: '号源', exact: true }).click();

  // A download may already be under way (the first link starts one); otherwise start it.
  const runNow = page.getByRole('button', { name: '立即下载' });
  await expect(runNow.or(page.getByText('正在下载号源'))).toBeVisible({ timeout: 30_000 });
  if (await runNow.isVisible()) await runNow.click();
  await expect(page.getByText('已完成').first()).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: '用户', exact: true }).click();
  await page.getByLabel('姓名').fill('刘医生');
  await page.getByLabel('登录名').fill('liu.doctor');
  await page.getByRole('textbox', { name: '初始密码' }).fill(PASSWORD);
  await page.getByRole('checkbox', { name: '医生' }).check();
  await page.getByRole('button', { name: '添加用户' }).click();
  await expect(page.getByText('已添加用户 刘医生')).toBeVisible();
  await switchUser(page, 'liu.doctor');

  // The patient and today's readings (typed: no device at this station).
  await registerPatient(page, { name: '李秀英', idNumber: '450881195603020026', phone: '13907750123' });
  const panel = page.getByTestId('vitals-panel');
  await panel.getByRole('button', { name: '手动录入' }).click();
  const manual = panel.getByTestId('manual-entry');
  await manual.getByLabel('收缩压').fill('176');
  await manual.getByLabel('舒张压').fill('106');
  await manual.getByLabel('血氧饱和度').fill('96');
  await manual.getByRole('button', { name: '保存读数' }).click();
  await expect(panel.getByTestId('reading-row').filter({ hasText: '176/106' })).toHaveCount(1);

  // The link drops: everything below happens offline.
  link.setDown(true);
  await page.getByRole('button', { name: '转诊', exact: true }).click();
  await page.getByTestId('referral-new').click();
  await page.getByRole('combobox', { name: '查找患者' }).fill('lxy');
  await page.getByRole('combobox', { name: '查找患者' }).press('Enter');
  const form = page.getByTestId('referral-form');
  await expect(form.getByTestId('referral-patient')).toContainText('李秀英');
  await expect(form.getByLabel('现病史')).toHaveValue(/血压 176\/106 mmHg/);

  // Targets: the own township first, the county hospital marked as a skipped level, with quota left.
  const chooser = form.getByTestId('target-chooser');
  await expect(chooser.locator('li').first()).toContainText('东河镇卫生院');
  await expect(chooser.locator('li').first()).toContainText('对口上级');
  await expect(chooser.locator('li').nth(1)).toContainText('越级');
  await expect(form.getByTestId('slots-XY-H01')).toContainText(/配额 [1-9]/);

  // ICD-10 by pinyin initials and by code.
  await form.getByLabel('诊断（ICD-10）').fill('gxy');
  await expect(form.getByTestId('icd-hits').locator('button').first()).toContainText('I10 原发性高血压');
  await form.getByLabel('诊断（ICD-10）').press('Enter');
  await form.getByLabel('诊断（ICD-10）').fill('E11.9');
  await form.getByLabel('诊断（ICD-10）').press('Enter');
  await expect(form.getByTestId('chosen-diagnoses')).toContainText('E11.9 2型糖尿病不伴有并发症');
  await form.getByLabel('主诉').fill('头晕、头痛3天');
  await form.getByLabel('转诊原因').fill('血压控制不佳，三种降压药联用仍高于 170/100 mmHg');
  await form
    .getByLabel('转诊前诊疗经过')
    .fill('氨氯地平 5 mg qd，缬沙坦 80 mg qd，氢氯噻嗪 12.5 mg qd，已两周');

  // Submitting without consent: refused, nothing sent.
  await chooser.getByRole('radio', { name: /乡医县人民医院/ }).check();
  await form.getByTestId('referral-submit').click();
  await expect(form.getByText('提交前须采集患者知情同意').first()).toBeVisible();
  await expect(form.getByLabel('越级理由')).toBeVisible();

  // Attachments: a large photo is compressed; an oversized PDF is refused with its size and the limit.
  const photo = await picture(page, 2000, 1500, 'image/png');
  expect(photo.length).toBeGreaterThan(2_000_000);
  await form
    .getByTestId('attachment-input')
    .setInputFiles({ name: '化验单.png', mimeType: 'image/png', buffer: photo });
  const attachment = form.getByTestId('attachment');
  await expect(attachment).toContainText('化验单.jpg');
  const shownSize = (await attachment.locator('.note').textContent()) ?? '';
  expect(shownSize).toMatch(/^\d+ KB$/);
  expect(Number.parseInt(shownSize, 10)).toBeLessThanOrEqual(400);
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1_600_000, 32)]);
  await form
    .getByTestId('attachment-input')
    .setInputFiles({ name: '胸部CT报告.pdf', mimeType: 'application/pdf', buffer: pdf });
  await expect(form.getByText('PDF“胸部CT报告.pdf”有 1.5 MB，超过 1 MB')).toBeVisible();
  await expect(attachment).toHaveCount(1);

  await form.getByTestId('consent-input').setInputFiles({
    name: '知情同意书.jpg',
    mimeType: 'image/jpeg',
    buffer: await picture(page, 900, 1200, 'image/jpeg'),
  });
  await expect(form.getByTestId('consent')).toContainText('知情同意书.jpg');

  // Skipping a level needs the special mark and its reason.
  await form.getByTestId('referral-submit').click();
  await expect(form.getByText('上转不能越级').first()).toBeVisible();
  await form.getByRole('checkbox', { name: '特殊情况（越级上转）' }).check();
  await form.getByLabel('越级理由').fill('高血压急症可能，乡镇卫生院无法处理');
  // Offline the picker offers this clinic's quota only, and says so.
  const picker = form.getByTestId('slot-picker');
  await expect(picker.getByTestId('slot-offline')).toBeVisible();
  await form.getByLabel(/预约乡医县人民医院的号源/).selectOption({ index: 1 });
  await expect(picker.getByTestId('slot-how')).toContainText('配额号源');
  await picker.screenshot({ path: `${SCREENSHOTS}/71a-referral-slot-picker-offline.png` });
  // Tall enough for the whole form in one picture (the page scrolls inside its main area).
  await page.setViewportSize({ width: 1440, height: 2400 });
  await page.screenshot({ path: `${SCREENSHOTS}/70-referral-form-filled.png` });
  await chooser.screenshot({ path: `${SCREENSHOTS}/71-referral-target-chooser.png` });

  await form.getByTestId('referral-submit').click();
  const detail = page.getByTestId('referral-detail');
  await expect(detail.getByTestId('referral-state')).toHaveText('草稿');
  await expect(detail.getByTestId('referral-waiting')).toContainText('已排队，等待县级平台处理：提交转诊');
  await expect(detail.getByTestId('referral-appointment')).toContainText('已锁定');
  await expect(detail.getByTestId('history-entry')).toContainText('等待县级平台处理');
  const row = page.getByTestId('referral-row').first();
  await expect(row).toContainText('李秀英');
  await expect(row).toContainText('待上传');
  await page.screenshot({ path: `${SCREENSHOTS}/72-referral-list-offline.png` });

  // The link is back. The clinic would retry on its own after its back-off (up to 5 minutes); the
  // admin presses "sync now" instead. The county judges the submit: the outgoing review starts.
  link.setDown(false);
  await switchUser(page, 'village.admin');
  await page.getByRole('button', { name: '同步', exact: true }).click();
  await page.getByRole('button', { name: '立即同步' }).click();
  await expect(page.getByTestId('sync-waiting')).toHaveText('0 条待上传', { timeout: 60_000 });
  await switchUser(page, 'liu.doctor');
  await page.getByRole('button', { name: '转诊', exact: true }).click();
  await page.getByTestId('referral-row').first().click();
  await expect(detail.getByTestId('referral-state')).toHaveText('转出审核中', { timeout: 60_000 });
  await expect(detail.getByTestId('history-entry')).toContainText('已生效');
  await expect(detail.getByTestId('referral-waiting')).toHaveCount(0);
  await expect(detail.getByTestId('target-states')).toContainText('乡医县人民医院');
  await page.screenshot({ path: `${SCREENSHOTS}/73-referral-detail-history.png` });

  const { rows } = await gateway.db.query<{ state: string; special: boolean; slot_state: string }>(
    `SELECT r.data->>'state' AS state, (r.data->>'special')::boolean AS special, s.data->>'state' AS slot_state
       FROM documents r JOIN documents s ON s.collection = 'slots' AND s.id = r.data->>'slotId'
      WHERE r.collection = 'referrals'`,
    [],
  );
  expect(rows).toEqual([{ state: 'outgoing-review', special: true, slot_state: 'booked' }]);

  // Cancelling needs no network either; the county applies it and withdraws the target.
  await detail.getByLabel('撤销原因').fill('患者决定先在村里观察');
  await detail.getByTestId('referral-cancel').click();
  await expect(detail.getByTestId('referral-state')).toHaveText('已撤销', { timeout: 120_000 });
  await expect(detail.getByTestId('target-states')).toContainText('已撤回');

  // Online: a second referral picks an online slot of the county's pool; the submit holds and confirms it.
  await page.getByTestId('referral-new').click();
  await page.getByRole('combobox', { name: '查找患者' }).fill('lxy');
  await page.getByRole('combobox', { name: '查找患者' }).press('Enter');
  await expect(form.getByTestId('referral-patient')).toContainText('李秀英');
  await form.getByLabel('诊断（ICD-10）').fill('I10');
  await form.getByLabel('诊断（ICD-10）').press('Enter');
  await form.getByLabel('转诊原因').fill('撤销后复诊仍头晕，血压 180/110 mmHg');
  await chooser.getByRole('radio', { name: /乡医县人民医院/ }).check();
  await form.getByRole('checkbox', { name: '特殊情况（越级上转）' }).check();
  await form.getByLabel('越级理由').fill('高血压急症可能');
  await expect(picker.getByTestId('slot-offline')).toHaveCount(0);
  const online = form
    .getByLabel(/预约乡医县人民医院的号源/)
    .locator('optgroup[label="县级平台在线号源"] option');
  await expect(online.first()).toBeAttached({ timeout: 30_000 });
  const onlineSlotId = (await online.first().getAttribute('value')) as string;
  await form.getByLabel(/预约乡医县人民医院的号源/).selectOption(onlineSlotId);
  await expect(picker.getByTestId('slot-how')).toContainText('在线号源');
  await picker.screenshot({ path: `${SCREENSHOTS}/74-referral-slot-picker-online.png` });
  await form.getByTestId('consent-input').setInputFiles({
    name: '知情同意书.jpg',
    mimeType: 'image/jpeg',
    buffer: await picture(page, 600, 800, 'image/jpeg'),
  });
  await expect(form.getByTestId('consent')).toContainText('知情同意书.jpg');
  await form.getByTestId('referral-submit').click();
  await expect(detail.getByTestId('referral-appointment')).toContainText('已锁定');
  const { rows: locked } = await gateway.db.query<{ state: string; mode: string; reference_id: string }>(
    `SELECT state, mode, reference_id FROM slots WHERE id = $1`,
    [onlineSlotId],
  );
  expect(locked).toEqual([{ state: 'booked', mode: 'online', reference_id: expect.any(String) }]);
});
