/**
 * The broadcast channel directory in the key service (docs/broadcast.md §2.1): a creator's device lists
 * the signed descriptor of a channel it created (verified against the device's account key; the creator
 * becomes the channel's owner for grants, the only way an id gets one), and any signed-in user reads the
 * list with the roles they hold for each channel. An id the key service's own key manager holds under
 * another descriptor is not listed (`channel_id_taken`): knowing the id of someone's unlisted channel
 * does not make it yours. The directory is for finding channels; who can read is still decided by the
 * key manager each descriptor names.
 */
import { keyServiceRoutes as api } from '../../common/api/keyService';
import { ChannelDescriptorSchema, verifyDescriptor } from '../../common/broadcast/descriptor';
import { DescriptorError } from '../../common/broadcast/errors';
import { publisherRole, subscriberRole } from '../../common/broadcast/roles';
import { parseDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { bytesOf } from '../../common/protocol/wire';
import { Conflict, Forbidden, Unauthorized, Unprocessable } from '../http/httpErrors';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import { rolesOfUser } from './groupRoles';
import type { RoleGrants } from './roleGrants';

/** The key service's own (default) key manager, as the directory asks it. */
export interface DefaultKeyManager {
  holdsOtherDescriptor(channelId: string, signature: string): boolean;
}

export function directoryRoutes(svc: Services, grants: () => RoleGrants, defaultKeyManager: () => DefaultKeyManager): Route[] {
  return [
    implement(api, 'registerChannel', {
      handler: async ({ principal, body }) => {
        const device = await deviceById(svc.db, principal.deviceId);
        if (!device || device.revoked_at !== null) throw new Unauthorized('device revoked', 'device_revoked');
        const accountKey = bytesOf(parseDeviceCertificate(JSON.parse(device.certificate) as unknown).accountKey);
        let descriptor;
        try {
          descriptor = await verifyDescriptor(svc.crypto, body.descriptor, { accountKey });
        } catch (err) {
          if (err instanceof DescriptorError) throw new Unprocessable(err.message, err.code);
          throw err;
        }
        if (descriptor.creator.userId !== principal.userId) throw new Forbidden('only the creator lists a channel', 'not_channel_creator');
        if (defaultKeyManager().holdsOtherDescriptor(descriptor.channelId, descriptor.signature))
          throw new Conflict('the key manager holds another channel under this id', 'channel_id_taken');
        const listed = grants().list(descriptor.channelId, principal.userId, JSON.stringify(descriptor), svc.now());
        if (listed === 'taken') throw new Conflict('another user owns this channel id', 'channel_id_taken');
        if (listed === 'already') throw new Conflict('this channel is listed already', 'already_listed');
        return { channelId: descriptor.channelId };
      },
    }),
    implement(api, 'listChannels', {
      handler: async ({ principal }) => {
        const store = grants();
        const roles = new Set(await rolesOfUser(svc.db, store, principal.userId));
        const channels = store.listed().map((json) => {
          const descriptor = ChannelDescriptorSchema.parse(JSON.parse(json));
          return {
            descriptor,
            owner: descriptor.creator.userId === principal.userId,
            subscriber: roles.has(subscriberRole(descriptor.channelId)),
            publisher: roles.has(publisherRole(descriptor.channelId)),
          };
        });
        return { channels };
      },
    }),
  ];
}
