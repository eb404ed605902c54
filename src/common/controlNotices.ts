/**
 * The control notices the key service publishes on a user's inbox PubNub channel (`inbox.<userId>`,
 * src/common/pubnubChannels.ts; docs/api.md, "PubNub"). Notices carry no secrets; each tells the client
 * what to re-fetch from the key service.
 */
import { z } from 'zod';
import { ConversationIdSchema, UserIdSchema } from './ids';

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
  /** A role or history-policy statement was appended (docs/protocol.md §15): re-read the conversation and its chain. */
  z.object({ ...base, type: z.literal('membership_changed'), conversationId: ConversationIdSchema, seq: z.number().int().min(0) }),
  /** A reset of this account was asked for, or cancelled (docs/protocol.md §18.9): re-read `GET /v1/account/reset`. */
  z.object({ ...base, type: z.literal('account_reset_changed') }),
]);
export type ControlNotice = z.infer<typeof ControlNoticeSchema>;

/** A notice without the envelope fields the publisher fills in. */
export type ControlNoticeBody = ControlNotice extends infer N ? (N extends ControlNotice ? Omit<N, 'v' | 'sentAt'> : never) : never;
