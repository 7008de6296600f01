import { afterEach, describe, expect, it } from 'vitest';
import {
  canonicalSlip,
  encodeSlipPayload,
  type KnownSlipKey,
  localSlipMinute,
  proveSlipKey,
  SLIP_KEY_ROUTE,
  type SlipKeyPair,
  signSlipText,
  slipKeyPairFrom,
  verifySlipCode,
} from '../../protocol/referral/slip';
import { sampleSlipContent } from '../../protocol/referral/slip/testing';
import type { FacilityDoc } from '../../protocol/schema';
import type { Role } from '../../protocol/schema/people';
import { runCountyCommand } from '../county-cli';
import { BACKENDS, useBackend } from '../testing/backends';
import { type ClinicClient, call } from '../testing/client';
import { created, userDoc } from '../testing/fixtures';
import { startGateway, type TestGateway } from '../testing/start-gateway';
import { RegistryError } from './registry';
import { MAX_SLIP_KEYS, parseRetirementMoment, SLIP_KEY_RETIRE_ROUTE } from './slip-keys';

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

/** What a receiving hospital knows after pulling the facilities reference data. */
async function publishedKeys(client: ClinicClient): Promise<KnownSlipKey[]> {
  const facilities = (await client.pullAll('facilities')) as unknown as FacilityDoc[];
  return facilities.flatMap((f) =>
    (f.slipKeys ?? []).map((k) => ({
      keyId: k.keyId,
      publicKey: k.publicKey,
      facilityCode: f.code,
      ...(k.retiredAt ? { retiredAt: k.retiredAt } : {}),
    })),
  );
}

function signedAt(issuedAt: Date, signer: SlipKeyPair): string {
  const text = canonicalSlip(
    sampleSlipContent({ facilityCode: 'XY-V01', issuedAt: localSlipMinute(issuedAt) }),
  );
  return encodeSlipPayload({ text, keyId: signer.keyId, signature: signSlipText(text, signer) });
}

describe('when a retirement takes effect, as an admin types it', () => {
  it('reads a day, a local minute or a zoned ISO time, and refuses the rest', () => {
    expect(parseRetirementMoment('2026-11-20')).toEqual(new Date(2026, 10, 20));
    expect(parseRetirementMoment(' 2026-11-20 08:30 ')).toEqual(new Date(2026, 10, 20, 8, 30));
    expect(parseRetirementMoment('2026-11-20T08:30')).toEqual(new Date(2026, 10, 20, 8, 30));
    expect(parseRetirementMoment('2026-11-20T00:30:00Z')).toEqual(new Date(Date.UTC(2026, 10, 20, 0, 30)));
    expect(parseRetirementMoment('2026-11-20T08:30+08:00')).toEqual(new Date(Date.UTC(2026, 10, 20, 0, 30)));
    for (const bad of ['2026-02-30', '2026-11-20 25:00', '2026-11-20T08:30:00', 'yesterday', ''])
      expect(parseRetirementMoment(bad), bad).toBeNull();
  });
});

describe.each(BACKENDS)('slip key retirement at the gateway on %s', (kind) => {
  const backend = useBackend(kind);
  let county: TestGateway;
  afterEach(async () => {
    await county?.close();
  });

  it('a county admin retires a key: earlier slips still verify, later ones are refused, the key never comes back', async () => {
    county = await startGateway({ db: await backend.fresh() });
    const village = await county.clinic('XY-V01');
    const hospital = await county.clinic('XY-H01');
    expect(
      (
        await call(`${county.url}${SLIP_KEY_ROUTE}`, {
          token: village.token,
          body: proveSlipKey(village.facilityId, key),
        })
      ).status,
    ).toBe(201);

    const lines: string[] = [];
    const cli = (...argv: string[]) => runCountyCommand(county.db, argv, (line) => lines.push(line));
    const retiredFrom = new Date(2026, 0, 10, 8, 0);
    await cli('retire-slip-key', '--facility', 'XY-V01', '--key', key.keyId, '--at', '2026-01-10 08:00');
    expect(lines.at(-1)).toMatch(
      new RegExp(`slip key ${key.keyId} of XY-V01 .* retired from ${retiredFrom.toISOString()}`),
    );
    await cli('slip-keys', '--facility', 'XY-V01');
    expect(lines.at(-1)).toContain(`RETIRED ${retiredFrom.toISOString()}`);

    // Published with its date, by ordinary replication.
    const known = await publishedKeys(hospital);
    expect(known).toEqual([
      expect.objectContaining({ keyId: key.keyId, retiredAt: retiredFrom.toISOString() }),
    ]);
    const before = verifySlipCode(signedAt(new Date(2026, 0, 10, 7, 59), key), known);
    expect(before).toMatchObject({ ok: true, key: { retiredAt: retiredFrom.toISOString() } });
    const after = verifySlipCode(signedAt(new Date(2026, 0, 10, 8, 0), key), known);
    expect(after).toMatchObject({
      ok: false,
      problem: 'key-retired',
      retiredAt: retiredFrom.toISOString(),
      message: expect.stringContaining('signed with a key retired on 2026-01-10 08:00'),
    });

    // Again: nothing changes; later: still the earlier date; earlier: moved back.
    await cli('retire-slip-key', '--facility', 'XY-V01', '--key', key.keyId);
    expect(lines.at(-1)).toMatch(/already retired/);
    await cli('retire-slip-key', '--facility', 'XY-V01', '--key', key.keyId, '--at', '2026-01-05');
    expect((await publishedKeys(hospital))[0]?.retiredAt).toBe(new Date(2026, 0, 5).toISOString());

    // The workstation cannot bring the retired key back; its new key is taken.
    const again = await call(`${county.url}${SLIP_KEY_ROUTE}`, {
      token: village.token,
      body: proveSlipKey(village.facilityId, key),
    });
    expect(again).toMatchObject({ status: 409, body: { error: 'slip-key-retired' } });
    expect(
      (
        await call(`${county.url}${SLIP_KEY_ROUTE}`, {
          token: village.token,
          body: proveSlipKey(village.facilityId, stranger),
        })
      ).status,
    ).toBe(201);
    expect((await publishedKeys(hospital)).map((k) => [k.keyId, k.retiredAt !== undefined])).toEqual([
      [key.keyId, true],
      [stranger.keyId, false],
    ]);

    // Clear refusals: unknown key, a date in the future, a date that is none, a missing flag.
    await expect(cli('retire-slip-key', '--facility', 'XY-V01', '--key', 'aaaaaaaaaaaa')).rejects.toThrow(
      /no slip key aaaaaaaaaaaa/,
    );
    await expect(
      cli('retire-slip-key', '--facility', 'XY-V01', '--key', stranger.keyId, '--at', '2999-01-01'),
    ).rejects.toThrow(/not from 2999/);
    await expect(
      cli('retire-slip-key', '--facility', 'XY-V01', '--key', stranger.keyId, '--at', 'tomorrow'),
    ).rejects.toThrow(/not a date/);
    await expect(cli('retire-slip-key', '--facility', 'XY-V01')).rejects.toBeInstanceOf(RegistryError);
    expect(
      (await publishedKeys(hospital)).find((k) => k.keyId === stranger.keyId)?.retiredAt,
    ).toBeUndefined();
  });

  it("a facility's own admin retires its keys over the route; others may not", async () => {
    county = await startGateway({ db: await backend.fresh() });
    const admin = await county.clinic('XY-V01', 'v01-admin');
    await admin.push('users', created(userDoc(admin.facilityId, 'v01-admin', ['admin'])));
    const doctor = await county.clinic('XY-V01', 'v01-doctor');
    await doctor.push('users', created(userDoc(doctor.facilityId, 'v01-doctor', ['doctor'])));
    const otherAdmin = await county.clinic('XY-V02', 'v02-admin');
    await otherAdmin.push('users', created(userDoc(otherAdmin.facilityId, 'v02-admin', ['admin'])));
    await call(`${county.url}${SLIP_KEY_ROUTE}`, {
      token: doctor.token,
      body: proveSlipKey(doctor.facilityId, key),
    });
    const retire = (by: ClinicClient, body: unknown) =>
      call(`${county.url}${SLIP_KEY_RETIRE_ROUTE}`, { token: by.token, body });

    expect(await retire(doctor, { keyId: key.keyId })).toMatchObject({
      status: 403,
      body: { error: 'slip-key-not-admin' },
    });
    // Another facility's admin does not even learn whether the key exists there.
    expect(await retire(otherAdmin, { keyId: key.keyId })).toMatchObject({
      status: 404,
      body: { error: 'slip-key-unknown' },
    });
    expect(await retire(admin, { keyId: 'nope' })).toMatchObject({
      status: 400,
      body: { error: 'slip-key-invalid' },
    });
    expect(await retire(admin, { keyId: key.keyId, at: '30 Feb' })).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/not a date/) },
    });
    expect((await retire(admin, { keyId: key.keyId })).body).toMatchObject({
      status: 'retired',
      keyId: key.keyId,
    });
    const [published] = await publishedKeys(doctor);
    expect(published?.retiredAt).toEqual(expect.any(String));
    expect((await retire(admin, { keyId: key.keyId })).body).toMatchObject({
      status: 'already-retired',
      retiredAt: published?.retiredAt,
    });
  });

  it(`counts only keys in use towards the ${MAX_SLIP_KEYS}`, async () => {
    county = await startGateway({ db: await backend.fresh() });
    const village = await county.clinic('XY-V01');
    const url = `${county.url}${SLIP_KEY_ROUTE}`;
    const pairs = Array.from({ length: MAX_SLIP_KEYS + 1 }, (_, i) =>
      slipKeyPairFrom(new Uint8Array(32).fill(i + 40)),
    );
    for (const pair of pairs.slice(0, MAX_SLIP_KEYS))
      await call(url, { token: village.token, body: proveSlipKey(village.facilityId, pair) });
    const extra = proveSlipKey(village.facilityId, pairs[MAX_SLIP_KEYS] as SlipKeyPair);
    expect((await call(url, { token: village.token, body: extra })).status).toBe(409);
    await runCountyCommand(
      county.db,
      ['retire-slip-key', '--facility', 'XY-V01', '--key', pairs[0]?.keyId ?? ''],
      () => {},
    );
    expect((await call(url, { token: village.token, body: extra })).status).toBe(201);
  }, 120_000);
});
