import { enrol, expect, SCREENSHOTS, test } from './fixtures';

test('a wrong checksum, an impossible birth date and a phone with letters each get their own message; nothing typed is lost', async ({
  page,
  host,
}) => {
  await enrol(page, host.url);
  await page.getByRole('button', { name: '新建患者' }).click();
  await page.getByLabel('姓名').fill('王小明');
  await page.getByLabel('身份证号').fill('450881199003150013');
  await page.getByLabel('性别').selectOption('male');
  await page.getByLabel('出生日期').fill('1990-02-30');
  await page.getByLabel('电话').fill('138abc45678');
  await page.getByRole('button', { name: '保存' }).click();

  await expect(page.locator('#idNumber-error')).toHaveText('身份证号校验位不正确，请核对每一位');
  await expect(page.locator('#birthDate-error')).toHaveText('不是有效日期（格式 年-月-日）');
  await expect(page.locator('#phone-error')).toHaveText('电话号码不能包含字母');
  await page.screenshot({ path: `${SCREENSHOTS}/10-bad-input.png` });

  await expect(page.getByLabel('姓名')).toHaveValue('王小明');
  await expect(page.getByLabel('身份证号')).toHaveValue('450881199003150013');
  await expect(page.getByLabel('出生日期')).toHaveValue('1990-02-30');
  await expect(page.getByLabel('电话')).toHaveValue('138abc45678');

  // Correcting the fields saves the record.
  await page.getByLabel('身份证号').fill('45088119900315001X');
  await page.getByLabel('出生日期').fill('1990-03-15');
  await page.getByLabel('电话').fill('13845678901');
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByTestId('patient-card')).toContainText('王小明');
});

test('the English interface uses the English translation file', async ({ page, host }) => {
  await page.goto(host.url);
  await page.getByLabel('语言').selectOption('en');
  await expect(page.getByRole('heading', { name: 'First run: enrol this clinic' })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/11-first-run-english.png` });
  await page.getByLabel('Language').selectOption('zh-CN');
  await expect(page.getByRole('heading', { name: '首次使用：登记本机构' })).toBeVisible();
});
