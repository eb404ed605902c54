/**
 * The broadcast channel directory in the key service (docs/broadcast.md §2.1): a creator's device lists
 * the signed descriptor of a channel it created (verified against the device's account key; the creator
 * becomes the channel's owner for grants), and any signed-in user reads the list with the roles they
 * hold for each channel. The directory is for finding channels; who can read is still decided by the
 * key manager each descriptor names.
 */
import { z } from 'zod';
import { ChannelDescriptorSchema, verifyDescriptor } from '../../common/broadcast/descriptor';
import { DescriptorError } from '../../common/broadcast/errors';
import { publisherRole, subscriberRole } from '../../common/broadcast/roles';
import { parseDeviceCertificate } from '../../common/protocol/deviceCertificate';
import { bytesOf } from '../../common/protocol/wire';
import { Conflict, Forbidden, Unauthorized, Unprocessable } from '../http/httpErrors';
import { defineRoute, type Route } from '../http/route';
import type { Services } from '../services';
import { deviceById } from '../store/devices';
import type { RoleGrants } from './roleGrants';

const ListedChannelSchema = z.object({
  descriptor: ChannelDescriptorSchema,
  owner: z.boolean(),
  subscriber: z.boolean(),
  publisher: z.boolean(),
});

export function directoryRoutes(svc: Services, grants: () => RoleGrants): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/broadcast/directory',
      tag: 'broadcast',
      summary: 'List a channel you created (its descriptor signed by this device); you become its owner for grants',
      auth: 'device',
      body: z.strictObject({ descriptor: z.unknown() }),
      response: z.object({ channelId: z.string() }),
      status: 201,
      errors: [400, 401, 403, 409, 422],
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
        if (store.ownerOf(descriptor.channelId, principal.userId, svc.now()) !== principal.userId) throw new Conflict('another user owns this channel id', 'channel_id_taken');
        if (!store.list(descriptor.channelId, principal.userId, JSON.stringify(descriptor), svc.now())) throw new Conflict('this channel is listed already', 'already_listed');
        return { channelId: descriptor.channelId };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/broadcast/directory',
      tag: 'broadcast',
      summary: 'Listed channels, with the roles the caller holds on each',
      auth: 'user',
      response: z.object({ channels: z.array(ListedChannelSchema) }),
      errors: [401],
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
