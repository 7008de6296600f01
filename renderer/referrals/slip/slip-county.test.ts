/**
 * The slip's county side, all real: the clinic's store (RxDB over
 * fake-indexeddb) with its replication and uploader, the host's key code, the
 * county gateway on PGlite. The archive copy reaches the county like any
 * attachment; a key the county retires is replaced at the workstation.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ClinicBridge } from '../../../electron/bridge/contract';
import type { SecretStore } from '../../../electron/host/secrets';
import { createSlipKeys, SLIP_SECRET } from '../../../electron/host/slip-keys';
import { attachmentContentPath } from '../../../sync/protocol/attachments';
import { decodeSlipPayload } from '../../../sync/protocol/referral/slip';
import type { FacilityDoc, ReferralDoc } from '../../../sync/protocol/schema';
import { runCountyCommand } from '../../../sync/server/county-cli';
import { startGateway } from '../../../sync/server/testing/start-gateway';
import { startAttachmentUploader, uploadRecord } from '../../attachments/uploader';
import type { Session } from '../../auth/session';
import { CountyApi } from '../../sync/county-api';
import { COUNTY_LINK_SECRET } from '../../sync/county-link';
import { startCountySync } from '../../sync/replication';
import type { SyncSnapshot } from '../../sync/sync-store';
import { openMemoryClinic } from '../../testing/memory-store';
import { archiveSlip } from './slip-archive';
import { issueSlip } from './slip-issue';
import { ensureSlipKeyRegistered } from './slip-keys';
import { sampleFacts, zhSlipLabels } from './slip-testing';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function eventually<T>(probe: () => Promise<T | null | undefined | false>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function memorySecrets(): SecretStore {
  const values = new Map<string, string>();
  return {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    delete: async (key) => void values.delete(key),
  };
}

describe('the slip at the county', () => {
  it('sends the archive copy like any attachment, and replaces the key the county retires', {
    timeout: 90_000,
  }, async () => {
    const county = await startGateway();
    cleanup.push(() => county.close());
    const enrolled = await county.clinic('XY-V01', 'doctor-v01');
    const { db } = await openMemoryClinic();
    const api = new CountyApi({
      baseUrl: county.url,
      credential: { deviceId: enrolled.deviceId, deviceSecret: enrolled.deviceSecret },
      userId: enrolled.userId,
    });
    let snapshot = { pulled: 0, waiting: {} } as unknown as SyncSnapshot;
    const status = {
      get: () => snapshot,
      set: (patch: Partial<SyncSnapshot>) => {
        snapshot = { ...snapshot, ...patch };
      },
    };
    const sync = startCountySync(db, api, enrolled.facilityId, status);
    const uploader = startAttachmentUploader(db, api, enrolled.facilityId, () => 50);
    cleanup.push(async () => {
      await uploader.stop();
      await sync.stop();
      await db.close();
    });
    const session: Session = {
      userId: enrolled.userId,
      userName: '李建国',
      roles: ['doctor'],
      facilityId: enrolled.facilityId,
      facilityName: 'XY-V01',
    };
    // The host's parts this needs: its slip key, and the county link in its secret store.
    const secrets = memorySecrets();
    await secrets.set(
      COUNTY_LINK_SECRET,
      JSON.stringify({
        baseUrl: county.url,
        deviceId: enrolled.deviceId,
        deviceSecret: enrolled.deviceSecret,
        facilityId: enrolled.facilityId,
      }),
    );
    const bridge = { slip: createSlipKeys(secrets), secrets } as unknown as ClinicBridge;
    const ownKeys = async () =>
      ((await db.facilities.findOne(enrolled.facilityId).exec())?.toJSON() as FacilityDoc | undefined)
        ?.slipKeys ?? [];

    const first = await ensureSlipKeyRegistered(db, bridge, session, api);
    const retiredSecret = (await secrets.get(SLIP_SECRET)) ?? '';
    expect(first.status).toBe('registered');
    await eventually(async () => (await ownKeys()).length === 1, 'the key in the facility document');

    // The slip of a referral of this clinic, archived: the record, then the bytes, reach the county.
    const facts = sampleFacts();
    const referral: ReferralDoc = {
      ...facts.referral,
      facilityId: enrolled.facilityId,
      serialNo: 'XY-V01-7KQ3-000001',
      targetFacilityIds: [(county.facilities['XY-T01'] as { id: string }).id],
    };
    await db.referrals.insert(referral);
    const slip = await issueSlip(bridge.slip, { ...facts, referral }, await zhSlipLabels());
    const pdf = new Uint8Array(4096).map((_, i) => (i * 13) % 256);
    pdf.set(new TextEncoder().encode('%PDF-1.7\n'));
    const { doc } = await archiveSlip(db, session, slip, async () => pdf);
    await eventually(async () => (await uploadRecord(db, doc.id))?.state === 'uploaded', 'the upload');
    const atCounty = await api.transfer(attachmentContentPath(doc.id), { method: 'GET', rank: 1 });
    expect(atCounty).toEqual(pdf);
    const { rows } = await county.db.query<{ kind: string }>(
      "SELECT data->>'kind' AS kind FROM documents WHERE collection = 'attachments' AND id = $1",
      [doc.id],
    );
    expect(rows).toEqual([{ kind: 'slip' }]);

    // The county retires the key: once the news is here, the workstation makes and registers a new one.
    await runCountyCommand(
      county.db,
      ['retire-slip-key', '--facility', 'XY-V01', '--key', first.keyId],
      () => {},
    );
    // Node has no EventSource: the pull the live stream would start is asked for.
    sync.syncNow();
    const retiredAt = await eventually(
      async () => (await ownKeys()).find((k) => k.keyId === first.keyId)?.retiredAt,
      'the retirement at the clinic',
    );
    const next = await ensureSlipKeyRegistered(db, bridge, session, api);
    sync.syncNow();
    expect(next).toEqual({
      keyId: expect.any(String),
      status: 'registered',
      replaced: { keyId: first.keyId, retiredAt },
    });
    expect(next.keyId).not.toBe(first.keyId);
    expect((await bridge.slip.sign(decodeSlipPayload(slip.code).text)).keyId).toBe(next.keyId);
    await eventually(
      async () => (await ownKeys()).some((k) => k.keyId === next.keyId && k.retiredAt === undefined),
      'the new key published',
    );

    // A PC of the clinic still holding the retired key, before the news reached it: the county
    // refuses the key, and the PC replaces it there and then.
    for (const step of cleanup.splice(1).reverse()) await step();
    const stale = await openMemoryClinic();
    cleanup.push(() => stale.db.close());
    const staleSecrets = memorySecrets();
    for (const name of [COUNTY_LINK_SECRET, SLIP_SECRET])
      await staleSecrets.set(name, (await secrets.get(name)) ?? '');
    // The copy above took the new key; put the retired one back, as that PC still has it.
    await staleSecrets.set(SLIP_SECRET, retiredSecret);
    const staleBridge = {
      slip: createSlipKeys(staleSecrets),
      secrets: staleSecrets,
    } as unknown as ClinicBridge;
    expect((await staleBridge.slip.key()).keyId).toBe(first.keyId);
    const replaced = await ensureSlipKeyRegistered(stale.db, staleBridge, session);
    expect(replaced).toMatchObject({ status: 'registered', replaced: { keyId: first.keyId } });
    expect(replaced.keyId).not.toBe(first.keyId);
  });
});
