/**
 * A headless host with the simulated devices on ptys (XIANGYI_SIMULATORS=1), one per test file,
 * plus a nurse to capture readings (the enrolled admin may not). The simulators are driven from
 * the test in-process, through the same control the `devices.simulate` bridge method uses.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { runHeadlessHost } from '../electron/headless/main';
import type { StartedDevices } from '../electron/host/devices';
import { enrol, expect, signIn } from './fixtures';

export interface SimHost {
  url: string;
  dataDir: string;
  devices: StartedDevices;
}

export const test = base.extend<object, { simHost: SimHost }>({
  simHost: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'xiangyi-e2e-devices-'));
      const host = await runHeadlessHost({
        ...process.env,
        XIANGYI_PORT: '0',
        XIANGYI_DATA_DIR: dataDir,
        XIANGYI_SIMULATORS: '1',
      });
      await use({ url: host.url, dataDir, devices: host.devices });
      await host.close();
    },
    { scope: 'worker' },
  ],
});

export { expect };

export const NURSE = { displayName: '李护士', username: 'li.nurse', password: 'Nurse-pass-1' };

/** Enrols the clinic, adds a nurse and signs in as her. */
export async function enrolAsNurse(page: Page, url: string): Promise<void> {
  await enrol(page, url);
  await page.getByRole('button', { name: '用户' }).click();
  await page.getByLabel('姓名').fill(NURSE.displayName);
  await page.getByLabel('登录名').fill(NURSE.username);
  await page.getByRole('textbox', { name: '初始密码' }).fill(NURSE.password);
  await page.getByRole('checkbox', { name: '护士' }).check();
  await page.getByRole('button', { name: '添加用户' }).click();
  await expect(page.getByText(`已添加用户 ${NURSE.displayName}`)).toBeVisible();
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, NURSE.username, NURSE.password);
  await expect(page.getByTestId('signed-in-user')).toContainText(NURSE.displayName);
}

/** Waits until every simulated device is connected (after an unplug, it comes back on a new pty). */
export async function simulatorsConnected(devices: StartedDevices): Promise<void> {
  await expect
    .poll(() => devices.host.list().every((status) => status.state === 'connected'), { timeout: 15_000 })
    .toBe(true);
}
