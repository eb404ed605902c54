/**
 * Resetting a lost account (docs/protocol.md §18.9): the recovery key is lost too and no device of the
 * account is signed in. The device signs in with the password or the organisation's single sign-on (a
 * password-only session), makes a NEW
 * account identity key and its own device keys, and asks the key service to accept them for the same
 * account (`resetAccount`, confirmed by its phrase). The service refuses while a device of the account is
 * still signed in (`account_has_active_device`: link from it instead). Contacts then see "identity
 * changed"; history that only the old identity's devices held stays unreadable; a new recovery key must be
 * made. On a refusal the password-only session is ended and nothing changed. The answer names the replaced
 * identity key, which the profile keeps as retired: what the old devices signed stays checkable.
 */
import type { CryptoProvider } from '../../common/crypto/provider';
import { ACCOUNT_RESET_CONFIRMATION } from '../../common/api/recoverySchemas';
import type { DevicePlatform } from '../../common/protocol/deviceCertificate';
import { generateAccountIdentity } from '../../common/protocol/identity';
import { enrolWith, type Identity } from '../enrol';
import type { KeyServiceApi } from '../keyServiceApi';
import { sessionWithoutDevice, type SignInCredential } from '../sso';

export async function resetAccount(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: { credential: SignInCredential; deviceName: string; platform: DevicePlatform },
): Promise<{ identity: Identity; previousIdentityKey: string }> {
  const pair = await sessionWithoutDevice(api, input.credential);
  try {
    let previousIdentityKey = '';
    const identity = await enrolWith(api, provider, pair, input, await generateAccountIdentity(provider), async (certificate) => {
      const res = await api.request('resetAccount', { body: { certificate, confirm: ACCOUNT_RESET_CONFIRMATION } });
      previousIdentityKey = res.previousIdentityKey;
      return res.accessToken;
    });
    return { identity, previousIdentityKey };
  } catch (err) {
    await api.request('logout').catch(() => undefined);
    api.setTokens(null, null);
    throw err;
  }
}
