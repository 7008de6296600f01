/**
 * The `referrals` bench group (issue 5): `referral_submit_to_inbox_ms`, from
 * the moment a village doctor's submit is written in the village's store to
 * the moment the referral shows, under review, in the township's inbox in the
 * real app. The path measured: the village's replication pushes the referral
 * and its submit command; the gateway judges the submit on its clock and
 * tells the township's stream; the township pulls, stores, and its inbox page
 * renders the item.
 *
 * The village is a clinic in a worker thread (the real store and replication,
 * no window: the submit click itself is a local insert); the township is the
 * app in Chromium on the headless host, its inbox open. Measured on a local
 * link and with the village behind the weak-link proxy at 64 kbit/s and 300 ms
 * latency (the township on a local link).
 *
 *   npm run bench -- referrals
 *   XIANGYI_BENCH_REFERRALS=5 npm run bench -- referrals   referrals per link
 */
import type { BrowserContext, Page } from 'playwright-core';
import { runHeadlessHost } from '../../electron/headless/main';
import type { Session } from '../../renderer/auth/session';
import { clinicInWorker } from '../../renderer/testing/clinic-in-worker';
import type { ReferralCommandDoc, ReferralDoc, UserDoc } from '../../sync/protocol/schema';
import { setReviewConfig } from '../../sync/server/referrals/review-config';
import { startGateway } from '../../sync/server/testing/start-gateway';
import { startWeakLink, type WeakLinkUpdate } from '../../sync/testing/weak-link';
import { load, median } from './stats';

interface BenchContext {
  log(...parts: unknown[]): void;
  tmp(name: string): string;
  renderer(): Promise<string>;
  browser(name?: string): Promise<BrowserContext>;
}

const PER_LINK = Number(process.env.XIANGYI_BENCH_REFERRALS ?? 5);
const LINKS: Record<'local' | '64kbps', WeakLinkUpdate> = {
  local: {},
  '64kbps': { bandwidthBitsPerSecond: 64_000, latencyMs: 300 },
};

/** The county judges a command by its author's account: the village doctor's, pushed like any user. */
function doctorAccount(session: Session, at: string): UserDoc {
  return {
    id: crypto.randomUUID(),
    facilityId: session.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: session.userId,
    updatedBy: session.userId,
    username: 'bench.doctor',
    displayName: '村医',
    roles: ['doctor'],
    // Never used to sign in here: the bench writes as this account, it does not type its password.
    password: {
      kdf: 'argon2id',
      salt: 'YmVuY2gtc2FsdA',
      hash: 'YmVuY2gtaGFzaA',
      memoryKiB: 19456,
      iterations: 2,
      parallelism: 1,
    },
    active: true,
    failedAttempts: 0,
  };
}

function referralAndSubmit(
  doctor: UserDoc,
  patientId: string,
  townshipId: string,
  n: number,
): [ReferralDoc, ReferralCommandDoc] {
  const at = new Date().toISOString();
  const owned = {
    facilityId: doctor.facilityId,
    createdAt: at,
    updatedAt: at,
    createdBy: doctor.id,
    updatedBy: doctor.id,
  };
  const referral: ReferralDoc = {
    id: crypto.randomUUID(),
    ...owned,
    serialNo: `BENCH-${String(n).padStart(6, '0')}`,
    patientId,
    type: 'outpatient',
    direction: 'up',
    targetFacilityIds: [townshipId],
    state: 'draft',
    reason: '血压控制不佳，three drugs at full dose',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    chiefComplaint: '头晕两周',
    presentIllness: '近两周血压波动 160–180/95–105 mmHg，规律服药。',
    attachmentIds: [],
    consentAttachmentId: `consent-${n}`,
    appliedSeq: 0,
  };
  const submit: ReferralCommandDoc = {
    id: crypto.randomUUID(),
    ...owned,
    referralId: referral.id,
    command: 'submit',
    payload: {},
  };
  return [referral, submit];
}

async function openTownshipInbox(page: Page, url: string, code: string) {
  await page.goto(url);
  await page.getByRole('textbox', { name: '登记码' }).waitFor({ timeout: 60_000 });
  await page.getByRole('textbox', { name: '登记码' }).fill(code);
  await page.getByLabel('姓名').fill('镇管理员');
  await page.getByLabel('登录名').fill('township.admin');
  await page.getByRole('textbox', { name: '密码', exact: true }).fill('Clinic-2026!');
  await page.getByLabel('再次输入密码').fill('Clinic-2026!');
  await page.getByRole('button', { name: '完成登记' }).click();
  await page.getByTestId('signed-in-user').waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: '转入待办' }).click();
  await page.getByRole('heading', { name: '转诊收件箱' }).waitFor();
}

async function measureLink(ctx: BenchContext, rendererDir: string, name: keyof typeof LINKS) {
  const gateway = await startGateway();
  // A village station: no department head or medical affairs to review on its side (免审).
  await setReviewConfig(gateway.db, 'XY-V01', { outgoingReviewFree: true });
  const target = { host: '127.0.0.1', port: Number(new URL(gateway.url).port) };
  const villageLink = await startWeakLink({ target });
  const host = await runHeadlessHost({
    ...process.env,
    XIANGYI_PORT: '0',
    XIANGYI_DATA_DIR: ctx.tmp(`referrals-host-${name}`),
    XIANGYI_RENDERER_DIR: rendererDir,
    XIANGYI_GATEWAY_URL: gateway.url,
  });
  const context = await ctx.browser(`referrals-profile-${name}`);
  const village = clinicInWorker();
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => ctx.log('page error:', error.message));
    await openTownshipInbox(page, host.url, await gateway.issueCode('XY-T01'));

    const session = await village.enrol({
      baseUrl: villageLink.url(),
      code: await gateway.issueCode('XY-V01'),
      username: 'village.admin',
      roles: ['admin', 'doctor'],
    });
    await village.startSync();
    const doctor = doctorAccount(session, new Date().toISOString());
    await village.insert({ collection: 'users', docs: [doctor] });
    const patient = (await village.register({
      name: '黄秀兰',
      sex: 'female',
      birthDate: '1958-03-12',
    })) as { id: string };
    await village.settle({ rounds: 2 });
    villageLink.update(LINKS[name]);

    const townshipId = gateway.facilities['XY-T01']?.id ?? '';
    const samples: number[] = [];
    const loads: number[] = [];
    for (let n = 1; n <= PER_LINK; n++) {
      const docs = referralAndSubmit(doctor, patient.id, townshipId, n);
      const item = page.locator(
        `[data-testid="inbox-item"][data-referral-id="${docs[0].id}"][data-state="incoming-review"]`,
      );
      loads.push(load());
      const t0 = performance.now();
      await village.insert({ collection: 'referrals', docs: [docs[0]] });
      await village.insert({ collection: 'referral_commands', docs: [docs[1]] });
      await item.waitFor({ timeout: 120_000 }).catch(async (error: unknown) => {
        // Say why: what the county made of the submit, as the village sees it.
        const judged = await village.get({ collection: 'referral_commands', id: docs[1].id });
        throw new Error(
          `not in the inbox: ${String(error)}; the submit at the village: ${JSON.stringify(judged)}`,
        );
      });
      samples.push(Math.round(performance.now() - t0));
      ctx.log(`referral ${n} over the ${name} link: ${samples.at(-1)} ms`);
    }
    return { samples, loads, bytes: villageLink.stats() };
  } finally {
    await village.terminate();
    await context.close();
    await host.close();
    await villageLink.close();
    await gateway.close();
  }
}

export async function referralsGroup(ctx: BenchContext): Promise<Record<string, unknown>> {
  const rendererDir = await ctx.renderer();
  const figures: Record<string, unknown> = {};
  for (const name of Object.keys(LINKS) as Array<keyof typeof LINKS>) {
    const { samples, loads } = await measureLink(ctx, rendererDir, name);
    const figure = name === 'local' ? 'referral_submit_to_inbox_ms' : `referral_submit_to_inbox_ms_${name}`;
    figures[figure] = median(samples);
    figures[`${figure}_max`] = Math.max(...samples);
    figures[`${figure}_samples`] = samples;
    figures[`${figure}_load1`] = loads;
  }
  return figures;
}
