/**
 * This workstation's SM2 key for referral slips. Made on first use from the
 * OS's randomness, kept sealed in the host's secret store; only the public
 * half and signatures cross the bridge. The host signs only canonical slip
 * texts and the county registration text, so the renderer cannot use it to
 * sign anything else. When the county retires the key, the workstation makes
 * a new one (rotate) and the retired private half is dropped: it must never
 * sign again.
 */
import { randomBytes } from 'node:crypto';
import { parseCanonicalSlip } from '../../sync/protocol/referral/slip/content';
import { proveSlipKey, type SlipKeyRegistration } from '../../sync/protocol/referral/slip/registration';
import {
  type SlipKeyPair,
  signSlipText,
  slipKeyPairFrom,
  slipNonceFrom,
} from '../../sync/protocol/referral/slip/signature';
import type { SlipKeyInfo } from '../bridge/contract';
import type { SecretStore } from './secrets';

/** The secret-store entry; the generic secrets bridge refuses keys with this prefix. */
export const SLIP_SECRET = 'slip.sm2-key';
export const HOST_ONLY_SECRET_PREFIX = 'slip.';

interface StoredKey extends SlipKeyPair {
  createdAt: string;
}

export interface SlipKeys {
  key(): Promise<SlipKeyInfo>;
  sign(text: string): Promise<{ keyId: string; signature: string }>;
  register(facilityId: string): Promise<SlipKeyRegistration>;
  /**
   * Replaces the key when it is the retired one; otherwise (already replaced,
   * by another call or an earlier run) returns the key in use unchanged.
   */
  rotate(retiredKeyId: string): Promise<SlipKeyInfo>;
}

export class SlipSigningRefused extends Error {
  override name = 'SlipSigningRefused';
}

const publicHalf = ({ keyId, publicKey, createdAt }: StoredKey): SlipKeyInfo => ({
  keyId,
  publicKey,
  createdAt,
});

export function createSlipKeys(secrets: SecretStore, now: () => Date = () => new Date()): SlipKeys {
  let loading: Promise<StoredKey> | undefined;
  const make = async (): Promise<StoredKey> => {
    const made: StoredKey = { ...slipKeyPairFrom(randomBytes(32)), createdAt: now().toISOString() };
    await secrets.set(SLIP_SECRET, JSON.stringify(made));
    return made;
  };
  // Every read and replacement goes through `loading`, so a signature never uses a key being replaced.
  const settle = (next: Promise<StoredKey>) => {
    loading = next;
    // A failed read or write must not stick: the next call reads the store again.
    next.catch(() => {
      if (loading === next) loading = undefined;
    });
    return next;
  };
  const load = () =>
    loading ??
    settle(
      (async () => {
        const stored = await secrets.get(SLIP_SECRET);
        return stored ? (JSON.parse(stored) as StoredKey) : make();
      })(),
    );
  return {
    async key() {
      return publicHalf(await load());
    },
    async rotate(retiredKeyId) {
      const current = load();
      return publicHalf(
        await settle(
          (async () => {
            const key = await current;
            return key.keyId === retiredKeyId ? make() : key;
          })(),
        ),
      );
    },
    async sign(text) {
      try {
        parseCanonicalSlip(text);
      } catch (error) {
        throw new SlipSigningRefused(`only canonical slip texts are signed: ${(error as Error).message}`);
      }
      const key = await load();
      return { keyId: key.keyId, signature: signSlipText(text, key, slipNonceFrom(randomBytes(32))) };
    },
    async register(facilityId) {
      return proveSlipKey(facilityId, await load());
    },
  };
}
