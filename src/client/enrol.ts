/**
 * Signing a profile in (docs/client.md, "Facade"): register a new account, or log in on a device. A
 * registration creates the account identity key and the first device, certifies the device with the
 * identity key and registers it (the first device pins the account key, docs/api.md §Devices). Logging in
 * again on a profile that already holds the device keys checks the password, then opens the device's
 * session by signing a challenge (deviceSession.ts; a password alone opens no device session). An account
 * whose keys are elsewhere is linked from one of its devices instead (deviceLinking.ts).
 */
import type { CryptoProvider, RawKeyPair } from '../common/crypto/provider';
import { toBase64Url } from '../common/encoding/base64url';
import { newDeviceId, type DeviceId, type UserId } from '../common/ids';
import { signDeviceCertificate, type DeviceCertificate, type DevicePlatform } from '../common/protocol/deviceCertificate';
import { generateAccountIdentity, generateDeviceKeys, type DeviceKeyPairs } from '../common/protocol/identity';
import { AppError } from '../common/errors';
import { proveDevice } from './deviceSession';
import type { KeyServiceApi, TokenPair } from './keyServiceApi';

/** Who this profile is, with its keys (kept in the vault; never returned by the facade). */
export interface Identity {
  readonly userId: UserId;
  readonly username: string;
  readonly deviceId: DeviceId;
  readonly deviceName: string;
  readonly account: RawKeyPair;
  readonly device: DeviceKeyPairs;
  readonly refreshToken: string;
}

export class NeedsLinkError extends AppError {
  constructor(username: string) {
    super('needs_device_link', `${username} already has devices: link this one from one of them (link-device here, approve-device there)`);
  }
}

/** A device certificate signed by `account` for this session's user (with the company identity it signed in with). */
export async function certifyDevice(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: { userId: string; deviceId: DeviceId; deviceName: string; platform: DevicePlatform; account: RawKeyPair; device: DeviceKeyPairs },
): Promise<DeviceCertificate> {
  // The account's company identity, as the key service verified it at sign-in: carried in the certificate,
  // signed by the account key, so contacts can see whom the company directory says this key belongs to.
  const { sso } = await api.request('getMe');
  return signDeviceCertificate(
    provider,
    {
      v: 1,
      userId: input.userId as UserId,
      deviceId: input.deviceId,
      deviceName: input.deviceName,
      platform: input.platform,
      x25519: toBase64Url(input.device.x25519.publicKey),
      ed25519: toBase64Url(input.device.ed25519.publicKey),
      ...(input.device.xwing ? { xwing: toBase64Url(input.device.xwing.publicKey) } : {}),
      createdAt: Date.now(),
      accountKey: toBase64Url(input.account.publicKey),
      ...(sso ? { sso: { iss: sso.issuer, sub: sso.subject } } : {}),
    },
    input.account.privateKey,
  );
}

/** Certifies a device with the account key and registers it on a device-less session. */
export async function certifyAndRegister(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: { userId: string; deviceId: DeviceId; deviceName: string; platform: DevicePlatform; account: RawKeyPair; device: DeviceKeyPairs },
): Promise<string> {
  const certificate = await certifyDevice(api, provider, input);
  const res = await api.request('registerDevice', { body: { certificate } });
  return res.accessToken;
}

/** A password-only session: enough to register a first device or open a device link (docs/api.md "Sessions"). */
async function loginPair(api: KeyServiceApi, username: string, password: string): Promise<TokenPair> {
  const pair = await api.request('login', { body: { username, password } });
  api.setTokens(pair.accessToken, pair.refreshToken);
  return pair;
}

/** Creates the account, its identity key and this first device. */
export async function registerAccount(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: { username: string; password: string; displayName: string; deviceName: string; platform: DevicePlatform },
): Promise<Identity> {
  await api.request('register', { body: { username: input.username, password: input.password, displayName: input.displayName } });
  return firstDevice(api, provider, await loginPair(api, input.username, input.password), input);
}

export async function firstDevice(
  api: KeyServiceApi,
  provider: CryptoProvider,
  pair: TokenPair,
  input: { deviceName: string; platform: DevicePlatform },
): Promise<Identity> {
  return enrolUnder(api, provider, pair, input, await generateAccountIdentity(provider));
}

/** A new device of this profile, certified by `account` (a new identity, or one restored from the key backup) and registered. */
export async function enrolUnder(
  api: KeyServiceApi,
  provider: CryptoProvider,
  pair: TokenPair,
  input: { deviceName: string; platform: DevicePlatform },
  account: Identity['account'],
): Promise<Identity> {
  return enrolWith(api, provider, pair, input, account, async (certificate) => (await api.request('registerDevice', { body: { certificate } })).accessToken);
}

/**
 * Makes this device's keys, certifies them with `account` and hands the certificate to `submit` (the key
 * service call that registers it and answers the device's access token); the profile's identity follows.
 */
export async function enrolWith(
  api: KeyServiceApi,
  provider: CryptoProvider,
  pair: TokenPair,
  input: { deviceName: string; platform: DevicePlatform },
  account: Identity['account'],
  submit: (certificate: Awaited<ReturnType<typeof certifyDevice>>) => Promise<string>,
): Promise<Identity> {
  const device = await generateDeviceKeys(provider);
  const deviceId = newDeviceId(provider);
  const certificate = await certifyDevice(api, provider, {
    userId: pair.user.userId,
    deviceId,
    deviceName: input.deviceName,
    platform: input.platform,
    account,
    device,
  });
  api.setTokens(await submit(certificate), pair.refreshToken);
  return {
    userId: pair.user.userId as UserId,
    username: pair.user.username,
    deviceId,
    deviceName: input.deviceName,
    account,
    device,
    refreshToken: pair.refreshToken,
  };
}

/**
 * Logs in. With the keys of this profile's device (`existing`), the password is checked (its password-only
 * session ends at once) and the device proves its key for its own session. Without, an account that has no
 * device yet gets its identity and first device here; one that has devices must link.
 */
export async function loginAccount(
  api: KeyServiceApi,
  provider: CryptoProvider,
  input: { username: string; password: string; deviceName: string; platform: DevicePlatform },
  existing: Omit<Identity, 'refreshToken'> | null,
): Promise<Identity> {
  if (existing) {
    await loginPair(api, input.username, input.password);
    await api.request('logout');
    const pair = await proveDevice(api, provider, { deviceId: existing.deviceId, signingPrivateKey: existing.device.ed25519.privateKey });
    api.setTokens(pair.accessToken, pair.refreshToken);
    return { ...existing, refreshToken: pair.refreshToken };
  }
  const pair = await loginPair(api, input.username, input.password);
  if (pair.user.identityKey !== null) throw new NeedsLinkError(pair.user.username);
  return firstDevice(api, provider, pair, input);
}
