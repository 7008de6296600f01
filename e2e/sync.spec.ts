/**
 * The county link end to end: the app in Chromium, the real headless host, the
 * county gateway on a real PostgreSQL (Debian's, started here), and the
 * weak-link proxy between them standing in for a network that goes down.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import pg from 'pg';
import { runHeadlessHost } from '../electron/headless/main';
import type { ReferralDoc } from '../sync/protocol/schema';
import { ClinicClient } from '../sync/server/testing/client';
import { type PostgresCluster, startPostgres } from '../sync/server/testing/postgres';
import { startGateway, type TestGateway } from '../sync/server/testing/start-gateway';
import { startWeakLink, type WeakLink } from '../sync/testing/weak-link';
import { expect, registerPatient, SCREENSHOTS, signIn, test } from './fixtures';

let cluster: PostgresCluster;
let databaseUrl: string;
let gateway: TestGateway;
let link: WeakLink;
type Host = { url: string; close(): Promise<void> };
/** One workstation each: a host keeps its workstation's county credential. */
let villageHost: Host;
let townshipHost: Host;

const startHost = () =>
  runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: mkdtempSync(join(tmpdir(), 'xiangyi-sync-e2e-')),
    XIANGYI_GATEWAY_URL: link.url(),
  });

test.beforeAll(async () => {
  cluster = await startPostgres();
  databaseUrl = await cluster.createDatabase('county_e2e');
  gateway = await startGateway({ databaseUrl });
  link = await startWeakLink({ target: { host: '127.0.0.1', port: Number(new URL(gateway.url).port) } });
  villageHost = await startHost();
  townshipHost = await startHost();
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
  await page.getByRole('textbox', { name: '密码', exact: true }).fill('Clinic-2026!');
  await page.getByLabel('再次输入密码').fill('Clinic-2026!');
  await page.getByRole('button', { name: '完成登记' }).click();
  await page.getByTestId('signed-in-user').waitFor();
}

async function countyRows(sql: string, values: unknown[]) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows;
  } finally {
    await client.end();
  }
}

test('a patient registered offline waits, reaches PostgreSQL when the link is back, and reaches the referral target', async ({
  browser,
}) => {
  const village = await browser.newPage();
  await enrolWithCode(village, villageHost, await gateway.issueCode('XY-V01'), 'village.admin');
  await expect(village.getByTestId('facility-name')).toContainText('东河镇柳树村卫生室');
  await expect(village.getByTestId('sync-indicator')).toContainText('在线');

  // The network drops; the doctor registers a patient anyway.
  link.setDown(true);
  await registerPatient(village, { name: '张三', idNumber: '45088119900315001X', phone: '13812345678' });
  await expect(village.getByTestId('patient-card').getByTestId('waiting-mark')).toHaveText('未上传');
  await expect(village.getByTestId('sync-indicator')).toContainText('离线', { timeout: 30_000 });
  await expect(village.getByTestId('sync-indicator')).toContainText('待上传');
  await village.getByRole('button', { name: '同步' }).click();
  await expect(village.getByTestId('sync-last-error')).toContainText('连不上县级平台');
  await village.screenshot({ path: `${SCREENSHOTS}/30-sync-offline.png` });

  // The link comes back: "sync now", and the record is at the county.
  link.setDown(false);
  await village.getByRole('button', { name: '立即同步' }).click();
  await expect(village.getByTestId('sync-status')).toHaveText('在线', { timeout: 30_000 });
  await expect(village.getByTestId('sync-waiting')).toHaveText('0 条待上传', { timeout: 30_000 });
  await village.screenshot({ path: `${SCREENSHOTS}/31-sync-online.png` });
  const [stored] = await countyRows(
    "select id, data->>'name' as name, county_seq from documents where collection = 'patients'",
    [],
  );
  expect(stored).toMatchObject({ name: '张三' });
  const patientId = stored.id as string;
  await village.getByRole('button', { name: '患者' }).click();
  await village.getByRole('combobox', { name: '查找患者' }).fill('zs');
  await village.getByRole('combobox', { name: '查找患者' }).press('Enter');
  await expect(village.getByTestId('patient-card').getByTestId('waiting-mark')).toHaveCount(0);

  // The township sees nothing of the village's patients until a referral carries one.
  const township = await browser.newPage();
  await enrolWithCode(township, townshipHost, await gateway.issueCode('XY-T01'), 'township.admin');
  await expect(township.getByTestId('sync-indicator')).toContainText('在线');
  await township.getByRole('combobox', { name: '查找患者' }).fill('zs');
  await expect(township.getByText('没有找到匹配的患者')).toBeVisible();

  // The village's other PC submits the referral (the referral screens come with their own work).
  const otherPc = new ClinicClient(gateway.url, 'village-doctor');
  await otherPc.enrol(await gateway.issueCode('XY-V01'), 'village-pc-2');
  await otherPc.refreshToken();
  const now = new Date().toISOString();
  const referral: ReferralDoc = {
    id: crypto.randomUUID(),
    facilityId: otherPc.facilityId,
    createdAt: now,
    updatedAt: now,
    createdBy: 'village-doctor',
    updatedBy: 'village-doctor',
    serialNo: 'XY-V01-000001',
    patientId,
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: [gateway.facilities['XY-T01']?.id ?? ''],
    state: 'draft',
    reason: '血压控制不佳',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    attachmentIds: [],
    appliedSeq: 0,
  };
  await otherPc.push('referrals', [
    { assumedMasterState: null, newDocumentState: { ...referral, _deleted: false } },
  ]);

  // The township's live stream hears of it and pulls the patient.
  await township.getByRole('combobox', { name: '查找患者' }).fill('zhangsan');
  await expect(township.getByTestId('search-result').first()).toContainText('张三', { timeout: 30_000 });
  await township.screenshot({ path: `${SCREENSHOTS}/32-referral-target-sees-patient.png` });

  // Reload: the session is gone, the data and the link are not.
  await township.reload();
  await signIn(township, 'township.admin', 'Clinic-2026!');
  await township.getByRole('combobox', { name: '查找患者' }).fill('zs');
  await expect(township.getByTestId('search-result').first()).toContainText('张三');
});
