/**
 * The key service's broadcast endpoints for the client (docs/broadcast.md §2.1, §8): role claims for
 * a key manager audience, the channel directory (list a created channel, read the list), per-channel
 * role grants, and the certified device the broadcast client signs and unwraps with — each a named route
 * of the key service's table, called through a `KeyServiceRequester` (the core's `KeyServiceApi`, or
 * `sessionRequester` of keyServiceSession.ts for a URL and a token).
 */
import type { KeyServiceRoutes } from '../../common/api/keyService';
import type { ChannelDescriptor } from '../../common/broadcast/descriptor';
import { DirectoryError } from '../../common/broadcast/errors';
import type { CryptoProvider } from '../../common/crypto/provider';
import { xwingPublicKey } from '../../common/crypto/xwing';
import type { ChannelRoleKind } from '../../common/domain';
import { toBase64Url } from '../../common/encoding/base64url';
import type { DeviceId, UserId } from '../../common/ids';
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import type { RouteRequester } from '../http/routeRequester';
import type { BroadcastDevice, ClaimSource } from './types';

/** Calls the key service's routes by name. */
export type KeyServiceRequester = RouteRequester<KeyServiceRoutes>;

export interface ListedChannel {
  readonly descriptor: ChannelDescriptor;
  readonly owner: boolean;
  readonly subscriber: boolean;
  readonly publisher: boolean;
}

/** Where channels are listed and roles granted; the key service implements it (`keyServiceDirectory`). */
export interface BroadcastDirectory {
  register(descriptor: ChannelDescriptor): Promise<void>;
  list(): Promise<ListedChannel[]>;
  grant(channelId: string, userId: string, kind: ChannelRoleKind): Promise<void>;
  withdraw(channelId: string, userId: string, kind: ChannelRoleKind): Promise<void>;
}

/** Role claims from the key service for the signed-in device (the caller must be device-bound). */
export function keyServiceClaims(api: KeyServiceRequester): ClaimSource {
  return async (audience) => (await api.request('getBroadcastClaim', { body: { audience } })).claim;
}

/** The key service's channel directory and grants. */
export function keyServiceDirectory(api: KeyServiceRequester): BroadcastDirectory {
  return {
    async register(descriptor) {
      await api.request('registerChannel', { body: { descriptor } });
    },
    async list() {
      return (await api.request('listChannels')).channels;
    },
    async grant(channelId, userId, kind) {
      await api.request('grantChannelRole', { params: { channelId }, body: { userId, kind } });
    },
    async withdraw(channelId, userId, kind) {
      await api.request('withdrawChannelRole', { params: { channelId, userId, kind } });
    },
  };
}

/**
 * The broadcast device of this signed-in device: its certificate from the key service, checked to be
 * for this user and device and to name exactly these device keys — its X-Wing key too: a certificate with
 * one and no X-Wing private key here, or the reverse, or another X-Wing key, is `directory_refused`.
 */
export async function certifiedDevice(
  api: KeyServiceRequester,
  crypto: CryptoProvider,
  keys: { userId: UserId; deviceId: DeviceId; x25519PrivateKey: Uint8Array; ed25519PrivateKey: Uint8Array; xwingPrivateKey?: Uint8Array },
): Promise<BroadcastDevice> {
  const { device } = await api.request('getDevice', { params: { deviceId: keys.deviceId } });
  const certificate = await verifyDeviceCertificate(crypto, device.certificate, { userId: keys.userId, deviceId: keys.deviceId });
  const x = toBase64Url(await crypto.x25519PublicKey(keys.x25519PrivateKey));
  const ed = toBase64Url(await crypto.ed25519PublicKey(keys.ed25519PrivateKey));
  const xw = keys.xwingPrivateKey === undefined ? undefined : toBase64Url(xwingPublicKey(keys.xwingPrivateKey));
  if (certificate.x25519 !== x || certificate.ed25519 !== ed || certificate.xwing !== xw)
    throw new DirectoryError('directory_refused', 'the key service holds a certificate for other keys than this device has');
  return { ...keys, certificate };
}
