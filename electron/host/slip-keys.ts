/**
 * This workstation's SM2 key for referral slips. Made on first use from the
 * OS's randomness, kept sealed in the host's secret store; only the public
 * half and signatures cross the bridge. The host signs only canonical slip
 * texts and the county registration text, so the renderer cannot use it to
 * sign anything else.
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
}

export class SlipSigningRefused extends Error {
  override name = 'SlipSigningRefused';
}

export function createSlipKeys(secrets: SecretStore, now: () => Date = () => new Date()): SlipKeys {
  let loading: Promise<StoredKey> | undefined;
  const load = () => {
    loading ??= (async () => {
      const stored = await secrets.get(SLIP_SECRET);
      if (stored) return JSON.parse(stored) as StoredKey;
      const made: StoredKey = { ...slipKeyPairFrom(randomBytes(32)), createdAt: now().toISOString() };
      await secrets.set(SLIP_SECRET, JSON.stringify(made));
      return made;
    })();
    // A failed read must not stick: the next call tries again.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
  return {
    async key() {
      const { keyId, publicKey, createdAt } = await load();
      return { keyId, publicKey, createdAt };
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
