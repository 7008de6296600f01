/**
 * A referral up from a village station to its township centre, end to end: two
 * clinics in Chromium (each on its own headless host), the county gateway on a
 * real PostgreSQL, and the weak-link proxy between them. The village doctor
 * refers and prints the slip while the link is down, then reconnects; the
 * slip's PDF is looked at, its text read and its QR code verified; the
 * township reviewer approves in the inbox; arrival and completion are
 * recorded; the village gets the closing reminder and closes the loop.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { runHeadlessHost } from '../electron/headless/main';
import { findQrText, rasterisePdf } from '../scripts/slip-images';
import {
  decodeSlipPayload,
  encodeSlipPayload,
  type KnownSlipKey,
  verifySlipCode,
} from '../sync/protocol/referral/slip';
import type { FacilityDoc } from '../sync/protocol/schema';
import { setReviewConfig } from '../sync/server/referrals/review-config';
import { type PostgresCluster, startPostgres } from '../sync/server/testing/postgres';
import { startGateway, type TestGateway } from '../sync/server/testing/start-gateway';
import { startWeakLink, type WeakLink } from '../sync/testing/weak-link';
import { expect, registerPatient, SCREENSHOTS, signIn, test } from './fixtures';

let cluster: PostgresCluster;
let gateway: TestGateway;
let link: WeakLink;
type Host = { url: string; close(): Promise<void> };
let villageHost: Host;
let townshipHost: Host;
/** One window per workstation, kept across the tests: a clinic's store is its browser profile's IndexedDB. */
let village: Page;
let township: Page;

const PASSWORD = 'Clinic-2026!';

// The second test takes the patient the first one referred back down: they run in order.
test.describe.configure({ mode: 'serial' });

/** The village has the simulated devices (its thermal printer prints the slip). */
const startHost = (simulators: boolean) =>
  runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: mkdtempSync(join(tmpdir(), 'xiangyi-referrals-e2e-')),
    XIANGYI_GATEWAY_URL: link.url(),
    XIANGYI_SIMULATORS: simulators ? '1' : '0',
  });

test.beforeAll(async () => {
  cluster = await startPostgres();
  gateway = await startGateway({ databaseUrl: await cluster.createDatabase('county_referrals_e2e') });
  // A village station has no department head or medical affairs, nor admission review: both sides 免审.
  await setReviewConfig(gateway.db, 'XY-V01', { outgoingReviewFree: true, incomingReviewFree: true });
  link = await startWeakLink({ target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) } });
  villageHost = await startHost(true);
  townshipHost = await startHost(false);
});

test.afterAll(async () => {
  await villageHost?.close();
  await townshipHost?.close();
  await link?.close();
  await gateway?.close();
  await cluster?.stop();
});

async function enrolWithCode(page: Page, host: Host, code: string, username: string) {
  await page.goto(host.url);
  await page.getByRole('textbox', { name: '登记码' }).fill(code);
  await page.getByLabel('姓名').fill(username);
  await page.getByLabel('登录名').fill(username);
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(PASSWORD);
  await page.getByLabel('再次输入密码').fill(PASSWORD);
  await page.getByRole('button', { name: '完成登记' }).click();
  await page.getByTestId('signed-in-user').waitFor();
  await expect(page.getByTestId('sync-indicator')).toContainText('在线', { timeout: 30_000 });
}

/** The admin adds a colleague with these roles (the account syncs to the county, which judges by it). */
async function addUser(page: Page, name: string, username: string, roles: string[]) {
  await page.getByRole('button', { name: '用户', exact: true }).click();
  await page.getByLabel('姓名').fill(name);
  await page.getByLabel('登录名').fill(username);
  await page.getByRole('textbox', { name: '初始密码' }).fill(PASSWORD);
  for (const role of roles) await page.getByRole('checkbox', { name: role }).check();
  await page.getByRole('button', { name: '添加用户' }).click();
  await expect(page.getByText(`已添加用户 ${name}`)).toBeVisible();
}

async function switchUser(page: Page, username: string) {
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, username, PASSWORD);
  await page.getByTestId('signed-in-user').waitFor();
}

/** Every local change has reached the county (the sync page's count, or the indicator). */
async function allSent(page: Page) {
  await expect(page.getByTestId('sync-indicator')).toContainText('在线', { timeout: 30_000 });
  await expect(page.getByTestId('sync-indicator')).not.toContainText('待上传', { timeout: 30_000 });
}

/** What the county holds of the referral workflow, and every write to it (to say why a step did not happen). */
async function countyLog() {
  const { rows } = await gateway.db.query(
    `SELECT w.collection, w.seq, w.origin, d.data->>'command' AS command, d.data->'outcome'->>'reason' AS refused
       FROM write_log w JOIN documents d ON d.collection = w.collection AND d.id = w.doc_id
      WHERE w.collection IN ('referrals', 'referral_commands') ORDER BY w.seq`,
    [],
  );
  return rows;
}

/** A small JPEG made in the page (the consent photo). */
async function photo(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(300, 400);
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
    context.fillStyle = '#f4f1ea';
    context.fillRect(0, 0, 300, 400);
    context.fillStyle = '#222';
    context.font = '24px sans-serif';
    context.fillText('知情同意书', 90, 60);
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  });
  return Buffer.from(base64, 'base64');
}

test('a village doctor refers up offline and prints the slip; the township reviews, receives and completes; the village closes the loop', async ({
  browser,
}) => {
  test.setTimeout(420_000);
  village = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await enrolWithCode(village, villageHost, await gateway.issueCode('XY-V01'), 'village.admin');
  await addUser(village, '李医生', 'li.doctor', ['医生']);
  township = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await enrolWithCode(township, townshipHost, await gateway.issueCode('XY-T01'), 'township.admin');
  await addUser(township, '赵主任', 'zhao.review', ['审核人']);
  await addUser(township, '钱医生', 'qian.doctor', ['医生']);
  await allSent(township);

  // The village doctor registers the patient; then the link drops.
  await switchUser(village, 'li.doctor');
  await registerPatient(village, { name: '黄秀兰', idNumber: '450881195803120021', phone: '13907750123' });
  await expect(village.getByTestId('patient-card')).toContainText('黄秀兰');
  await allSent(village);

  // The referral form (the consent photo is attached while the link is up).
  await village.getByRole('button', { name: '转诊', exact: true }).click();
  await village.getByTestId('referral-new').click();
  await village.getByRole('combobox', { name: '查找患者' }).fill('hxl');
  await village.getByRole('combobox', { name: '查找患者' }).press('Enter');
  const form = village.getByTestId('referral-form');
  await expect(form.getByTestId('referral-patient')).toContainText('黄秀兰');
  await form
    .getByTestId('target-chooser')
    .getByRole('radio', { name: /东河镇卫生院/ })
    .check();
  await form.getByLabel('诊断（ICD-10）').fill('gxy');
  await expect(form.getByTestId('icd-hits').locator('button').first()).toContainText('I10');
  await form.getByLabel('诊断（ICD-10）').press('Enter');
  await form.getByLabel('主诉').fill('头晕两周');
  await form.getByLabel('转诊原因').fill('血压控制不佳，两种降压药联用仍在 170/100 mmHg 以上');
  await form
    .getByTestId('consent-input')
    .setInputFiles({ name: '知情同意书.jpg', mimeType: 'image/jpeg', buffer: await photo(village) });
  await expect(form.getByTestId('consent')).toContainText('知情同意书.jpg');
  // The doctor saves the draft while the link is up; it drops before the submit, so the submit, the
  // slip and its print happen offline. (A consent attached offline as well is the ordering gap in
  // E2's report: the queued submit overtakes the draft edit that carries the consent, and the county
  // judges it against the older draft.)
  await form.getByTestId('referral-save').click();
  await village.getByTestId('referral-detail').getByTestId('referral-edit').waitFor();
  await allSent(village);
  link.setDown(true);
  await village.getByTestId('referral-detail').getByTestId('referral-edit').click();
  await expect(form.getByTestId('consent')).toContainText('知情同意书.jpg');
  await form.getByTestId('referral-submit').click();
  const outgoing = village.getByTestId('referral-detail');
  await expect(outgoing.getByTestId('referral-state')).toHaveText('草稿');
  await expect(outgoing.getByTestId('referral-waiting')).toContainText('提交转诊');

  // Still offline: the slip is saved as PDF and printed on the thermal printer (the print is recorded).
  const slip = outgoing.getByTestId('slip-actions');
  await expect(slip.getByTestId('slip-unconfirmed')).toBeVisible();
  await slip.getByRole('button', { name: '保存 PDF' }).click();
  await expect(slip.getByTestId('slip-result')).toContainText('PDF 已保存');
  const pdf =
    /PDF 已保存：(.+\.pdf)/.exec((await slip.getByTestId('slip-result').textContent()) ?? '')?.[1] ?? '';
  await slip.getByRole('button', { name: '小票打印' }).click();
  await expect(slip.getByTestId('slip-result')).toContainText('已记录打印');
  await expect(village.getByTestId('sync-indicator')).toContainText('离线', { timeout: 30_000 });
  await village.screenshot({ path: `${SCREENSHOTS}/52-referral-offline-printed.png`, fullPage: true });

  // The slip as paper: a picture to look at, and its text holds the referral's fields.
  execFileSync('pdftoppm', ['-png', '-r', '110', '-singlefile', pdf, join(SCREENSHOTS, '53-referral-slip')]);
  const slipText = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  const serialNo = ((await outgoing.locator('.mono').first().textContent()) ?? '').trim();
  for (const field of [
    '双向转诊单',
    '黄秀兰',
    '东河镇柳树村卫生室',
    '东河镇卫生院',
    'I10',
    '原发性高血压',
    '血压控制不佳',
  ]) {
    expect(slipText, field).toContain(field);
  }
  expect(slipText).toContain('离线开具');
  const code = findQrText(rasterisePdf(pdf)) ?? '';
  expect(code).toMatch(/^XYS1\./);

  // The link comes back: the referral, its submit and the print reach the county, which judges them in order.
  // (The clinic retries with backoff, up to minutes after a long cut: no one here presses "sync now".)
  link.setDown(false);
  await expect(outgoing.getByTestId('referral-state'))
    .toHaveText('转入审核中', { timeout: 150_000 })
    .catch(async (error: Error) => {
      throw new Error(`${error.message}\nat the county: ${JSON.stringify(await countyLog())}`);
    });
  await allSent(village);
  await expect
    .poll(async () => {
      const { rows } = await gateway.db.query<{ command: string; status: string }>(
        `SELECT data->>'command' AS command, data->'outcome'->>'status' AS status FROM documents
          WHERE collection = 'referral_commands' ORDER BY county_seq`,
        [],
      );
      return rows.map((row) => `${row.command}:${row.status}`);
    })
    .toEqual(['submit:applied', 'print:applied']);

  // The QR code verifies against the key the village registered once online; one changed character does not.
  await village.getByRole('button', { name: '患者', exact: true }).click();
  await village.getByRole('button', { name: '转诊', exact: true }).click();
  await village.getByTestId('referral-row').filter({ hasText: '黄秀兰' }).getByRole('button').first().click();
  await expect(slip.getByTestId('slip-key')).toContainText('已在县级平台登记', { timeout: 30_000 });
  const verifier = await gateway.clinic('XY-T01', 'slip-verifier');
  const facilities = (await verifier.pullAll('facilities')) as unknown as FacilityDoc[];
  const keys: KnownSlipKey[] = facilities.flatMap((f) =>
    (f.slipKeys ?? []).map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, facilityCode: f.code })),
  );
  const verified = verifySlipCode(code, keys);
  expect(verified).toMatchObject({ ok: true, content: { serialNo } });
  const { text, keyId, signature } = decodeSlipPayload(code);
  const at = text.indexOf('黄秀兰');
  const changed = `${text.slice(0, at)}黄秀芝${text.slice(at + 3)}`;
  expect(changed.length).toBe(text.length);
  expect(verifySlipCode(encodeSlipPayload({ text: changed, keyId, signature }), keys)).toMatchObject({
    ok: false,
    problem: 'bad-signature',
  });

  // The township reviewer finds it in the inbox, the 30 minutes counting down, and approves.
  await switchUser(township, 'zhao.review');
  await township.getByRole('button', { name: '转入待办' }).click();
  const item = township.getByTestId('inbox-item').filter({ hasText: '黄秀兰' });
  await expect(item).toHaveAttribute('data-state', 'incoming-review', { timeout: 30_000 });
  await expect(item.getByTestId('inbox-countdown')).toHaveText(/剩余 (30:00|2\d:\d\d)/);
  await item.click();
  const detail = township.getByTestId('inbox-detail');
  await expect(detail).toContainText('转入审核 · 临床科室');
  await expect(detail).toContainText(serialNo);
  await expect(detail).toContainText('I10 原发性高血压');
  await expect(detail.getByTestId('inbox-history')).toContainText('打印转诊单');
  await township.screenshot({ path: `${SCREENSHOTS}/50-inbox-review.png` });
  // A rejection without a reason is refused on the spot.
  await township.getByRole('button', { name: '驳回' }).click();
  await expect(township.getByText('驳回时请写明原因。')).toBeVisible();
  await township.getByLabel('审核意见').fill('同意接收，请携带近两周血压记录');
  await township.getByRole('button', { name: '同意' }).click();
  await expect(detail.getByTestId('inbox-state')).toHaveAttribute('data-state', 'approved', {
    timeout: 30_000,
  });

  // The receiving doctor records arrival (履约), then completion with the treatment summary.
  await switchUser(township, 'qian.doctor');
  await township.getByRole('button', { name: '转入待办' }).click();
  await township.getByTestId('inbox-item').filter({ hasText: '黄秀兰' }).click();
  await township.getByRole('button', { name: '患者已到诊（履约）' }).click();
  await expect(detail.getByTestId('inbox-state')).toHaveAttribute('data-state', 'arrived', {
    timeout: 30_000,
  });
  await township.getByRole('button', { name: '完成诊疗' }).click();
  await expect(township.getByText('完成诊疗需要填写诊疗小结。')).toBeVisible();
  await township
    .getByLabel('诊疗小结（回传转出机构）')
    .fill('血压控制达标（132/84 mmHg），调整为氨氯地平 5mg 每日一次，两周后村卫生室随访。');
  await township.getByRole('button', { name: '完成诊疗' }).click();
  await expect(detail.getByTestId('inbox-state')).toHaveAttribute('data-state', 'completed', {
    timeout: 30_000,
  });
  await expect(detail.getByTestId('inbox-summary')).toContainText('氨氯地平');
  await township.screenshot({ path: `${SCREENSHOTS}/51-inbox-completed.png` });

  // The village gets the closing reminder (闭环) with the summary, and closes the loop.
  const reminders = village.getByTestId('referral-reminders');
  await expect(reminders).toContainText('黄秀兰', { timeout: 30_000 });
  await expect(reminders).toContainText('请反馈闭环');
  await expect(outgoing).toContainText('氨氯地平');
  await village.screenshot({ path: `${SCREENSHOTS}/54-referral-loop-reminder.png`, fullPage: true });
  await village.getByLabel(/反馈|闭环/).fill('已电话随访，血压平稳');
  await outgoing.getByTestId('referral-close-loop').click();
  await expect(outgoing.getByTestId('referral-state')).toHaveText('已闭环', { timeout: 30_000 });
  await expect(reminders).toHaveCount(0);

  // ...and the township's inbox shows it closed too.
  await expect(township.getByTestId('inbox-section-finished').getByTestId('inbox-item')).toHaveAttribute(
    'data-state',
    'closed',
    { timeout: 30_000 },
  );
});

/** "YYYY-MM-DDTHH:MM" (a datetime-local value) `days` from now at `hour` o'clock. */
function daysAhead(days: number, hour: number): string {
  const at = new Date(Date.now() + days * 86_400_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(hour)}:00`;
}

test('a downward referral: two outgoing reviews with no time limit, arrival at the village, feedback with a rehabilitation plan', async () => {
  test.setTimeout(300_000);
  await switchUser(township, 'qian.doctor');

  // The township doctor refers the treated patient back down to her village station.
  await township.getByRole('button', { name: '转诊', exact: true }).click();
  await township.getByTestId('referral-new').click();
  await township.getByRole('combobox', { name: '查找患者' }).fill('hxl');
  await township.getByRole('combobox', { name: '查找患者' }).press('Enter');
  const form = township.getByTestId('referral-form');
  await expect(form.getByTestId('referral-patient')).toContainText('黄秀兰');
  await form.getByRole('radio', { name: '下转' }).check();
  await form
    .getByTestId('target-chooser')
    .getByRole('radio', { name: /东河镇柳树村卫生室/ })
    .check();
  await form.getByLabel('诊断（ICD-10）').fill('I10');
  await form.getByLabel('诊断（ICD-10）').press('Enter');
  await form.getByLabel('转诊原因').fill('血压已达标，转回村卫生室康复管理');
  await form
    .getByTestId('consent-input')
    .setInputFiles({ name: '知情同意书.jpg', mimeType: 'image/jpeg', buffer: await photo(township) });
  await expect(form.getByTestId('consent')).toContainText('知情同意书.jpg');
  await form.getByTestId('referral-submit').click();
  const outgoing = township.getByTestId('referral-detail');
  await expect(outgoing.getByTestId('referral-state')).toHaveText('转出审核中', { timeout: 60_000 });

  // The outgoing review, in the township's own inbox: department head, then medical affairs; no time limit.
  await switchUser(township, 'zhao.review');
  await township.getByRole('button', { name: '转入待办' }).click();
  const item = township.getByTestId('inbox-section-review').getByTestId('inbox-item');
  await expect(item).toContainText('转出审核 · 科室主任', { timeout: 30_000 });
  await expect(item).toContainText('下转无审核时限');
  await expect(item.getByTestId('inbox-countdown')).toHaveCount(0);
  await item.click();
  await township.getByRole('button', { name: '同意' }).click();
  await expect(item).toContainText('转出审核 · 医务部', { timeout: 30_000 });
  await township.screenshot({ path: `${SCREENSHOTS}/55-inbox-outgoing-review-down.png` });
  await township.getByRole('button', { name: '同意' }).click();
  await expect(township.getByTestId('inbox-section-review')).toHaveCount(0, { timeout: 30_000 });

  // The village (review-free on its side) receives her: arrival, then feedback and the rehabilitation plan.
  await village.getByRole('button', { name: '转入待办' }).click();
  const received = village.getByTestId('inbox-section-receiving').getByTestId('inbox-item');
  await expect(received).toHaveAttribute('data-state', 'approved', { timeout: 30_000 });
  await received.click();
  const detail = village.getByTestId('inbox-detail');
  await expect(detail).toContainText('东河镇卫生院');
  await village.getByRole('button', { name: '患者已到诊（履约）' }).click();
  await expect(detail.getByTestId('inbox-state')).toHaveAttribute('data-state', 'arrived', {
    timeout: 30_000,
  });
  const feedback = village.getByTestId('inbox-feedback-form');
  // Bad input is named field by field, and nothing is sent.
  await feedback.getByRole('button', { name: '提交反馈与康复计划' }).click();
  await expect(feedback.getByText('请选择康复情况。')).toBeVisible();
  await expect(feedback.getByText('康复计划至少需要一次随访预约。')).toBeVisible();
  await feedback.getByLabel('康复情况').selectOption({ label: '好转' });
  await feedback.getByLabel('健康状况').fill('血压 128/80 mmHg，头晕消失，可自理');
  await feedback.getByLabel('社区康复计划').fill('低盐饮食，每日快走 30 分钟；每周测血压两次，家庭医生随访');
  await feedback.getByLabel('第 1 次随访时间').fill(daysAhead(-1, 9));
  await feedback.getByRole('button', { name: '提交反馈与康复计划' }).click();
  await expect(feedback.getByText('随访时间不能早于现在。')).toBeVisible();
  const visits = [daysAhead(7, 9), daysAhead(21, 9)];
  await feedback.getByLabel('第 1 次随访时间').fill(visits[0] as string);
  await feedback.getByRole('button', { name: '增加一次随访' }).click();
  await feedback.getByLabel('第 2 次随访时间').fill(visits[1] as string);
  await village.screenshot({ path: `${SCREENSHOTS}/56-inbox-downward-feedback.png`, fullPage: true });
  await feedback.getByRole('button', { name: '提交反馈与康复计划' }).click();
  await expect(detail.getByTestId('inbox-state')).toHaveAttribute('data-state', 'closed', {
    timeout: 30_000,
  });
  await expect(detail.getByTestId('inbox-feedback')).toContainText('好转');
  await expect(detail.getByTestId('inbox-feedback')).toContainText(visits[0] as string);

  // The rehabilitation visits are appointments of the village (purpose rehabilitation), at the county too.
  const referralId = (await detail.getAttribute('data-referral-id')) ?? '';
  await expect
    .poll(async () => {
      const { rows } = await gateway.db.query<{ at: string }>(
        `SELECT data->>'scheduledAt' AS at FROM documents WHERE collection = 'appointments'
            AND data->>'referralId' = $1 AND data->>'purpose' = 'rehabilitation' ORDER BY 1`,
        [referralId],
      );
      return rows.map((row) => row.at);
    })
    .toEqual(visits);

  // The township, which referred her down, sees the loop closed.
  await switchUser(township, 'qian.doctor');
  await township.getByRole('button', { name: '转诊', exact: true }).click();
  await township.getByRole('tab', { name: '全部' }).click();
  await township.getByTestId('referral-row').filter({ hasText: '下转' }).getByRole('button').first().click();
  await expect(township.getByTestId('referral-detail').getByTestId('referral-state')).toHaveText('已闭环', {
    timeout: 30_000,
  });
});
