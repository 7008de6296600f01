import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { ADMIN, enrol, expect, registerPatient, SCREENSHOTS, search, signIn, test } from './fixtures';
import config from './playwright.config';

test('the local store survives a restart of the browser (the app closed and opened again)', async ({
  host,
}) => {
  const profile = mkdtempSync(join(tmpdir(), 'xiangyi-profile-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      ...config.use?.launchOptions,
      viewport: { width: 1280, height: 800 },
    });

  const first = await launch();
  const page = first.pages()[0] ?? (await first.newPage());
  await enrol(page, host.url);
  await registerPatient(page, { name: '韦春花', idNumber: '450881198511220024', phone: '13977001122' });
  await expect(page.getByTestId('patient-card')).toContainText('韦春花');
  await first.close();

  const second = await launch();
  const again = second.pages()[0] ?? (await second.newPage());
  await again.goto(host.url);
  // Enrolment is remembered: the sign-in screen, not the first-run screen.
  await expect(again.getByRole('heading', { name: '登录' })).toBeVisible();
  await signIn(again, ADMIN.username, ADMIN.password);
  await expect((await search(again, 'wch')).first()).toContainText('韦春花');
  await second.close();
});

test('roles guard the screens: a nurse registers patients but cannot manage users, merge or register deaths', async ({
  page,
  host,
}) => {
  await enrol(page, host.url);
  await page.getByRole('button', { name: '用户' }).click();
  await page.getByLabel('姓名').fill('李护士');
  await page.getByLabel('登录名').fill('li.nurse');
  await page.getByRole('textbox', { name: '初始密码' }).fill('Nurse-pass-1');
  await page.getByRole('checkbox', { name: '护士' }).check();
  await page.getByRole('button', { name: '添加用户' }).click();
  await expect(page.getByText('已添加用户 李护士')).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/20-users.png` });

  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'li.nurse', 'Nurse-pass-1');
  await expect(page.getByTestId('signed-in-user')).toContainText('李护士');
  await expect(page.getByRole('button', { name: '用户' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: '审计日志' })).toHaveCount(0);
  await registerPatient(page, { name: '黄大年', idNumber: '450881200106070034' });
  await expect(page.getByTestId('patient-card')).toContainText('黄大年');
  await expect(page.getByRole('button', { name: '编辑' })).toBeVisible();
  await expect(page.getByRole('button', { name: '合并重复记录' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: '死亡注销' })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/21-nurse-view.png` });
});

test('the screen locks after inactivity and only the same person unlocks it', async ({ page, host }) => {
  await enrol(page, host.url);
  await page.evaluate(() => localStorage.setItem('xiangyi.idleLockMinutes', '0.03'));
  await expect(page.getByRole('heading', { name: '屏幕已锁定' })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('patient-card')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/22-locked.png` });
  await page.evaluate(() => localStorage.setItem('xiangyi.idleLockMinutes', '30'));
  await page.getByLabel('输入密码或 PIN 解锁').fill('not-it');
  await page.getByRole('button', { name: '解锁' }).click();
  await expect(page.getByRole('alert')).toHaveText('登录名或密码不正确');
  await page.getByLabel('输入密码或 PIN 解锁').fill(ADMIN.password);
  await page.getByRole('button', { name: '解锁' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText(ADMIN.displayName);
});

test('the settings page reads the workstation facts over the bridge', async ({ page, host }) => {
  await enrol(page, host.url);
  await page.getByRole('button', { name: '设置' }).click();
  const about = page.getByTestId('about');
  await expect(about).toContainText('浏览器模式');
  await expect(about).toContainText('http://127.0.0.1:8787');
  await expect(about).toContainText('xiangyi-e2e-');
  await page.screenshot({ path: `${SCREENSHOTS}/23-settings.png` });
});
