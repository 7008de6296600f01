import { afterEach, describe, expect, it } from 'vitest';
import {
  canonicalSlip,
  encodeSlipPayload,
  type KnownSlipKey,
  proveSlipKey,
  SLIP_KEY_ROUTE,
  signSlipText,
  slipKeyPairFrom,
  verifySlipCode,
} from '../../protocol/referral/slip';
import { sampleSlipContent } from '../../protocol/referral/slip/testing';
import type { FacilityDoc } from '../../protocol/schema';
import { BACKENDS, useBackend } from '../testing/backends';
import { call } from '../testing/client';
import { startGateway, type TestGateway } from '../testing/start-gateway';
import { MAX_SLIP_KEYS } from './slip-keys';

const key = slipKeyPairFrom(new Uint8Array(32).fill(3));
const stranger = slipKeyPairFrom(new Uint8Array(32).fill(9));

describe.each(BACKENDS)('slip key registration at the gateway on %s', (kind) => {
  const backend = useBackend(kind);
  let county: TestGateway;
  afterEach(async () => {
    await county?.close();
  });

  it('publishes a proven key in the facility document that every clinic pulls', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const village = await county.clinic('XY-V01');
    const hospital = await county.clinic('XY-H01');
    const url = `${county.url}${SLIP_KEY_ROUTE}`;
    const registration = proveSlipKey(village.facilityId, key);

    const first = await call(url, { token: village.token, body: registration });
    expect(first).toMatchObject({ status: 201, body: { status: 'registered', keyId: key.keyId } });
    const again = await call(url, { token: village.token, body: registration });
    expect(again).toMatchObject({ status: 200, body: { status: 'already-registered' } });

    // The receiving hospital learns the key by ordinary replication and verifies offline.
    const facilities = (await hospital.pullAll('facilities')) as unknown as FacilityDoc[];
    const doc = facilities.find((f) => f.id === village.facilityId);
    expect(doc?.slipKeys).toEqual([
      { keyId: key.keyId, publicKey: key.publicKey, registeredAt: expect.any(String) },
    ]);
    const known: KnownSlipKey[] = facilities.flatMap((f) =>
      (f.slipKeys ?? []).map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, facilityCode: f.code })),
    );
    const content = sampleSlipContent({ facilityCode: 'XY-V01' });
    const text = canonicalSlip(content);
    const code = encodeSlipPayload({ text, keyId: key.keyId, signature: signSlipText(text, key) });
    expect(verifySlipCode(code, known)).toMatchObject({ ok: true, key: { facilityCode: 'XY-V01' } });
    // A clinic cannot pass its own slips off as another facility's.
    const claimed = canonicalSlip({ ...content, facilityCode: 'XY-T01' });
    const forged = encodeSlipPayload({
      text: claimed,
      keyId: key.keyId,
      signature: signSlipText(claimed, key),
    });
    expect(verifySlipCode(forged, known)).toMatchObject({ ok: false, problem: 'wrong-facility' });
  });

  it('refuses a key without a valid proof for this facility, malformed bodies and missing tokens', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const village = await county.clinic('XY-V01');
    const url = `${county.url}${SLIP_KEY_ROUTE}`;
    const forOther = proveSlipKey('some-other-facility', key);
    expect(await call(url, { token: village.token, body: forOther })).toMatchObject({
      status: 400,
      body: { error: 'slip-key-invalid', message: expect.stringMatching(/proof/) },
    });
    const mismatched = { ...proveSlipKey(village.facilityId, key), publicKey: stranger.publicKey };
    expect(await call(url, { token: village.token, body: mismatched })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/key id/) },
    });
    expect(await call(url, { token: village.token, body: { keyId: 'x' } })).toMatchObject({
      status: 400,
      body: { error: 'slip-key-invalid', message: expect.stringMatching(/malformed/) },
    });
    expect((await call(url, { body: proveSlipKey(village.facilityId, key) })).status).toBe(401);
    const facilities = (await village.pullAll('facilities')) as unknown as FacilityDoc[];
    expect(facilities.find((f) => f.id === village.facilityId)?.slipKeys).toBeUndefined();
  });

  it(`keeps at most ${MAX_SLIP_KEYS} keys per facility`, async () => {
    county = await startGateway({ db: await backend.fresh() });
    const village = await county.clinic('XY-V01');
    const url = `${county.url}${SLIP_KEY_ROUTE}`;
    for (let i = 0; i < MAX_SLIP_KEYS; i++) {
      const pair = slipKeyPairFrom(new Uint8Array(32).fill(i + 20));
      expect(
        (await call(url, { token: village.token, body: proveSlipKey(village.facilityId, pair) })).status,
      ).toBe(201);
    }
    const extra = proveSlipKey(village.facilityId, slipKeyPairFrom(new Uint8Array(32).fill(200)));
    expect(await call(url, { token: village.token, body: extra })).toMatchObject({
      status: 409,
      body: { error: 'slip-key-limit' },
    });
  }, 120_000);
});
