/**
 * Slots and follow-ups end to end: the app in Chromium on the real headless
 * host, the county gateway on a real PostgreSQL with the demo county's week of
 * slots, and the weak-link proxy between them to take the network away.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { runHeadlessHost } from '../electron/headless/main';
import type { AppointmentDoc } from '../sync/protocol/schema';
import { publishDemoSlots } from '../sync/server/slots/demo';
import { ClinicClient } from '../sync/server/testing/client';
import { type PostgresCluster, startPostgres } from '../sync/server/testing/postgres';
import { startGateway, type TestGateway } from '../sync/server/testing/start-gateway';
import { startWeakLink, type WeakLink } from '../sync/testing/weak-link';
import { expect, registerPatient, SCREENSHOTS, signIn, test } from './fixtures';

let cluster: PostgresCluster;
let gateway: TestGateway;
let link: WeakLink;
let host: { url: string; close(): Promise<void> };

// Tall enough that a whole card fits a screenshot (the shell scrolls inside the page).
test.use({ viewport: { width: 1280, height: 1400 } });

test.beforeAll(async () => {
  cluster = await startPostgres();
  gateway = await startGateway({ databaseUrl: await cluster.createDatabase('county_slots_e2e') });
  await publishDemoSlots(gateway.gateway.app.slots, gateway.db);
  link = await startWeakLink({ target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) } });
  host = await runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: mkdtempSync(join(tmpdir(), 'xiangyi-slots-e2e-')),
    XIANGYI_GATEWAY_URL: link.url(),
  });
});

test.afterAll(async () => {
  await host?.close();
  await link?.close();
  await gateway?.close();
  await cluster?.stop();
});

const localDate = (at: Date) =>
  `${at.getFullYear()}-${String(at.getMonth() + 1).padStart(2, '0')}-${String(at.getDate()).padStart(2, '0')}`;

async function pickPatient(page: Page, searchLabel: string, query: string) {
  await page.getByRole('combobox', { name: searchLabel }).fill(query);
  await page.getByTestId('search-result').first().dispatchEvent('mousedown');
}

test('an admin runs the overnight pull and reads the morning report; a doctor books quota offline and online; follow-ups by day and week', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(host.url);
  await page.getByRole('textbox', { name: '登记码' }).fill(await gateway.issueCode('XY-V01'));
  await page.getByLabel('姓名').fill('村管理员');
  await page.getByLabel('登录名').fill('village.admin');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill('Clinic-2026!');
  await page.getByLabel('再次输入密码').fill('Clinic-2026!');
  await page.getByRole('button', { name: '完成登记' }).click();
  await expect(page.getByTestId('sync-indicator')).toContainText('在线', { timeout: 30_000 });

  // The admin sets the night window and the cap, then downloads now.
  await page.getByRole('button', { name: '号源', exact: true }).click();
  const overnight = page.getByTestId('overnight');
  await overnight.getByLabel('开始时间').fill('0:30');
  await overnight.getByRole('button', { name: '保存设置' }).click();
  await expect(overnight.getByText('请按 时:分 填写，例如 00:30')).toBeVisible();
  await overnight.getByLabel('开始时间').fill('00:30');
  await overnight.getByLabel('结束时间').fill('05:00');
  await overnight.getByLabel('限速（kbit/s）').fill('64');
  await overnight.getByRole('button', { name: '保存设置' }).click();
  await expect(page.getByTestId('overnight-next')).toContainText(
    '01:00（时间段 00:30–05:00，限速 64 kbit/s）',
  );
  await overnight.getByRole('button', { name: '立即下载' }).click();
  const report = page.getByTestId('morning-report');
  await expect(report.getByTestId('report-outcome')).toHaveText('已完成', { timeout: 60_000 });
  await expect(report.getByTestId('report-arrived')).toContainText('乡医县人民医院');
  await expect(report).toContainText('没有失败。');
  const received = Number((await report.getByTestId('report-received').textContent())?.match(/\d+/)?.[0]);
  expect(received).toBeGreaterThanOrEqual(7);
  await expect(page.getByTestId('quota-slot').first()).toBeVisible();
  await expect(page.getByTestId('pool-hospital').first()).toContainText('乡医县人民医院');
  await page.screenshot({ path: `${SCREENSHOTS}/70-slots-page.png`, fullPage: true });
  await report.screenshot({ path: `${SCREENSHOTS}/71-morning-report.png` });

  // A doctor account; the doctor registers a patient.
  await page.getByRole('button', { name: '用户' }).click();
  await page.getByLabel('姓名').fill('刘医生');
  await page.getByLabel('登录名').fill('liu.doctor');
  await page.getByRole('textbox', { name: '初始密码' }).fill('Doctor-pass-1');
  await page.getByRole('checkbox', { name: '医生' }).check();
  await page.getByRole('button', { name: '添加用户' }).click();
  await expect(page.getByText('已添加用户 刘医生')).toBeVisible();
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'liu.doctor', 'Doctor-pass-1');
  await expect(page.getByTestId('signed-in-user')).toContainText('刘医生');
  await registerPatient(page, { name: '黄大年', idNumber: '450881200106070034', phone: '13977001122' });
  await expect(page.getByTestId('patient-card')).toContainText('黄大年');

  // Offline: a quota slot is booked and confirmed at once.
  link.setDown(true);
  await page.getByRole('button', { name: '号源', exact: true }).click();
  await page.getByTestId('quota-slot').first().getByRole('button', { name: '预约' }).click();
  await pickPatient(page, '查找并选择患者', 'hdn');
  await expect(page.getByTestId('book-slot-patient')).toHaveText('黄大年');
  await page.getByRole('button', { name: '确认预约' }).click();
  await expect(page.getByTestId('slots-message')).toHaveText('已预约并确认（配额号源，无需联网）。');
  const bookings = page.getByTestId('slot-bookings');
  await expect(bookings.getByTestId('slot-booking-status').first()).toHaveText('已确认');
  await expect(page.getByTestId('sync-indicator')).toContainText('离线', { timeout: 30_000 });
  await expect(page.getByTestId('pool-offline')).toBeVisible();

  // Back online: an online slot is held and confirmed by the county.
  link.setDown(false);
  // A doctor has no sync page: starting the app again retries at once.
  await page.reload();
  await signIn(page, 'liu.doctor', 'Doctor-pass-1');
  await expect(page.getByTestId('sync-indicator')).toContainText('在线', { timeout: 30_000 });
  await page.getByRole('button', { name: '号源', exact: true }).click();
  await page.getByTestId('pool-hospital').first().getByRole('button', { name: '查看号源' }).click();
  await page.getByTestId('pool-slot').first().getByRole('button', { name: '在线预约' }).click();
  await pickPatient(page, '查找并选择患者', 'hdn');
  await page.getByRole('button', { name: '确认预约' }).click();
  await expect(page.getByTestId('slots-message')).toHaveText('县级平台已确认预约。', { timeout: 30_000 });
  await expect(bookings.getByTestId('slot-booking')).toHaveCount(2);
  await expect(bookings.getByTestId('slot-booking-status')).toHaveText(['已确认', '已确认']);
  await bookings.screenshot({ path: `${SCREENSHOTS}/72-slots-booked.png` });

  // The county has both bookings, each holding its slot.
  await expect
    .poll(
      async () =>
        (
          await gateway.db.query<{ state: string; mode: string }>(
            `SELECT s.state, s.mode FROM slots s JOIN documents d ON d.collection = 'appointments' AND d.id = s.appointment_id
              ORDER BY s.mode`,
          )
        ).rows,
      { timeout: 30_000 },
    )
    .toEqual([
      { state: 'booked', mode: 'online' },
      { state: 'booked', mode: 'quota' },
    ]);

  // Follow-ups. The clinic's other PC had booked one for last week, which the patient missed.
  const otherPc = new ClinicClient(gateway.url, 'village-doctor');
  await otherPc.enrol(await gateway.issueCode('XY-V01'), 'village-pc-2');
  await otherPc.refreshToken();
  const patientId = (
    await gateway.db.query<{ id: string }>(`SELECT id FROM documents WHERE collection = 'patients' LIMIT 1`)
  ).rows[0]?.id as string;
  const lastWeek = new Date(Date.now() - 6 * 86_400_000);
  const stamp = new Date().toISOString();
  const missed: AppointmentDoc = {
    id: crypto.randomUUID(),
    facilityId: otherPc.facilityId,
    createdAt: stamp,
    updatedAt: stamp,
    createdBy: 'village-doctor',
    updatedBy: 'village-doctor',
    patientId,
    purpose: 'follow-up',
    scheduledAt: `${localDate(lastWeek)}T09:00`,
    status: 'confirmed',
    note: '复查血压',
  };
  await otherPc.push('appointments', [
    { assumedMasterState: null, newDocumentState: { ...missed, _deleted: false } },
  ]);

  await page.getByRole('button', { name: '复诊预约' }).click();
  const tomorrow = localDate(new Date(Date.now() + 86_400_000));
  for (const [time, note] of [
    ['09:30', '复查血压'],
    ['08:00', '血糖随访'],
  ] as const) {
    await page.getByRole('button', { name: '新建复诊预约' }).click();
    await pickPatient(page, '查找并选择患者', 'hdn');
    await page.getByRole('dialog').getByLabel('日期').fill(tomorrow);
    await page.getByLabel('时间').fill(time);
    await page.getByLabel('备注').fill(note);
    await page.getByRole('button', { name: '保存' }).click();
    if (time === '08:00') {
      // The patient already has one that day: refused with the reason.
      await expect(page.getByText('该患者这一天已有复诊预约')).toBeVisible();
      await page.getByRole('button', { name: '取消' }).last().click();
    }
  }
  await page.getByRole('button', { name: '下一天' }).click();
  await expect(page.getByTestId('follow-up-row')).toHaveCount(1);
  await expect(page.getByTestId('follow-up-row')).toContainText('黄大年');
  await expect(page.getByTestId('follow-up-row')).toContainText('09:30');
  await page.screenshot({ path: `${SCREENSHOTS}/73-follow-up-day.png`, fullPage: true });

  await page.getByRole('tab', { name: '周视图' }).click();
  await expect(page.getByTestId('week-entry')).toContainText(['09:30 黄大年']);
  await page.screenshot({ path: `${SCREENSHOTS}/74-follow-up-week.png`, fullPage: true });

  await page.getByRole('tab', { name: '逾期未复诊' }).click();
  await expect(page.getByTestId('overdue-row')).toHaveCount(0); // booked again for tomorrow: not overdue
  await page.getByRole('tab', { name: '日视图' }).click();
  await page.getByRole('button', { name: '改约' }).click();
  await page.getByLabel('时间').fill('10:15');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('follow-up-row')).toContainText('10:15');

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print-day-list')).toBeVisible();
  await expect(page.getByTestId('print-day-list')).toContainText('东河镇柳树村卫生室 复诊名单');
  await page.screenshot({ path: `${SCREENSHOTS}/75-follow-up-print.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // Cancelling tomorrow's leaves last week's missed follow-up overdue.
  await page.getByRole('button', { name: '取消', exact: true }).click();
  await page.getByRole('tab', { name: '逾期未复诊' }).click();
  await expect(page.getByTestId('overdue-row')).toHaveCount(1);
  await expect(page.getByTestId('overdue-row')).toContainText('6 天');
  await page.screenshot({ path: `${SCREENSHOTS}/76-follow-up-overdue.png`, fullPage: true });

  // Every appointment reached the county: two slot bookings, last week's and tomorrow's (cancelled) follow-ups.
  await expect
    .poll(
      async () =>
        (
          await gateway.db.query<{ status: string }>(
            `SELECT data->>'status' AS status FROM documents WHERE collection = 'appointments' ORDER BY 1`,
          )
        ).rows.map((row) => row.status),
      { timeout: 30_000 },
    )
    .toEqual(['cancelled', 'confirmed', 'confirmed', 'confirmed']);
});
