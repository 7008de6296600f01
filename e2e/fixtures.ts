/**
 * Each test file gets its own headless host (the real Node host, real bridge
 * over WebSocket) on a free port, with a throwaway data folder.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { runHeadlessHost } from '../electron/headless/main';

export const SCREENSHOTS = join(import.meta.dirname, '..', 'test-results', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

export const test = base.extend<object, { host: { url: string } }>({
  host: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const host = await runHeadlessHost({
        ...process.env,
        XIANGYI_PORT: '0',
        XIANGYI_DATA_DIR: mkdtempSync(join(tmpdir(), 'xiangyi-e2e-')),
      });
      await use({ url: host.url });
      await host.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';

export const ADMIN = { displayName: '王管理', username: 'wang.admin', password: 'Clinic-2026!' };

export async function enrol(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole('radio', { name: '暂不连接县级平台（仅本机使用）' }).check();
  await page.getByLabel('机构代码').fill('450881123');
  await page.getByLabel('机构名称').fill('桂平市石龙镇中心卫生院');
  await page.getByLabel('机构级别').selectOption('township');
  await page.getByLabel('姓名').fill(ADMIN.displayName);
  await page.getByLabel('登录名').fill(ADMIN.username);
  await page.getByRole('textbox', { name: '密码', exact: true }).fill(ADMIN.password);
  await page.getByLabel('再次输入密码').fill(ADMIN.password);
  await page.getByRole('button', { name: '完成登记' }).click();
  await page.getByTestId('signed-in-user').waitFor();
}

export async function signIn(page: Page, username: string, secret: string) {
  await page.getByLabel('登录名').fill(username);
  await page.getByLabel('密码或 PIN').fill(secret);
  await page.getByRole('button', { name: '登录' }).click();
}

export interface NewPatient {
  name: string;
  idNumber?: string;
  sex?: 'male' | 'female';
  birthDate?: string;
  phone?: string;
}

export async function registerPatient(page: Page, patient: NewPatient) {
  await page.getByRole('button', { name: '新建患者' }).click();
  await page.getByLabel('姓名').fill(patient.name);
  if (patient.idNumber) await page.getByLabel('身份证号').fill(patient.idNumber);
  if (patient.sex) await page.getByLabel('性别').selectOption(patient.sex);
  if (patient.birthDate) await page.getByLabel('出生日期').fill(patient.birthDate);
  if (patient.phone) await page.getByLabel('电话').fill(patient.phone);
  await page.getByRole('button', { name: '保存' }).click();
}

export async function search(page: Page, query: string) {
  const box = page.getByRole('combobox', { name: '查找患者' });
  await box.fill(query);
  return page.getByTestId('search-result');
}
