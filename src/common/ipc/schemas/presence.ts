/**
 * IPC schemas for presence (docs/messaging.md "Presence"; docs/protocol.md §7.8): the presence settings the
 * renderer's SDK runs with, a status to seal, and what opening a peer's presence state answered.
 */
import { z } from 'zod';
import { ConversationIdSchema, UserIdSchema } from '../../ids';
import { AVAILABILITIES, MAX_STATUS_TEXT } from '../../protocol/presenceStatus';
import { envelopeJsonSchema } from './messages';

/** A status as the renderer asks for it. */
export const presenceStatusSchema = z.strictObject({ availability: z.enum(AVAILABILITIES), text: z.string().max(MAX_STATUS_TEXT) });

/**
 * `presenceConfig()`: whether presence runs (the `presenceEnabled` policy) and its timing: the SDK's
 * `presenceTimeout` and `heartbeatInterval` (seconds; at most one heartbeat a minute outside tests) and
 * how long without input makes this user away.
 */
export const presenceConfigSchema = z.strictObject({
  enabled: z.boolean(),
  timeoutSeconds: z.number().int().min(20).max(320),
  heartbeatSeconds: z.number().int().min(0).max(320),
  awayAfterSeconds: z.number().int().min(1).max(86_400),
});
export type PresenceConfig = z.infer<typeof presenceConfigSchema>;

/** `sealPresence(conversationId, status)`. */
export const sealPresenceArgsSchema = z.tuple([ConversationIdSchema, presenceStatusSchema]);

/** `openPresence(conversationId, envelope, stateOf)`: `stateOf` is the PubNub user id whose state held it. */
export const openPresenceArgsSchema = z.tuple([ConversationIdSchema, envelopeJsonSchema, UserIdSchema]);

/** A verified status, or the code it was refused with (never shown). */
export const presenceOpenViewSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ok'), status: presenceStatusSchema, sentAt: z.number().int().min(0) }),
  z.strictObject({ kind: z.literal('rejected'), code: z.string().max(64), message: z.string().max(500) }),
]);
export type PresenceOpenView = z.infer<typeof presenceOpenViewSchema>;
