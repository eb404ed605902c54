/**
 * What follows when someone leaves a conversation or is removed (docs/api.md "Conversations and members"):
 * the conversation is marked `needsRotation`, the departed user's PubNub tokens are revoked so their next
 * token no longer names its channel, and both they and the remaining members are told — effects recorded in
 * the durable outbox with the transaction.
 */
import type { ConversationId, UserId } from '../../common/ids';
import type { Queryable } from '../db/db';
import type { Effects } from '../pubnub/effects';
import { markNeedsRotation, memberIds } from '../store/conversations';
import { takeLiveTokens } from '../store/pubnubTokens';

export type DepartureReason = 'member_removed' | 'member_left';

/** Marks the rotation and adds the revocations and notices for `userId`, already removed from the table, to `effects`. */
export async function departed(q: Queryable, effects: Effects, conversationId: string, userId: string, reason: DepartureReason, now: number): Promise<void> {
  const conversation = conversationId as ConversationId;
  await markNeedsRotation(q, conversationId, reason, now);
  effects.revoke(await takeLiveTokens(q, userId, now));
  effects.notify([userId], { type: 'member_removed', conversationId: conversation, userId: userId as UserId });
  effects.notify([userId], { type: 'access_changed' });
  const others = await memberIds(q, conversationId);
  effects.notify(others, { type: 'member_removed', conversationId: conversation, userId: userId as UserId });
  effects.notify(others, { type: 'rotation_needed', conversationId: conversation, reason });
}
