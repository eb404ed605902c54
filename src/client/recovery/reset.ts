/**
 * Resetting a lost account (docs/protocol.md §18.9): the recovery key is lost too. The device signs in
 * with the password or the organisation's single sign-on (a password-only session), makes a NEW account
 * identity key and its own device keys, and asks the key service to accept them for the same account
 * (`resetAccount`, confirmed by its phrase). With no device of the account signed in the reset happens at
 * once. While one is, it waits (§18.9 "The waiting period"): the account's devices are told and may cancel
 * it, and this profile keeps the new keys and the asking session until it finishes the reset
 * (`finishAccountReset`) once the period is over. Contacts then see "identity changed"; history that only
 * the old identity's devices held stays unreadable; a new recovery key must be made. On a refusal the
 * password-only session is ended and nothing changed. The answer names the replaced identity key, which
 * the profile keeps as retired: what the old devices signed stays checkable.
 */
import { ACCOUNT_RESET_CONFIRMATION, type AccountResetRequest } from '../../common/api/recoverySchemas';
import type { CryptoProvider } from '../../common/crypto/provider';
import { newDeviceId, type UserId } from '../../common/ids';
import type { DevicePlatform } from '../../common/protocol/deviceCertificate';
import { generateAccountIdentity, generateDeviceKeys } from '../../common/protocol/identity';
import { certifyDevice, type Identity } from '../enrol';
import type { KeyServiceApi } from '../keyServiceApi';
import { sessionWithoutDevice, type SignInCredential } from '../sso';

/**
 * What a reset request became. `reset`: done, `identity` is this device's. `waiting`: the new keys and the
 * asking session (`identity.refreshToken`) to keep until the reset finishes; the API holds that session.
 */
export type ResetStart =
  | { readonly state: 'reset'; readonly identity: Identity; readonly previousIdentityKey: string }
  | { readonly state: 'waiting'; readonly identity: Identity; readonly request: AccountResetRequest };

export async function requestAccountReset(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: { credential: SignInCredential; deviceName: string; platform: DevicePlatform },
): Promise<ResetStart> {
  const pair = await sessionWithoutDevice(api, input.credential);
  try {
    const account = await generateAccountIdentity(provider);
    const device = await generateDeviceKeys(provider);
    const deviceId = newDeviceId(provider);
    const { userId, username } = pair.user;
    const certificate = await certifyDevice(api, provider, { userId, deviceId, deviceName: input.deviceName, platform: input.platform, account, device });
    const res = await api.request('resetAccount', { body: { certificate, confirm: ACCOUNT_RESET_CONFIRMATION } });
    const identity: Identity = {
      userId: userId as UserId,
      username,
      deviceId,
      deviceName: input.deviceName,
      account,
      device,
      refreshToken: pair.refreshToken,
    };
    if (res.outcome === 'waiting') return { state: 'waiting', identity, request: res.request };
    api.setTokens(res.accessToken, pair.refreshToken);
    return { state: 'reset', identity, previousIdentityKey: res.previousIdentityKey };
  } catch (err) {
    await api.request('logout').catch(() => undefined);
    api.setTokens(null, null);
    throw err;
  }
}

/** Finishes the reset the API's (asking) session waits for; answers the device's access token and the replaced key. */
export async function finishAccountReset(api: KeyServiceApi): Promise<{ accessToken: string; previousIdentityKey: string }> {
  const res = await api.request('finishAccountReset');
  return { accessToken: res.accessToken, previousIdentityKey: res.previousIdentityKey };
}

/**
 * Answers of `finishAccountReset` after which the reset will never finish from this profile: a device
 * cancelled it, it is gone, the identity changed meanwhile, or the asking session ended.
 */
export const RESET_ABANDONED_CODES: ReadonlySet<string> = new Set([
  'reset_cancelled',
  'no_account_reset',
  'identity_key_changed',
  'device_exists',
  'session_revoked',
  'invalid_refresh_token',
  'refresh_token_reused',
  'account_deactivated',
]);
