/**
 * The `rotation_needed` notices after a user's devices changed (a device revoked, an account reset,
 * deactivated or reactivated): each conversation's members are told, with the wire's reason
 * `device_revoked` (docs/api.md "Control notices"), so a member rotates it.
 */
import type { Queryable } from '../db/db';
import type { ConversationId } from '../../common/ids';
import { memberIds } from '../store/conversations';
import type { Effects } from './effects';

export async function rotationNotices(q: Queryable, effects: Effects, conversations: readonly string[]): Promise<void> {
  for (const conversationId of conversations) {
    effects.notify(await memberIds(q, conversationId), {
      type: 'rotation_needed',
      conversationId: conversationId as ConversationId,
      reason: 'device_revoked',
    });
  }
}
