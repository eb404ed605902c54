/**
 * Membership changes as transactions on a locked conversation (docs/api.md, "Conversations and members":
 * removing a member and leaving both mark the conversation `needsRotation`): each returns the effects to
 * publish after commit — notices to the members and, for the one who leaves, revocation of their PubNub
 * tokens so their next token no longer names the conversation's channel.
 */
import type { ConversationId, UserId } from '../../common/ids';
import type { Queryable } from '../db/db';
import { Effects } from '../pubnub/effects';
import { currentMembers, markNeedsRotation, memberIds, removeMember, setRole, type ConversationRow } from '../store/conversations';
import { takeLiveTokens } from '../store/pubnubTokens';

/** Removes `userId` (already checked to be a current member) and marks the conversation for rotation. */
export async function departMember(
  tx: Queryable,
  conversation: ConversationRow,
  userId: string,
  reason: 'member_removed' | 'member_left',
  now: number,
): Promise<Effects> {
  const effects = new Effects();
  const conversationId = conversation.id as ConversationId;
  await removeMember(tx, conversation.id, userId, now);
  const remaining = await currentMembers(tx, conversation.id);
  const wasOwner = !remaining.some((m) => m.role === 'owner');
  if (wasOwner && remaining.length > 0) {
    const heir = remaining.find((m) => m.role === 'admin') ?? remaining[0];
    if (heir) await setRole(tx, conversation.id, heir.user_id, 'owner');
  }
  await markNeedsRotation(tx, conversation.id, reason, now);
  effects.revoke(await takeLiveTokens(tx, userId, now));
  effects.notify([userId], { type: 'member_removed', conversationId, userId: userId as UserId });
  effects.notify([userId], { type: 'access_changed' });
  const others = await memberIds(tx, conversation.id);
  effects.notify(others, { type: 'member_removed', conversationId, userId: userId as UserId });
  effects.notify(others, { type: 'rotation_needed', conversationId, reason });
  return effects;
}
