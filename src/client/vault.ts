/**
 * The device vault (docs/client.md, "Modules"): the device's private keys and the account
 * identity key, stored in the OS keychain under the profile's service name (src/client/keychain). Nothing
 * else in the client core keeps key bytes on disk. No keychain → `KeychainUnavailableError` from the
 * store, never a plaintext fallback. `InMemoryVaultForTests` exists only for tests that simulate many
 * clients in one process.
 */
import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../common/encoding/base64url';
import { AppError } from '../common/errors';
import type { RawKeyPair } from '../common/crypto/provider';
import { xwingPublicKey } from '../common/crypto/xwing';
import type { DeviceKeyPairs } from '../common/protocol/identity';
import type { SecretStore } from './keychain/keychain';

/** What the vault keeps for one signed-in device. */
export interface VaultSecrets {
  readonly account: RawKeyPair;
  readonly device: DeviceKeyPairs;
  /** The session's refresh token (a bearer secret, so it lives here too). */
  readonly refreshToken: string;
}

export interface Vault {
  load(): Promise<VaultSecrets | null>;
  save(secrets: VaultSecrets): Promise<void>;
  /** Replaces only the refresh token (after each refresh). */
  saveRefreshToken(token: string): Promise<void>;
  clear(): Promise<void>;
}

export class VaultCorruptError extends AppError {
  constructor(detail: string) {
    super('vault_corrupt', `the keychain entry of this profile is unreadable: ${detail}`);
  }
}

const pair = z.strictObject({ privateKey: z.string(), publicKey: z.string() });
/**
 * `xwing` is the X-Wing private key (its 32-byte seed) alone, absent for devices made before X-Wing: the
 * 1216-byte public key is derived at load, which keeps the entry small (Windows Credential Manager holds
 * 2,560 bytes).
 */
const Stored = z.strictObject({ v: z.literal(1), account: pair, x25519: pair, ed25519: pair, xwing: z.string().optional() });

const KEYS_ACCOUNT = 'device-keys';
const REFRESH_ACCOUNT = 'session-refresh-token';

const enc = (p: RawKeyPair) => ({ privateKey: toBase64Url(p.privateKey), publicKey: toBase64Url(p.publicKey) });
const dec = (p: { privateKey: string; publicKey: string }): RawKeyPair => ({ privateKey: fromBase64Url(p.privateKey), publicKey: fromBase64Url(p.publicKey) });

/** The vault over a keychain `SecretStore` (keytar in the app and CLI). */
export function createKeychainVault(store: SecretStore): Vault {
  return {
    async load() {
      const raw = await store.get(KEYS_ACCOUNT);
      if (raw === null) return null;
      let parsed: z.infer<typeof Stored>;
      try {
        parsed = Stored.parse(JSON.parse(raw));
      } catch (err) {
        throw new VaultCorruptError(err instanceof Error ? err.message : String(err));
      }
      const refreshToken = (await store.get(REFRESH_ACCOUNT)) ?? '';
      let xwing: RawKeyPair | undefined;
      try {
        xwing = parsed.xwing === undefined ? undefined : { privateKey: fromBase64Url(parsed.xwing), publicKey: xwingPublicKey(fromBase64Url(parsed.xwing)) };
      } catch (err) {
        throw new VaultCorruptError(err instanceof Error ? err.message : String(err));
      }
      const device = { x25519: dec(parsed.x25519), ed25519: dec(parsed.ed25519), ...(xwing ? { xwing } : {}) };
      return { account: dec(parsed.account), device, refreshToken };
    },
    async save(secrets) {
      const stored: z.infer<typeof Stored> = {
        v: 1,
        account: enc(secrets.account),
        x25519: enc(secrets.device.x25519),
        ed25519: enc(secrets.device.ed25519),
        ...(secrets.device.xwing ? { xwing: toBase64Url(secrets.device.xwing.privateKey) } : {}),
      };
      await store.set(KEYS_ACCOUNT, JSON.stringify(stored));
      await store.set(REFRESH_ACCOUNT, secrets.refreshToken);
    },
    async saveRefreshToken(token) {
      await store.set(REFRESH_ACCOUNT, token);
    },
    async clear() {
      await store.delete(KEYS_ACCOUNT);
      await store.delete(REFRESH_ACCOUNT);
    },
  };
}

/** A vault in memory — for tests that run many simulated clients in one process, never for real profiles. */
export class InMemoryVaultForTests implements Vault {
  private secrets: VaultSecrets | null = null;
  async load(): Promise<VaultSecrets | null> {
    return this.secrets;
  }
  async save(secrets: VaultSecrets): Promise<void> {
    this.secrets = secrets;
  }
  async saveRefreshToken(token: string): Promise<void> {
    if (this.secrets) this.secrets = { ...this.secrets, refreshToken: token };
  }
  async clear(): Promise<void> {
    this.secrets = null;
  }
}
