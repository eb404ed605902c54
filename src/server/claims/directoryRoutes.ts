/**
 * The broadcast channel directory in the key service (docs/broadcast.md §2.1): a creator's device lists
 * the signed descriptor of a channel it created (verified against the device's account key; the creator
 * becomes the channel's owner for grants), and any signed-in user reads the list with the roles they
 * hold for each channel. The directory is for finding channels; who can read is still decided by the
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
import type { RoleGrants } from './roleGrants';

export function directoryRoutes(svc: Services, grants: () => RoleGrants): Route[] {
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
        const store = grants();
        if (store.ownerOf(descriptor.channelId, principal.userId, svc.now()) !== principal.userId)
          throw new Conflict('another user owns this channel id', 'channel_id_taken');
        if (!store.list(descriptor.channelId, principal.userId, JSON.stringify(descriptor), svc.now()))
          throw new Conflict('this channel is listed already', 'already_listed');
        return { channelId: descriptor.channelId };
      },
    }),
    implement(api, 'listChannels', {
      handler: async ({ principal }) => {
        const store = grants();
        const roles = new Set(store.rolesOf(principal.userId));
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
