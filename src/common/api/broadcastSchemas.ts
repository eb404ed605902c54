/**
 * Wire schemas of the key service's broadcast endpoints (docs/broadcast.md §2.1): role claims for a key
 * manager audience, the channel directory, and per-channel role grants.
 */
import { z } from 'zod';
import { ChannelDescriptorSchema, KeyManagerUrlSchema } from '../broadcast/descriptor';
import { ChannelRoleKindSchema } from '../domain';
import { ChannelIdSchema, UserIdSchema } from '../ids';

export const ClaimRequestBody = z.strictObject({ audience: KeyManagerUrlSchema });
export const ClaimSchema = z.object({ claim: z.string(), roles: z.array(z.string()) });

/** The descriptor is checked by the handler (signature, creator), not by the schema. */
export const ListChannelBody = z.strictObject({ descriptor: z.unknown() });
export const ListedChannelIdSchema = z.object({ channelId: z.string() });

export const ListedChannelSchema = z.object({
  descriptor: ChannelDescriptorSchema,
  owner: z.boolean(),
  subscriber: z.boolean(),
  publisher: z.boolean(),
});
export const ChannelListSchema = z.object({ channels: z.array(ListedChannelSchema) });

export const GrantParams = z.object({ channelId: ChannelIdSchema });
export const GrantBody = z.strictObject({ userId: UserIdSchema, kind: ChannelRoleKindSchema });
export const GrantedRoleSchema = z.object({ userId: UserIdSchema, role: z.string() });
export const WithdrawParams = z.object({ channelId: ChannelIdSchema, userId: UserIdSchema, kind: ChannelRoleKindSchema });
