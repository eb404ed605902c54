/**
 * The local store's key (docs/client.md "Local store"): 32 random bytes kept in the OS keychain under the
 * profile's service name, next to the device keys (vault.ts), as account `local-store-key`. It is never
 * written to disk in clear and never leaves the client core (no IPC result carries it).
 */
import { randomBytes } from 'node:crypto';
import { fromBase64Url, isBase64Url, toBase64Url } from '../../common/encoding/base64url';
import type { SecretStore } from '../keychain/keychain';
import { LocalStoreLockedError } from './errors';

export const STORE_KEY_ACCOUNT = 'local-store-key';

export interface LocalStoreKey {
  /** The key, or null when none is kept yet. */
  load(): Promise<Uint8Array | null>;
  /** A new random 256-bit key, saved before it is returned. */
  create(): Promise<Uint8Array>;
  clear(): Promise<void>;
}

export function createKeychainStoreKey(secrets: SecretStore): LocalStoreKey {
  return {
    async load() {
      const raw = await secrets.get(STORE_KEY_ACCOUNT);
      if (raw === null) return null;
      const key = isBase64Url(raw) ? fromBase64Url(raw) : new Uint8Array(0);
      if (key.length !== 32) throw new LocalStoreLockedError('the keychain entry of the local store key is not 32 bytes');
      return key;
    },
    async create() {
      const key = new Uint8Array(randomBytes(32));
      await secrets.set(STORE_KEY_ACCOUNT, toBase64Url(key));
      return key;
    },
    async clear() {
      await secrets.delete(STORE_KEY_ACCOUNT);
    },
  };
}
