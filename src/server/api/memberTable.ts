/**
 * The members table as the index of the membership chain (docs/api.md "Conversations and members"): the
 * queries (who may read, which devices a version must wrap, whose PubNub token names the channel) read the
 * table, and the table follows the chain — after each statement it is brought to the state the rules
 * computed (docs/protocol.md §15.3), in the same transaction that stores the statement.
 */
import type { MembershipState } from '../../common/protocol/membershipRules';
import type { Queryable } from '../db/db';
import { removeMember, setHistoryPolicy, setRole, upsertMember, type ConversationRow } from '../store/conversations';
import { entitledVersions } from './wrapRules';

export interface MemberChanges {
  readonly added: readonly string[];
  readonly departed: readonly string[];
}

/** Writes the members of a new conversation's genesis. */
export async function insertGenesisMembers(q: Queryable, conversationId: string, state: MembershipState, now: number): Promise<void> {
  for (const [userId, m] of state.members)
    await upsertMember(q, { conversation_id: conversationId, user_id: userId, role: m.role, joined_at: now, first_version: 1 });
}

/**
 * Brings the rows from `before` to `after`: members added (entitled by the history policy in force),
 * roles changed (an owner's successor included), members departed, the history policy.
 */
export async function syncMemberTable(
  q: Queryable,
  conversation: ConversationRow,
  before: MembershipState,
  after: MembershipState,
  now: number,
): Promise<MemberChanges> {
  const added: string[] = [];
  const departed: string[] = [];
  const { firstVersion } = entitledVersions(conversation);
  for (const [userId, m] of after.members) {
    const was = before.members.get(userId);
    if (!was) {
      await upsertMember(q, { conversation_id: conversation.id, user_id: userId, role: m.role, joined_at: now, first_version: firstVersion });
      added.push(userId);
    } else if (was.role !== m.role) {
      await setRole(q, conversation.id, userId, m.role);
    }
  }
  for (const userId of before.members.keys()) {
    if (after.members.has(userId)) continue;
    await removeMember(q, conversation.id, userId, now);
    departed.push(userId);
  }
  if (after.historyPolicy !== before.historyPolicy) await setHistoryPolicy(q, conversation.id, after.historyPolicy, now);
  return { added, departed };
}
