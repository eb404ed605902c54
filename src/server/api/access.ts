/**
 * Authorization checks on conversations (docs/api.md, "Conversations and members"), so a removed member
 * gets nothing: the conversation must exist (404) and the caller must be a current member (403); role
 * checks follow owner > admin > member. Revoked devices never get this far (auth/authenticate.ts).
 */
import type { Queryable } from '../db/db';
import { Forbidden, NotFound } from '../http/httpErrors';
import type { Role } from '../../common/domain';
import { conversationById, lockConversation, memberOf, type ConversationRow, type MemberRow } from '../store/conversations';

export interface Membership {
  readonly conversation: ConversationRow;
  readonly member: MemberRow;
}

const RANK: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

export function atLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

async function check(q: Queryable, conversation: ConversationRow | undefined, userId: string, needed: Role): Promise<Membership> {
  if (!conversation) throw new NotFound('no such conversation');
  const member = await memberOf(q, conversation.id, userId);
  if (!member || member.removed_at !== null) throw new Forbidden('you are not a member of this conversation', 'not_a_member');
  if (!atLeast(member.role, needed)) throw new Forbidden(`this needs the ${needed} role`, 'role_required');
  return { conversation, member };
}

/** Reads the conversation and checks the caller's membership and role. */
export async function requireMember(q: Queryable, conversationId: string, userId: string, needed: Role = 'member'): Promise<Membership> {
  return check(q, await conversationById(q, conversationId), userId, needed);
}

/** Same, inside a write transaction: locks the conversation row first, serializing writes to it. */
export async function lockAsMember(q: Queryable, conversationId: string, userId: string, needed: Role = 'member'): Promise<Membership> {
  return check(q, await lockConversation(q, conversationId), userId, needed);
}
