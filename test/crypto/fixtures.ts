/**
 * Test fixtures: users with account keys and certified devices, built with the provider chosen as the app chooses it (libsodium, or SEED_CRYPTO_PROVIDER).
 */
import type { CryptoProvider } from '../../src/common/crypto/provider';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { DeviceId, UserId } from '../../src/common/ids';
import { signDeviceCertificate, type DeviceCertificate, type DevicePlatform } from '../../src/common/protocol/deviceCertificate';
import { generateAccountIdentity, generateDeviceKeys, type AccountIdentityKeyPair, type DeviceKeyPairs } from '../../src/common/protocol/identity';
import { chooseCryptoProvider } from '../../src/node/crypto/providers';

export const provider: CryptoProvider = chooseCryptoProvider().provider;

export interface TestDevice {
  readonly deviceId: DeviceId;
  readonly keys: DeviceKeyPairs;
  readonly certificate: DeviceCertificate;
}

export interface TestUser {
  readonly userId: UserId;
  readonly account: AccountIdentityKeyPair;
  readonly devices: TestDevice[];
}

/** A user with `deviceCount` certified devices named `<name>-dev<i>`. */
export async function makeUser(name: string, deviceCount = 1, platform: DevicePlatform = 'desktop'): Promise<TestUser> {
  const userId = `user-${name}` as UserId;
  const account = await generateAccountIdentity(provider);
  const devices: TestDevice[] = [];
  for (let i = 0; i < deviceCount; i++) devices.push(await makeDevice(userId, account, `${name}-dev${i}`, platform));
  return { userId, account, devices };
}

/**
 * A device of `userId`, certified by `account`. Its certificate carries its X-Wing key only when `hybrid`
 * (docs/protocol.md §5.1): the default is a device made before X-Wing, which receives X25519 wraps.
 */
export async function makeDevice(
  userId: UserId,
  account: AccountIdentityKeyPair,
  deviceId: string,
  platform: DevicePlatform = 'desktop',
  opts: { hybrid?: boolean } = {},
): Promise<TestDevice> {
  const generated = await generateDeviceKeys(provider);
  const keys: DeviceKeyPairs = opts.hybrid === true ? generated : { x25519: generated.x25519, ed25519: generated.ed25519 };
  const certificate = await signDeviceCertificate(
    provider,
    {
      v: 1,
      userId,
      deviceId: deviceId as DeviceId,
      deviceName: `${deviceId} laptop`,
      platform,
      x25519: toBase64Url(keys.x25519.publicKey),
      ed25519: toBase64Url(keys.ed25519.publicKey),
      ...(keys.xwing ? { xwing: toBase64Url(keys.xwing.publicKey) } : {}),
      createdAt: 1_700_000_000_000,
      accountKey: toBase64Url(account.publicKey),
    },
    account.privateKey,
  );
  return { deviceId: deviceId as DeviceId, keys, certificate };
}

/** Key recipients of every device of the users (with the X-Wing key of the devices that have one). */
export function recipientsOf(...users: TestUser[]) {
  return users.flatMap((u) =>
    u.devices.map((d) => ({
      deviceId: d.deviceId,
      x25519PublicKey: d.keys.x25519.publicKey,
      ...(d.keys.xwing ? { xwingPublicKey: d.keys.xwing.publicKey } : {}),
    })),
  );
}

/** What a device holds to open its wraps: its X25519 key and, when it has one, its X-Wing key. */
export function openerOf(d: TestDevice) {
  return {
    deviceId: d.deviceId,
    x25519PrivateKey: d.keys.x25519.privateKey,
    x25519PublicKey: d.keys.x25519.publicKey,
    ...(d.keys.xwing ? { xwingPrivateKey: d.keys.xwing.privateKey } : {}),
  };
}

/** Flips one bit of a base64url field. */
export function flipB64u(field: string, byteIndex = 0): string {
  const bytes = Buffer.from(field, 'base64url');
  bytes[byteIndex % bytes.length] = (bytes[byteIndex % bytes.length] ?? 0) ^ 1;
  return bytes.toString('base64url');
}
