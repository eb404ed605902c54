/**
 * IPC schemas for broadcast channels (docs/broadcast.md §8.1): channel and message views, and
 * the arguments of the broadcast channels of the contract. Views carry ids, names, the key manager URL,
 * roles, key versions and message text or a typed not-readable state — never keys.
 */
import { z } from 'zod';
import { ChannelRoleKindSchema } from '../../domain';
import { ChannelIdSchema, UserIdSchema } from '../../ids';

/** http(s) base URL of a key manager (docs/broadcast.md §3: no query, fragment or trailing slash). */
export const keyManagerUrlSchema = z
  .string()
  .trim()
  .max(2048)
  .regex(/^https?:\/\/[^\s/?#@]+(\/[^\s?#]*[^\s?#/])?$/, 'an http(s) URL without query, fragment, credentials or trailing slash');

export const broadcastChannelSchema = z.object({
  channelId: ChannelIdSchema,
  name: z.string(),
  /** The key manager holding the channel keys: it can read the channel (show it before following). */
  keyManagerUrl: z.string(),
  creatorUserId: UserIdSchema,
  owner: z.boolean(),
  subscriber: z.boolean(),
  publisher: z.boolean(),
  following: z.boolean(),
});
export type BroadcastChannelSummary = z.infer<typeof broadcastChannelSchema>;

const messageBase = { channelId: ChannelIdSchema, timetoken: z.string(), keyVersion: z.number().int().min(1).nullable() };

/** A delivered message: opened (text), not readable (typed code, e.g. `subscriber_revoked`), or not opened yet. */
export const broadcastMessageSchema = z.discriminatedUnion('state', [
  z.object({
    ...messageBase,
    state: z.literal('opened'),
    senderDevice: z.string(),
    sentAt: z.number(),
    type: z.enum(['string', 'json', 'binary']),
    /** A string body as is, JSON as JSON text, binary as base64. */
    text: z.string(),
  }),
  z.object({ ...messageBase, state: z.literal('notReadable'), errorCode: z.string() }),
  z.object({ ...messageBase, state: z.literal('sealed') }),
]);
export type BroadcastMessage = z.infer<typeof broadcastMessageSchema>;

export const channelMessagesSchema = z.object({ channelId: ChannelIdSchema, messages: z.array(broadcastMessageSchema) });

export const createChannelArgsSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** Default: the key service's own key manager (`<server>/km`). */
  keyManagerUrl: keyManagerUrlSchema.optional(),
});

export const followChannelArgsSchema = z.strictObject({
  channelId: ChannelIdSchema,
  /** Default: as the directory lists the channel. */
  keyManagerUrl: keyManagerUrlSchema.optional(),
});

export const channelMessagesArgsSchema = z.strictObject({
  channelId: ChannelIdSchema,
  /** How many of the newest unopened messages to open (verify and decrypt) now; 0 opens none. */
  open: z.number().int().min(0).max(500).default(50),
});

export const publishArgsSchema = z.strictObject({ channelId: ChannelIdSchema, text: z.string().min(1).max(16_000) });
export const publishResultSchema = z.object({ channelId: ChannelIdSchema, timetoken: z.string() });

export const channelRoleArgsSchema = z.strictObject({
  channelId: ChannelIdSchema,
  userId: UserIdSchema,
  role: ChannelRoleKindSchema,
  granted: z.boolean(),
});

export const revokeSubscriberArgsSchema = z.strictObject({ channelId: ChannelIdSchema, userId: UserIdSchema });
export const revokeResultSchema = z.object({ channelId: ChannelIdSchema, userId: UserIdSchema, keyVersion: z.number().int().min(2) });
