import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeGb18030 } from '../devices/drivers/escpos/gb18030';
import { enrolAsNurse, expect, simulatorsConnected, test } from './devices-fixture';
import { registerPatient, SCREENSHOTS } from './fixtures';

test.beforeEach(async ({ simHost }) => {
  await simulatorsConnected(simHost.devices);
  for (const status of simHost.devices.host.list())
    await simHost.devices.host.simulate(status.id, { do: 'fault', fault: null });
});

test('the BP simulator over a pty produces a reading that lands on the open patient', async ({
  page,
  simHost,
}) => {
  const { host } = simHost.devices;
  await enrolAsNurse(page, simHost.url);
  await registerPatient(page, { name: '王芳', idNumber: '450881196505120028' });
  const card = page.getByTestId('patient-card');
  await expect(card).toContainText('王芳');
  const panel = page.getByTestId('vitals-panel');

  // SunTech NIBP: started from here; the cuff pressure shows live while it inflates.
  await panel.getByLabel('测量设备').selectOption('sim-nibp');
  await panel.getByRole('button', { name: '开始测量' }).click();
  await expect(panel.getByTestId('measuring')).toContainText('正在为 王芳 测量');
  await expect(panel.getByTestId('cuff-pressure')).toContainText(/袖带压力 \d+ mmHg/);
  await page.screenshot({ path: `${SCREENSHOTS}/40-vitals-cuff-live.png` });
  await expect(panel.getByTestId('reading-row').first()).toContainText('132/84 mmHg', { timeout: 15_000 });
  await expect(panel.getByTestId('reading-row').first()).toContainText('sim-nibp');
  await expect(panel.getByTestId('vitals-notice')).toContainText('读数已保存');
  await expect(panel.getByTestId('measuring')).toHaveCount(0);

  // Omron: the nurse presses start on the monitor; the reading is bound to the patient on screen.
  await panel.getByLabel('测量设备').selectOption('sim-omron');
  await panel.getByRole('button', { name: '等待设备读数' }).click();
  await expect(panel.getByTestId('measuring')).toContainText('请在血压计上按');
  await host.simulate('sim-omron', { do: 'measure', systolic: 146, diastolic: 92, pulse: 80 });
  await expect(panel.getByTestId('reading-row').first()).toContainText('146/92 mmHg');

  // A reading with no open measurement never attaches itself: it waits in the tray.
  await host.simulate('sim-omron', { do: 'measure', systolic: 138, diastolic: 88, pulse: 75 });
  await expect(panel.getByTestId('tray-item')).toContainText('138/88 mmHg');
  await expect(panel.getByTestId('reading-row')).toHaveCount(2);
  await page.screenshot({ path: `${SCREENSHOTS}/41-vitals-tray.png` });
  await panel.getByRole('button', { name: '分配给 王芳' }).click();
  await expect(panel.getByTestId('reading-row').first()).toContainText('138/88 mmHg');
  await expect(panel.getByTestId('tray-strip')).toHaveCount(0);

  // Out of the plausible range: stored only after the nurse confirms.
  await panel.getByRole('button', { name: '等待设备读数' }).click();
  await host.simulate('sim-omron', { do: 'measure', systolic: 232, diastolic: 128, pulse: 96 });
  await expect(panel.getByTestId('confirm-range')).toContainText('收缩压');
  await page.screenshot({ path: `${SCREENSHOTS}/42-vitals-confirm.png` });
  await panel.getByRole('button', { name: '确认无误，保存' }).click();
  await expect(panel.getByTestId('reading-row').first()).toContainText('232/128 mmHg');
  await expect(panel.getByTestId('reading-row').first()).toContainText('已确认异常值');

  // No device at hand: typed values, marked manual.
  await panel.getByRole('button', { name: '手动录入' }).click();
  const manual = panel.getByTestId('manual-entry');
  await manual.getByLabel('体温').fill('36.8');
  await manual.getByLabel('血氧饱和度').fill('97');
  await manual.getByLabel('脉搏').fill('400');
  await manual.getByRole('button', { name: '保存读数' }).click();
  await expect(manual).toContainText('这个数值不可能是测量结果');
  await manual.getByLabel('脉搏').fill('78');
  await manual.getByRole('button', { name: '保存读数' }).click();
  await expect(panel.getByTestId('reading-row').first()).toContainText('手动录入');
  await expect(panel.getByTestId('reading-row')).toHaveCount(6);
  await expect(panel.getByTestId('trend-chart')).toBeVisible();
  // The page scrolls inside the shell: a tall window shows the whole card with its chart.
  await page.setViewportSize({ width: 1280, height: 1500 });
  await page.screenshot({ path: `${SCREENSHOTS}/43-vitals-panel.png` });

  // The vitals slip goes to the (simulated) thermal printer as ESC/POS.
  await panel.getByRole('button', { name: '打印测量单' }).click();
  await expect(panel.getByTestId('print-result')).toHaveText('测量单已打印');
  const paper = readFileSync(join(simHost.dataDir, 'devices', 'simulated-printer.bin'));
  expect(paper.includes(Buffer.from(encodeGb18030('生命体征测量单')))).toBe(true);
  expect(paper.includes(Buffer.from('XY-VITALS:'))).toBe(true);

  // Hypertension follow-up lists her with the latest reading.
  await page.getByRole('button', { name: '生命体征' }).click();
  await expect(page.getByTestId('follow-up-row').first()).toContainText('王芳');
  await expect(page.getByTestId('follow-up-row').first()).toContainText('未控制');
  // Six serial simulators, and the networked monitor listening for HL7.
  await expect(page.getByTestId('device-row')).toHaveCount(7);
  await expect(page.getByTestId('device-row').filter({ hasText: 'sim-monitor' })).toHaveCount(1);
  await page.screenshot({ path: `${SCREENSHOTS}/44-vitals-page.png` });
});

test('reading the ID card of an unknown person opens a prefilled registration; a health card (serial or keyboard-mode scanner) finds the patient', async ({
  page,
  simHost,
}) => {
  await enrolAsNurse(page, simHost.url);
  await page.getByRole('button', { name: '读身份证' }).click();
  await expect(page.getByTestId('identify-message')).toContainText('尚未登记');
  await expect(page.getByLabel('姓名')).toHaveValue('张秀英');
  await expect(page.getByLabel('身份证号')).toHaveValue('513431195803070021');
  await expect(page.getByLabel('性别')).toHaveValue('female');
  await expect(page.getByLabel('出生日期')).toHaveValue('1958-03-07');
  await expect(page.getByLabel('民族')).toHaveValue('01');
  await expect(page.locator('#addressDetail')).toHaveValue('四川省凉山彝族自治州昭觉县竹核乡竹核村3组12号');
  await page.screenshot({ path: `${SCREENSHOTS}/45-idcard-prefilled.png` });
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('patient-card')).toContainText('张秀英');

  // The same card again opens her record.
  await page.getByRole('button', { name: '新建患者' }).click();
  await page.getByRole('button', { name: '读身份证' }).click();
  await expect(page.getByTestId('patient-card')).toContainText('513431195803070021');

  // An unknown health card: registration with the token filled in.
  const token = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855:1';
  await simHost.devices.host.simulate('sim-qr', { do: 'scan', token });
  await expect(page.locator('#healthCardToken')).toHaveValue(token);
  await page.getByLabel('姓名').fill('吉克阿呷');
  await page.getByLabel('性别').selectOption('female');
  await page.getByLabel('出生日期').fill('1990-07-01');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('patient-card')).toContainText('吉克阿呷');
  // Scanning it again finds her, even from another screen.
  await page.getByRole('button', { name: '生命体征' }).click();
  await simHost.devices.host.simulate('sim-qr', { do: 'scan', token });
  await expect(page.getByTestId('patient-card')).toContainText('吉克阿呷');
  await expect(page.locator('[data-field="healthCardToken"]')).toHaveText(token);

  // A scanner in keyboard mode "types" the token faster than a person, ending with Enter. The keys
  // are dispatched inside the page so their spacing is the scanner's, not the test driver's.
  const typeKeys = (text: string, gapMs: number) =>
    page.evaluate(
      async ({ keys, gap }) => {
        for (const key of keys) {
          (document.activeElement ?? document.body).dispatchEvent(
            new KeyboardEvent('keydown', { key, bubbles: true }),
          );
          if (gap) await new Promise((resolve) => setTimeout(resolve, gap));
        }
      },
      { keys: [...text, 'Enter'], gap: gapMs },
    );
  await page.getByRole('button', { name: '生命体征' }).click();
  await typeKeys(token, 0);
  await expect(page.getByTestId('patient-card')).toContainText('吉克阿呷');
  // A person typing the same characters is not a scan.
  await page.getByRole('button', { name: '生命体征' }).click();
  await typeKeys(token, 80);
  await expect(page.getByRole('button', { name: '生命体征' })).toHaveClass(/active/);
  await expect(page.getByTestId('patient-card')).toHaveCount(0);
});

test('unplugging mid-measurement shows a clear message and stores nothing', async ({ page, simHost }) => {
  const { host } = simHost.devices;
  await enrolAsNurse(page, simHost.url);
  await registerPatient(page, { name: '赵强', idNumber: '450881197803150019' });
  const panel = page.getByTestId('vitals-panel');
  await host.simulate('sim-nibp', { do: 'fault', fault: 'unplug' });
  await panel.getByLabel('测量设备').selectOption('sim-nibp');
  await panel.getByRole('button', { name: '开始测量' }).click();
  await expect(panel.getByTestId('cuff-pressure')).toBeVisible();
  await expect(panel.getByTestId('vitals-notice')).toHaveText(
    '测量中断：设备已断开连接。未保存任何数据，请重新测量。',
  );
  await expect(panel.getByTestId('measuring')).toHaveCount(0);
  await expect(panel.getByTestId('reading-row')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENSHOTS}/46-vitals-unplugged.png` });

  // The module comes back on its own (the host reconnects); a new measurement works.
  await simulatorsConnected(simHost.devices);
  await expect(panel.getByRole('button', { name: '开始测量' })).toBeEnabled();
  await panel.getByRole('button', { name: '开始测量' }).click();
  await expect(panel.getByTestId('reading-row')).toHaveCount(1, { timeout: 15_000 });
  await expect(panel.getByTestId('reading-row').first()).toContainText('132/84 mmHg');
});
