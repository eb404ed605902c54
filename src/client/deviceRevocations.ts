/**
 * Revoking devices with the account's signed word (docs/protocol.md §17, docs/client.md "Revoked devices"):
 * a revocation is a statement signed by the account identity key; this device signs one to revoke another
 * device (or itself, signing out), and believes a `device_revoked` answer about itself only with a
 * statement that verifies under its own account public key. Without one, nothing is erased.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import type { DeviceId, UserId } from '../common/ids';
import { signDeviceRevocation, verifyDeviceRevocation, type DeviceRevocation } from '../common/protocol/deviceRevocation';
import { RevocationUnprovenError } from './errors';
import type { KeyServiceApi } from './keyServiceApi';

export interface RevokingAccount {
  readonly userId: UserId;
  /** The account identity key pair (signs the statement; its public half verifies one). */
  readonly account: { readonly privateKey: Uint8Array; readonly publicKey: Uint8Array };
}

/** Signs the statement that `deviceId` of this account is revoked now and asks the key service to revoke it. */
export async function revokeWithStatement(api: KeyServiceApi, provider: CryptoProvider, me: RevokingAccount, deviceId: DeviceId): Promise<DeviceRevocation> {
  const revocation = await signDeviceRevocation(provider, { v: 1, userId: me.userId, deviceId, revokedAt: Date.now() }, me.account.privateKey);
  await api.request('revokeDevice', { params: { deviceId }, body: { revocation } });
  return revocation;
}

/**
 * Fetches the statement revoking this device and verifies it under this account's public key: resolves
 * when the revocation is proven; rejects with `revocation_unproven` when there is none, it does not verify,
 * or it cannot be fetched now.
 */
export async function proveOwnRevocation(
  api: KeyServiceApi,
  provider: CryptoProvider,
  me: { readonly userId: UserId; readonly deviceId: DeviceId; readonly accountPublicKey: Uint8Array },
): Promise<DeviceRevocation> {
  try {
    const { revocation } = await api.request('getDeviceRevocation', { params: { deviceId: me.deviceId } });
    return await verifyDeviceRevocation(provider, revocation, { accountKey: me.accountPublicKey, userId: me.userId, deviceId: me.deviceId });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new RevocationUnprovenError(why);
  }
}
