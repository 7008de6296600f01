import { ADMIN, enrol, expect, registerPatient, SCREENSHOTS, search, signIn, test } from './fixtures';

const PATIENTS = [
  {
    name: '张三',
    idNumber: '45088119900315001X',
    phone: '13812345678',
    initials: 'zs',
    idTail: '001X',
    phoneQuery: '13812345678',
  },
  {
    name: '李秀英',
    idNumber: '450881198511220024',
    phone: '13977001122',
    initials: 'lxy',
    idTail: '0024',
    phoneQuery: '13977001122',
  },
  {
    name: '欧阳明',
    idNumber: '450881200106070034',
    phone: '15007751234',
    initials: 'oym',
    idTail: '0034',
    phoneQuery: '15007751234',
  },
];

test('enrol, sign in, register, find by initials, ID tail and phone, merge a duplicate, reload', async ({
  page,
  host,
}) => {
  await enrol(page, host.url);
  await page.screenshot({ path: `${SCREENSHOTS}/01-after-enrolment.png` });

  // Sign out and back in: the password is checked offline against its Argon2id hash.
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, ADMIN.username, 'wrong-password');
  await expect(page.getByRole('alert')).toHaveText('登录名或密码不正确');
  await signIn(page, ADMIN.username, ADMIN.password);
  await expect(page.getByTestId('signed-in-user')).toContainText(ADMIN.displayName);

  for (const patient of PATIENTS) {
    await registerPatient(page, patient);
    await expect(page.getByTestId('patient-card')).toContainText(patient.name);
    // Birth date and sex were left blank: they come from the ID number.
    await expect(page.locator('[data-field="idNumber"]')).toHaveText(patient.idNumber);
  }
  await expect(page.locator('[data-field="birthDate"]')).toContainText('2001-06-07');
  await page.screenshot({ path: `${SCREENSHOTS}/02-patient-card.png` });

  for (const patient of PATIENTS) {
    for (const query of [patient.initials, patient.idTail, patient.phoneQuery]) {
      const results = await search(page, query);
      await expect(results.first(), `query ${query}`).toContainText(patient.name);
    }
  }
  await search(page, 'zs');
  await page.screenshot({ path: `${SCREENSHOTS}/03-search-initials.png` });

  // The same person registered again without an ID number: warned, then registered anyway.
  await registerPatient(page, { name: '张三', sex: 'male', birthDate: '1990-03-15', phone: '13800001111' });
  await expect(page.getByTestId('duplicate-warning')).toContainText('姓名和出生日期相同');
  await page.screenshot({ path: `${SCREENSHOTS}/04-duplicate-warning.png` });
  await page.getByRole('button', { name: '确认不是同一人，继续登记' }).click();
  await expect(page.getByTestId('patient-card')).toContainText('13800001111');

  const twins = await search(page, 'zhangsan');
  await expect(twins).toHaveCount(2);

  // Open the first record (with the ID number) and merge the duplicate into it.
  await search(page, '001X');
  await page.getByRole('combobox', { name: '查找患者' }).press('Enter');
  await expect(page.locator('[data-field="idNumber"]')).toHaveText('45088119900315001X');
  await page.getByRole('button', { name: '合并重复记录' }).click();
  await page.getByRole('combobox', { name: '查找重复记录' }).fill('13800001111');
  await page.getByRole('combobox', { name: '查找重复记录' }).press('Enter');
  await expect(page.getByTestId('merge-pick')).toContainText('13800001111');
  await page.screenshot({ path: `${SCREENSHOTS}/05-merge-dialog.png` });
  await page.getByRole('button', { name: '合并到当前记录' }).click();
  await expect(page.locator('[data-field="mergedFrom"]')).toHaveText('1');

  // Only the survivor is found now.
  await expect(await search(page, 'zhangsan')).toHaveCount(1);

  // Reload: the data is in IndexedDB, the session is not.
  await page.reload();
  await signIn(page, ADMIN.username, ADMIN.password);
  for (const patient of PATIENTS) {
    await expect((await search(page, patient.initials)).first()).toContainText(patient.name);
  }
  await expect((await search(page, '13800001111')).first()).toContainText('张三');
  await page.screenshot({ path: `${SCREENSHOTS}/06-after-reload.png` });

  // Every read and change is in the audit trail.
  await page.getByRole('button', { name: '审计日志' }).click();
  const audit = page.getByTestId('audit-table');
  for (const action of ['登记机构', '登录失败', '登录', '登记患者', '查看患者', '合并患者', '被合并']) {
    await expect(audit.getByRole('cell', { name: action, exact: true }).first()).toBeVisible();
  }
  await page.screenshot({ path: `${SCREENSHOTS}/07-audit.png` });
});
