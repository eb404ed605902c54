/**
 * Signing a profile in with single sign-on (docs/client.md "Single sign-on", docs/api.md "Sign-in methods
 * and single sign-on"). The desktop's main process ran the provider's authorization-code flow with PKCE
 * and holds an ID token and the nonce it chose; the key service verifies them and answers the same
 * password-only session a password login gives. From there it is [trust] as for a password: this
 * profile's own device proves its key for its session; an account with no device gets its identity and
 * first device here; an account whose keys are on other devices starts a device link.
 */
import type { CryptoProvider } from '../common/crypto/provider';
import type { SignInOptions } from '../common/api/oidcSchemas';
import type { DevicePlatform } from '../common/protocol/deviceCertificate';
import { NewDeviceLink } from './deviceLinking';
import { proveDevice } from './deviceSession';
import { firstDevice, type Identity } from './enrol';
import { AlreadySignedInError } from './errors';
import type { KeyServiceApi, TokenPair } from './keyServiceApi';

export interface SsoToken {
  readonly idToken: string;
  readonly nonce: string;
}

/**
 * How a device with no keys of the account proves who the person is before a restore or a reset
 * (docs/client.md "Recovery for single sign-on accounts"): the account password, or an ID token of the
 * organisation's provider (an SSO-only account has no password). Either gives the same password-only
 * session, which can do nothing with keys until a device enrols.
 */
export type SignInCredential = { readonly username: string; readonly password: string } | { readonly sso: SsoToken };

/** A password-only session for `credential`; the API holds its tokens (the caller ends it on failure). */
export async function sessionWithoutDevice(api: KeyServiceApi, credential: SignInCredential): Promise<TokenPair> {
  const pair =
    'sso' in credential
      ? await api.request('oidcSignIn', { body: { idToken: credential.sso.idToken, nonce: credential.sso.nonce } })
      : await api.request('login', { body: { username: credential.username, password: credential.password } });
  api.setTokens(pair.accessToken, pair.refreshToken);
  return pair;
}

export type SsoSignIn = { readonly kind: 'signedIn'; readonly identity: Identity } | { readonly kind: 'needsLink'; readonly link: NewDeviceLink };

/** What the organisation allows before sign-in (public). */
export function readSignInOptions(api: KeyServiceApi): Promise<SignInOptions> {
  return api.request('getSignInOptions');
}

export async function ssoAccount(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: SsoToken & { deviceName: string; platform: DevicePlatform },
  existing: Omit<Identity, 'refreshToken'> | null,
): Promise<SsoSignIn> {
  const pair = await sessionWithoutDevice(api, { sso: input });
  if (existing && existing.userId !== pair.user.userId) {
    await api.request('logout');
    throw new AlreadySignedInError(existing.username);
  }
  if (existing) {
    await api.request('logout');
    const own = await proveDevice(api, provider, { deviceId: existing.deviceId, signingPrivateKey: existing.device.ed25519.privateKey });
    api.setTokens(own.accessToken, own.refreshToken);
    return { kind: 'signedIn', identity: { ...existing, refreshToken: own.refreshToken } };
  }
  if (pair.user.identityKey === null) return { kind: 'signedIn', identity: await firstDevice(api, provider, pair, input) };
  return { kind: 'needsLink', link: await NewDeviceLink.startWithSession(api, provider, pair, input) };
}
