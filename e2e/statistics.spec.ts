/**
 * 转诊统计 with half a year of referrals: the county gateway judges a seeded
 * history (its clock moved back month by month), the township clinic enrols
 * and pulls it, and the statistics page shows the counts a clinic head reads.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { runHeadlessHost } from '../electron/headless/main';
import type { Role } from '../sync/protocol/schema/people';
import { setReviewConfig } from '../sync/server/referrals/review-config';
import type { ClinicClient } from '../sync/server/testing/client';
import { created, patientDoc, referralDoc } from '../sync/server/testing/fixtures';
import { startGateway, type TestGateway } from '../sync/server/testing/start-gateway';
import { expect, SCREENSHOTS, test } from './fixtures';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let gateway: TestGateway;
let host: { url: string; close(): Promise<void> };
let clock = Date.now();
const expected = { outgoing: 0, incoming: 0 };

/** A user record as a clinic pushes it, so the county knows the author's roles. */
function user(facilityId: string, id: string, displayName: string, roles: Role[]) {
  const at = new Date().toISOString();
  return {
    id,
    facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: id,
    updatedBy: id,
    username: id,
    displayName,
    roles,
    password: {
      kdf: 'argon2id',
      salt: 'c2FsdA',
      hash: 'aGFzaA',
      memoryKiB: 19456,
      iterations: 2,
      parallelism: 1,
    },
    active: true,
    failedAttempts: 0,
    _deleted: false,
  };
}

async function command(
  client: ClinicClient,
  by: string,
  referralId: string,
  name: string,
  at: number,
  payload: Record<string, unknown> = {},
): Promise<void> {
  clock = at;
  const time = new Date(at).toISOString();
  await client.push(
    'referral_commands',
    created({
      id: crypto.randomUUID(),
      facilityId: client.facilityId,
      createdAt: time,
      updatedAt: time,
      createdBy: by,
      updatedBy: by,
      referralId,
      command: name,
      payload,
      _deleted: false,
    }),
  );
}

type Outcome = 'arrived' | 'rejected' | 'auto-rejected' | 'approved';

interface Story {
  from: ClinicClient;
  doctor: string;
  to: ClinicClient;
  receiver: string;
  type: 'outpatient' | 'inpatient' | 'emergency';
  direction: 'up' | 'down';
  at: number;
  outcome: Outcome;
  arrivalHours: number;
}

/** One referral from submit to its outcome, each step judged on the gateway clock at its time. */
async function tell(story: Story, index: number): Promise<void> {
  const patient = patientDoc(story.from.facilityId, { phone: '13812345678' });
  await story.from.push('patients', created(patient));
  const referral = referralDoc(story.from.facilityId, patient.id, [story.to.facilityId], {
    serialNo: `S-${String(index).padStart(4, '0')}`,
    state: 'draft',
    type: story.type,
    direction: story.direction,
    consentAttachmentId: 'consent',
    createdBy: story.doctor,
    updatedBy: story.doctor,
  });
  await story.from.push('referrals', created(referral));
  await command(story.from, story.doctor, referral.id, 'submit', story.at);
  if (story.outcome === 'auto-rejected') {
    clock = story.at + 31 * 60_000;
    await gateway.gateway.referrals.sweep();
    return;
  }
  const reviewAt = story.at + (5 + (index % 20)) * 60_000;
  if (story.type !== 'emergency' && !(story.direction === 'down' && story.type === 'inpatient')) {
    await command(
      story.to,
      story.receiver,
      referral.id,
      story.outcome === 'rejected' ? 'reject' : 'approve',
      reviewAt,
    );
  }
  if (story.outcome === 'arrived') {
    await command(story.to, story.receiver, referral.id, 'attend', story.at + story.arrivalHours * HOUR, {
      attended: true,
    });
  }
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  gateway = await startGateway();
  gateway.gateway.referrals.clock = () => new Date(clock);
  await gateway.gateway.referrals.stop();
  // Reviews on the receiving side in one level, the township's own referrals review-free: a short seed.
  for (const code of ['XY-T01', 'XY-H01', 'XY-V01', 'XY-V02']) {
    await setReviewConfig(gateway.db, code, { outgoingReviewFree: true, incomingLevels: 1 });
  }
  const seeder = async (code: string, users: Array<[string, string, Role[]]>) => {
    const client = await gateway.clinic(code, users[0]?.[0]);
    await client.push(
      'users',
      created(...users.map(([id, name, roles]) => user(client.facilityId, id, name, roles))),
    );
    return client;
  };
  const township = await seeder('XY-T01', [
    ['zhao-ming', '赵明', ['doctor', 'reviewer']],
    ['qian-hong', '钱红', ['doctor', 'reviewer']],
    ['sun-li', '孙丽', ['doctor', 'nurse']],
  ]);
  const hospital = await seeder('XY-H01', [['wang-jianguo', '王建国', ['doctor', 'reviewer', 'nurse']]]);
  const village1 = await seeder('XY-V01', [['v01-doctor', '刘村医', ['doctor', 'reviewer', 'nurse']]]);
  const village2 = await seeder('XY-V02', [['v02-doctor', '陈村医', ['doctor', 'reviewer', 'nurse']]]);

  const townshipDoctors = ['zhao-ming', 'qian-hong', 'sun-li'];
  const outcomes: Outcome[] = [
    'arrived',
    'arrived',
    'rejected',
    'arrived',
    'auto-rejected',
    'approved',
    'arrived',
  ];
  const types = ['outpatient', 'inpatient', 'outpatient', 'emergency', 'outpatient'] as const;
  const stories: Story[] = [];
  const now = Date.now();
  for (let month = 5; month >= 0; month -= 1) {
    const perMonth = 6 + ((month * 3) % 5);
    for (let i = 0; i < perMonth; i += 1) {
      const k = stories.length;
      const at = now - month * 30 * DAY - (12 + ((i * 7) % 14)) * DAY + (k % 9) * HOUR;
      const outcome = outcomes[k % outcomes.length] as Outcome;
      const arrivalHours = [3, 20, 30, 52, 80, 130, 200][k % 7] as number;
      const kind = k % 4;
      const village = k % 3 === 0 ? village2 : village1;
      const villageDoctor = village === village1 ? 'v01-doctor' : 'v02-doctor';
      const townshipDoctor = townshipDoctors[k % townshipDoctors.length] as string;
      if (kind === 0 || kind === 1) {
        // Up to the county hospital.
        stories.push({
          from: township,
          doctor: townshipDoctor,
          to: hospital,
          receiver: 'wang-jianguo',
          type: types[k % types.length] as Story['type'],
          direction: 'up',
          at,
          outcome,
          arrivalHours,
        });
      } else if (kind === 2) {
        // Up from a village to us.
        stories.push({
          from: village,
          doctor: villageDoctor,
          to: township,
          // 孙丽 is no reviewer: the other two take patients in.
          receiver: townshipDoctors[k % 2] as string,
          type: 'outpatient',
          direction: 'up',
          at,
          outcome: outcome === 'auto-rejected' ? 'arrived' : outcome,
          arrivalHours,
        });
      } else {
        // Down: the hospital sends a patient back to us, or we send one to a village.
        const fromHospital = k % 8 === 3;
        stories.push({
          from: fromHospital ? hospital : township,
          doctor: fromHospital ? 'wang-jianguo' : townshipDoctor,
          to: fromHospital ? township : village,
          receiver: fromHospital ? (townshipDoctors[k % 2] as string) : villageDoctor,
          type: k % 2 === 0 ? 'inpatient' : 'outpatient',
          direction: 'down',
          at,
          outcome: outcome === 'rejected' || outcome === 'auto-rejected' ? 'arrived' : outcome,
          arrivalHours,
        });
      }
    }
  }
  for (const [index, story] of stories.entries()) {
    await tell(story, index);
    if (story.from === township) expected.outgoing += 1;
    else expected.incoming += 1;
  }

  // Every seeded step was taken by the county: the page shows what happened, not refusals of a bad seed.
  const { rows: refused } = await gateway.db.query(
    `SELECT data->>'command' AS command, data->'outcome'->>'reason' AS reason FROM documents
      WHERE collection = 'referral_commands' AND data->'outcome'->>'status' = 'refused'`,
  );
  expect(refused).toEqual([]);

  host = await runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: mkdtempSync(join(tmpdir(), 'xiangyi-statistics-e2e-')),
    XIANGYI_GATEWAY_URL: gateway.url,
  });
});

test.afterAll(async () => {
  await host?.close();
  await gateway?.close();
});

async function enrolTownship(page: Page) {
  await page.goto(host.url);
  await page.getByRole('textbox', { name: '登记码' }).fill(await gateway.issueCode('XY-T01'));
  await page.getByLabel('姓名').fill('院长');
  await page.getByLabel('登录名').fill('head');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill('Clinic-2026!');
  await page.getByLabel('再次输入密码').fill('Clinic-2026!');
  await page.getByRole('button', { name: '完成登记' }).click();
  await page.getByTestId('signed-in-user').waitFor();
}

test('a clinic head reads half a year of referrals: counts, rankings, rates and time to arrival', async ({
  page,
}) => {
  await enrolTownship(page);
  await page.getByRole('button', { name: '转诊统计' }).click();
  const cards = page.getByTestId('statistics-cards');
  await expect(cards).toContainText(`转出例数${expected.outgoing}`, { timeout: 60_000 });
  await expect(cards).toContainText(`转入例数${expected.incoming}`, { timeout: 60_000 });

  // Rankings: the county hospital is the township's first partner; the doctors are named.
  const institutions = page.getByTestId('table-by-institution');
  await expect(institutions.locator('tbody tr').first()).toContainText('乡医县人民医院');
  await expect(page.getByTestId('table-by-doctor')).toContainText('赵明');
  await expect(page.getByTestId('table-by-doctor')).toContainText('钱红');
  await expect(page.getByTestId('table-rates')).toContainText('%');
  await expect(page.getByTestId('chart-by-month').locator('.recharts-bar-rectangle').first()).toBeVisible();
  // The page scrolls inside the shell: a tall window shows all of it at once.
  await page.setViewportSize({ width: 1280, height: 2700 });
  await page.screenshot({ path: `${SCREENSHOTS}/60-statistics.png` });

  // The same in English; and a short period narrows the counts.
  await page.getByRole('combobox', { name: '统计期间' }).selectOption('this-month');
  const thisMonth = Number((await cards.locator('dd').first().textContent())?.trim() ?? Number.NaN);
  expect(thisMonth).toBeLessThan(expected.outgoing);
  await page.getByRole('combobox', { name: '统计期间' }).selectOption('all');
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(page.getByRole('heading', { name: 'Referral statistics' })).toBeVisible();
  await expect(cards).toContainText(`Outgoing referrals${expected.outgoing}`);
  await page.screenshot({ path: `${SCREENSHOTS}/61-statistics-en.png` });
});
