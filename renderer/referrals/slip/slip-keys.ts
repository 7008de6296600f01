/**
 * The clinic side of slip keys: registering this workstation's public key
 * with the county (so every clinic can verify its slips), the keys this
 * workstation can verify with, and the facility seal image.
 */
import type { ClinicBridge } from '../../../electron/bridge/contract';
import { type KnownSlipKey, SLIP_KEY_ROUTE } from '../../../sync/protocol/referral/slip';
import type { FacilityDoc } from '../../../sync/protocol/schema';
import type { Session } from '../../auth/session';
import type { ClinicDatabase } from '../../store/database';
import { countyApi, readCountyLink } from '../../sync/county-link';

/** registered: in the facility document; pending: not yet (offline); standalone: no county link. */
export type SlipKeyStatus = 'registered' | 'pending' | 'standalone';

async function facilityDoc(db: ClinicDatabase, id: string): Promise<FacilityDoc | undefined> {
  return (await db.facilities.findOne(id).exec())?.toJSON() as FacilityDoc | undefined;
}

/**
 * Makes sure the county knows this workstation's key. Called before a slip is
 * printed; never blocks printing: offline, the key is registered next time.
 */
export async function ensureSlipKeyRegistered(
  db: ClinicDatabase,
  bridge: Pick<ClinicBridge, 'slip' | 'secrets'>,
  session: Session,
): Promise<{ keyId: string; status: SlipKeyStatus }> {
  const { keyId } = await bridge.slip.key();
  const facility = await facilityDoc(db, session.facilityId);
  if (facility?.slipKeys?.some((key) => key.keyId === keyId)) return { keyId, status: 'registered' };
  const link = await readCountyLink(bridge as ClinicBridge);
  if (!link || link.facilityId !== session.facilityId) return { keyId, status: 'standalone' };
  try {
    const registration = await bridge.slip.register(session.facilityId);
    await countyApi(link, session.userId).request(SLIP_KEY_ROUTE, {
      method: 'POST',
      body: registration,
      rank: 0,
    });
    // The facility document with the key arrives by replication.
    return { keyId, status: 'registered' };
  } catch {
    return { keyId, status: 'pending' };
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
