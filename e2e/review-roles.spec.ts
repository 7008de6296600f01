/**
 * Review roles by level (转出审核 in two levels): at a township centre the
 * department head (科室主任) decides level 1 and medical affairs (医务部)
 * level 2; each sees the other's level named, without a review form. The
 * referral itself comes from a second workstation of the township (the county
 * test client), so the spec stays on the review.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { runHeadlessHost } from '../electron/headless/main';
import { setReviewConfig } from '../sync/server/referrals/review-config';
import { commandDoc, created, patientDoc, referralDoc, userDoc } from '../sync/server/testing/fixtures';
import { startGateway, type TestGateway } from '../sync/server/testing/start-gateway';
import { expect, SCREENSHOTS, signIn, test } from './fixtures';

const PASSWORD = 'Clinic-2026!';
let gateway: TestGateway;
let host: { url: string; close(): Promise<void> };

test.beforeAll(async () => {
  gateway = await startGateway();
  await setReviewConfig(gateway.db, 'XY-T01', { outgoingReviewFree: false, outgoingLevels: 2 });
  host = await runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: mkdtempSync(join(tmpdir(), 'xiangyi-review-roles-e2e-')),
    XIANGYI_GATEWAY_URL: gateway.url,
  });
});

test.afterAll(async () => {
  await host?.close();
  await gateway?.close();
});

/** The township doctor's referral, sent from another workstation: pushed, then submitted. */
async function referFromOtherWorkstation(): Promise<string> {
  const pc = await gateway.clinic('XY-T01', 't01-doctor');
  await pc.push('users', created(userDoc(pc.facilityId, pc.userId, ['doctor'], '孙医生')));
  const patient = patientDoc(pc.facilityId, {
    name: '韦桂芳',
    namePinyin: 'weiguifang',
    nameInitials: 'wgf',
  });
  await pc.push('patients', created(patient));
  const hospital = gateway.facilities['XY-H01']?.id as string;
  const referral = referralDoc(pc.facilityId, patient.id, [hospital], {
    type: 'inpatient',
    state: 'draft',
    consentAttachmentId: 'consent-1',
    reason: '冠心病不稳定型心绞痛，需住院行冠脉造影',
  });
  await pc.push('referrals', created(referral));
  const at = new Date().toISOString();
  const submit = {
    ...commandDoc(pc.facilityId, referral.id),
    createdAt: at,
    updatedAt: at,
    createdBy: pc.userId,
  };
  await pc.push('referral_commands', created(submit));
  return referral.id;
}

async function switchUser(page: Page, username: string) {
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, username, PASSWORD);
  await page.getByTestId('signed-in-user').waitFor();
  await page.getByRole('button', { name: '转入待办' }).click();
}

test('the department head decides outgoing level 1, medical affairs level 2; each sees whose level it is', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(host.url);
  await page.getByRole('textbox', { name: '登记码' }).fill(await gateway.issueCode('XY-T01'));
  await page.getByLabel('姓名').fill('管理员');
  await page.getByLabel('登录名').fill('township.admin');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(PASSWORD);
  await page.getByLabel('再次输入密码').fill(PASSWORD);
  await page.getByRole('button', { name: '完成登记' }).click();
  await page.getByTestId('signed-in-user').waitFor();

  // The admin gives each reviewer the role of their level.
  await page.getByRole('button', { name: '用户', exact: true }).click();
  await expect(page.getByTestId('review-roles-hint')).toContainText('各自只办理本级');
  for (const [name, username, role] of [
    ['赵主任', 'zhao.head', '科室主任'],
    ['钱医务', 'qian.affairs', '医务部'],
  ] as const) {
    await page.getByLabel('姓名').fill(name);
    await page.getByLabel('登录名').fill(username);
    await page.getByRole('textbox', { name: '初始密码' }).fill(PASSWORD);
    await page.getByRole('checkbox', { name: role, exact: true }).check();
    await page.getByRole('button', { name: '添加用户' }).click();
    await expect(page.getByText(`已添加用户 ${name}`)).toBeVisible();
  }
  await page.screenshot({ path: `${SCREENSHOTS}/58-users-review-roles.png`, fullPage: true });
  // The county judges reviews by the reviewer's account: it must be there first.
  await expect(page.getByTestId('sync-indicator')).toContainText('在线', { timeout: 30_000 });
  await expect(page.getByTestId('sync-indicator')).not.toContainText('待上传', { timeout: 30_000 });
  const referralId = await referFromOtherWorkstation();

  // Level 1 is not medical affairs' to decide: the panel says whose it is.
  await switchUser(page, 'qian.affairs');
  const item = page.getByTestId('inbox-section-review').getByTestId('inbox-item');
  await expect(item).toContainText('转出审核 · 科室主任', { timeout: 30_000 });
  await item.click();
  await expect(page.getByTestId('inbox-cannot-review')).toHaveText(
    '待科室主任审核（第 1 级）：这一级由科室主任或审核人办理。',
  );
  await expect(page.getByTestId('inbox-review')).toHaveCount(0);

  await switchUser(page, 'zhao.head');
  await item.click();
  await page.getByTestId('inbox-review').getByRole('button', { name: '同意' }).click();
  await expect(item).toContainText('转出审核 · 医务部', { timeout: 30_000 });
  await expect(page.getByTestId('inbox-cannot-review')).toHaveText(
    '待医务部审核（第 2 级）：这一级由医务部或审核人办理。',
  );
  await expect(page.getByTestId('inbox-review')).toHaveCount(0);
  await expect(page.getByTestId('inbox-history')).toContainText('同意（第 1 级）');
  await page.screenshot({ path: `${SCREENSHOTS}/57-inbox-review-other-level.png` });

  await switchUser(page, 'qian.affairs');
  await item.click();
  await page.getByTestId('inbox-review').getByRole('button', { name: '同意' }).click();
  // Both levels passed: the county hospital reviews it now, and it leaves the township's list to review.
  await expect(page.getByTestId('inbox-section-review')).toHaveCount(0, { timeout: 30_000 });
  const { rows } = await gateway.db.query<{ command: string; status: string; level: string | null }>(
    `SELECT data->>'command' AS command, data->'outcome'->>'status' AS status, data->'payload'->>'level' AS level
       FROM documents WHERE collection = 'referral_commands' AND data->>'referralId' = $1 ORDER BY county_seq`,
    [referralId],
  );
  expect(rows.map((row) => `${row.command}:${row.status}:${row.level ?? '-'}`)).toEqual([
    'submit:applied:-',
    'review:applied:1',
    'review:applied:2',
  ]);
  const { rows: stored } = await gateway.db.query<{ state: string }>(
    `SELECT data->>'state' AS state FROM documents WHERE collection = 'referrals' AND id = $1`,
    [referralId],
  );
  expect(stored[0]?.state).toBe('incoming-review');
});
