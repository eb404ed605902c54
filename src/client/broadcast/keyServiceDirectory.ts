/**
 * The key service's broadcast endpoints for the client (docs/broadcast.md §2.1, §8): role claims for
 * a key manager audience, the channel directory (list a created channel, read the list), per-channel
 * role grants, and the certified device the broadcast client signs and unwraps with.
 */
import { z } from 'zod';
import { ChannelDescriptorSchema, type ChannelDescriptor } from '../../common/broadcast/descriptor';
import { DirectoryError } from '../../common/broadcast/errors';
import type { ChannelRoleKind } from '../../common/domain';
import type { CryptoProvider } from '../../common/crypto/provider';
import { toBase64Url } from '../../common/encoding/base64url';
import type { DeviceId, UserId } from '../../common/ids';
import { verifyDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { callParsed, type KeyServiceCall } from './keyServiceCall';
import type { BroadcastDevice, ClaimSource } from './types';


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
export function keyServiceClaims(call: KeyServiceCall): ClaimSource {
  return async (audience) => (await callParsed(call, z.object({ claim: z.string() }), 'POST', '/v1/broadcast/claims', { audience })).claim;
}

const ListSchema = z.object({
  channels: z.array(z.object({ descriptor: ChannelDescriptorSchema, owner: z.boolean(), subscriber: z.boolean(), publisher: z.boolean() })),
});

/** The key service's channel directory and grants. */
export function keyServiceDirectory(call: KeyServiceCall): BroadcastDirectory {
  const grantPath = (channelId: string) => `/v1/broadcast/channels/${encodeURIComponent(channelId)}/grants`;
  return {
    async register(descriptor) {
      await callParsed(call, z.object({ channelId: z.string() }), 'POST', '/v1/broadcast/directory', { descriptor });
    },
    async list() {
      return (await callParsed(call, ListSchema, 'GET', '/v1/broadcast/directory')).channels;
    },
    async grant(channelId, userId, kind) {
      await callParsed(call, z.object({ role: z.string() }), 'POST', grantPath(channelId), { userId, kind });
    },
    async withdraw(channelId, userId, kind) {
      await call('DELETE', `${grantPath(channelId)}/${encodeURIComponent(userId)}/${kind}`);
    },
  };
}

/**
 * The broadcast device of this signed-in device: its certificate from the key service, checked to be
 * for this user and device and to name exactly these device keys.
 */
export async function certifiedDevice(
  call: KeyServiceCall,
  crypto: CryptoProvider,
  keys: { userId: UserId; deviceId: DeviceId; x25519PrivateKey: Uint8Array; ed25519PrivateKey: Uint8Array },
): Promise<BroadcastDevice> {
  const { device } = await callParsed(call, z.object({ device: z.object({ certificate: z.unknown() }) }), 'GET', `/v1/devices/${encodeURIComponent(keys.deviceId)}`);
  const certificate = await verifyDeviceCertificate(crypto, device.certificate, { userId: keys.userId, deviceId: keys.deviceId });
  const x = toBase64Url(await crypto.x25519PublicKey(keys.x25519PrivateKey));
  const ed = toBase64Url(await crypto.ed25519PublicKey(keys.ed25519PrivateKey));
  if (certificate.x25519 !== x || certificate.ed25519 !== ed) throw new DirectoryError('directory_refused', 'the key service holds a certificate for other keys than this device has');
  return { ...keys, certificate };
}
