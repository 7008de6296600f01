/**
 * The clinic side of slip keys: registering this workstation's public key
 * with the county (so every clinic can verify its slips), replacing it when
 * the county retired it, the keys this workstation can verify with, and the
 * facility seal image.
 */
import type { ClinicBridge, SlipKeyInfo } from '../../../electron/bridge/contract';
import { type KnownSlipKey, SLIP_KEY_ROUTE } from '../../../sync/protocol/referral/slip';
import type { FacilityDoc, SlipKeyRecord } from '../../../sync/protocol/schema';
import type { Session } from '../../auth/session';
import type { ClinicDatabase } from '../../store/database';
import { type CountyApi, CountyError } from '../../sync/county-api';
import { countyApi, readCountyLink } from '../../sync/county-link';
import { currentCountySync } from '../../sync/use-county-sync';

/** registered: in the facility document; pending: not yet (offline); standalone: no county link. */
export type SlipKeyStatus = 'registered' | 'pending' | 'standalone';

async function facilityDoc(db: ClinicDatabase, id: string): Promise<FacilityDoc | undefined> {
  return (await db.facilities.findOne(id).exec())?.toJSON() as FacilityDoc | undefined;
}

/** The county retired this workstation's key: when, and which key replaced it. */
export interface ReplacedSlipKey {
  keyId: string;
  /** Unknown here when the county refused the key before its retirement reached this workstation. */
  retiredAt?: string;
}

export interface SlipKeyState {
  keyId: string;
  status: SlipKeyStatus;
  replaced?: ReplacedSlipKey;
}

/** The facility's record of this key if the county retired it. */
export function retiredRecord(facility: FacilityDoc | undefined, keyId: string): SlipKeyRecord | undefined {
  return facility?.slipKeys?.find((key) => key.keyId === keyId && key.retiredAt !== undefined);
}

/**
 * The key to sign with: this workstation's, or a new one when the facilities
 * reference data says the county retired it. Local and quick, so it runs
 * before every slip (a slip must never be signed with a retired key once the
 * retirement is known here).
 */
export async function currentSlipKey(
  db: ClinicDatabase,
  bridge: Pick<ClinicBridge, 'slip'>,
  facilityId: string,
): Promise<{ key: SlipKeyInfo; replaced?: ReplacedSlipKey }> {
  const key = await bridge.slip.key();
  const retired = retiredRecord(await facilityDoc(db, facilityId), key.keyId);
  if (!retired?.retiredAt) return { key };
  return {
    key: await bridge.slip.rotate(key.keyId),
    replaced: { keyId: key.keyId, retiredAt: retired.retiredAt },
  };
}

/**
 * Makes sure the county knows this workstation's key (a new one first if the
 * old was retired). Called when the slip panel opens; never blocks printing:
 * offline, the key is registered next time. Over the running sync's client
 * when there is one: a second client's token would supersede the sync's.
 */
export async function ensureSlipKeyRegistered(
  db: ClinicDatabase,
  bridge: Pick<ClinicBridge, 'slip' | 'secrets'>,
  session: Session,
  client: CountyApi | undefined = currentCountySync()?.api,
): Promise<SlipKeyState> {
  let { key, replaced } = await currentSlipKey(db, bridge, session.facilityId);
  const facility = await facilityDoc(db, session.facilityId);
  const state = (status: SlipKeyStatus): SlipKeyState => ({
    keyId: key.keyId,
    status,
    ...(replaced ? { replaced } : {}),
  });
  if (facility?.slipKeys?.some((k) => k.keyId === key.keyId)) return state('registered');
  const link = await readCountyLink(bridge as ClinicBridge);
  if (!link || link.facilityId !== session.facilityId) return state('standalone');
  const api = client ?? countyApi(link, session.userId);
  const register = async () =>
    api.request(SLIP_KEY_ROUTE, {
      method: 'POST',
      body: await bridge.slip.register(session.facilityId),
      rank: 0,
    });
  try {
    try {
      await register();
    } catch (error) {
      // Retired at the county before the news reached this workstation: replace it now.
      if (!(error instanceof CountyError) || String(error.code) !== 'slip-key-retired') throw error;
      replaced = { keyId: key.keyId };
      key = await bridge.slip.rotate(key.keyId);
      await register();
    }
    // The facility document with the key arrives by replication.
    return state('registered');
  } catch {
    return state('pending');
  }
}

/**
 * Every slip key this workstation can verify with: those published in the
 * facilities reference data, and its own (a standalone clinic checks its own slips).
 */
export async function knownSlipKeys(
  db: ClinicDatabase,
  bridge: Pick<ClinicBridge, 'slip'>,
  ownFacilityId: string,
): Promise<KnownSlipKey[]> {
  const facilities = (await db.facilities.find().exec()).map((doc) => doc.toJSON() as FacilityDoc);
  const keys: KnownSlipKey[] = facilities.flatMap((facility) =>
    (facility.slipKeys ?? []).map((key) => ({
      keyId: key.keyId,
      publicKey: key.publicKey,
      facilityCode: facility.code,
      facilityName: facility.name,
      ...(key.retiredAt ? { retiredAt: key.retiredAt } : {}),
    })),
  );
  const own = facilities.find((facility) => facility.id === ownFacilityId);
  if (own) {
    const mine = await bridge.slip.key();
    if (!keys.some((key) => key.keyId === mine.keyId))
      keys.push({
        keyId: mine.keyId,
        publicKey: mine.publicKey,
        facilityCode: own.code,
        facilityName: own.name,
      });
  }
  return keys;
}

/** The seal printed in the stamp box; per workstation (a local document, not replicated). */
export const SEAL_LOCAL_DOC = 'slip-seal';
export const SEAL_MAX_BYTES = 300 * 1024;

export async function readSeal(db: ClinicDatabase): Promise<string | undefined> {
  return (await db.getLocal<{ dataUrl: string }>(SEAL_LOCAL_DOC))?.get('dataUrl') || undefined;
}

export type SealProblem = { problem: 'wrong-type' } | { problem: 'too-large'; kb: number };

export function sealProblem(file: { type: string; size: number }): SealProblem | null {
  if (file.type !== 'image/png' && file.type !== 'image/jpeg') return { problem: 'wrong-type' };
  if (file.size > SEAL_MAX_BYTES) return { problem: 'too-large', kb: Math.ceil(file.size / 1024) };
  return null;
}

export async function saveSeal(db: ClinicDatabase, dataUrl: string | undefined): Promise<void> {
  await db.upsertLocal(SEAL_LOCAL_DOC, { dataUrl: dataUrl ?? '' });
}

/** The OS printer this workstation prints slips on (its system name); local, not replicated. */
export const SLIP_PRINTER_LOCAL_DOC = 'slip-printer';

export async function readSlipPrinter(db: ClinicDatabase): Promise<string | undefined> {
  return (await db.getLocal<{ name: string }>(SLIP_PRINTER_LOCAL_DOC))?.get('name') || undefined;
}

export async function saveSlipPrinter(db: ClinicDatabase, name: string | undefined): Promise<void> {
  await db.upsertLocal(SLIP_PRINTER_LOCAL_DOC, { name: name ?? '' });
}
