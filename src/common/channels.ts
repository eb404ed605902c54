/**
 * PubNub channel names and the control notices the key service publishes (DESIGN.md §4, docs/api.md
 * "PubNub"). This is the one place channel names are spelled: `conv.<conversationId>` carries a
 * conversation's encrypted messages, `bcast.<channelId>` a broadcast channel's, and `inbox.<userId>`
 * the server's control notices to one user. Every id is `[A-Za-z0-9_-]{8,64}`, so names need no escaping.
 */
import { z } from 'zod';
import { ConversationIdSchema, UserIdSchema } from './ids';

export const CONVERSATION_PREFIX = 'conv.';
export const BROADCAST_PREFIX = 'bcast.';
export const INBOX_PREFIX = 'inbox.';

export function conversationChannel(conversationId: string): string {
  return `${CONVERSATION_PREFIX}${conversationId}`;
}

export function broadcastChannel(channelId: string): string {
  return `${BROADCAST_PREFIX}${channelId}`;
}

export function inboxChannel(userId: string): string {
  return `${INBOX_PREFIX}${userId}`;
}

/** Why a conversation needs a new key version before anyone sends again. */
export const RotationReasonSchema = z.enum(['member_removed', 'member_left', 'device_revoked']);
export type RotationReason = z.infer<typeof RotationReasonSchema>;

const base = { v: z.literal(1), sentAt: z.number().int().min(0) };

/**
 * A control notice on `inbox.<userId>`. Notices carry no secrets; each tells the client what to
 * re-fetch from the key service: the conversation list, a new key version, or a new PubNub token.
 */
export const ControlNoticeSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('member_added'), conversationId: ConversationIdSchema, userId: UserIdSchema }),
  z.object({ ...base, type: z.literal('member_removed'), conversationId: ConversationIdSchema, userId: UserIdSchema }),
  z.object({ ...base, type: z.literal('rotation_needed'), conversationId: ConversationIdSchema, reason: RotationReasonSchema }),
  z.object({ ...base, type: z.literal('key_version'), conversationId: ConversationIdSchema, version: z.number().int().min(1) }),
  z.object({ ...base, type: z.literal('access_changed') }),
]);
export type ControlNotice = z.infer<typeof ControlNoticeSchema>;

/** A notice without the envelope fields the publisher fills in. */
export type ControlNoticeBody = ControlNotice extends infer N ? (N extends ControlNotice ? Omit<N, 'v' | 'sentAt'> : never) : never;
