/**
 * The genesis of a conversation's membership chain (docs/protocol.md §15.3, §15.6; docs/api.md
 * "Conversations and members"): a new conversation is created from its creator's signed genesis, and a
 * conversation made before statements existed gets a `migrated` genesis from its owner, which must list
 * exactly the members, roles, kind and history policy the key service already holds for it.
 */
import { genesisState, type MembershipState } from '../../common/protocol/membershipRules';
import type { MembershipStatement } from '../../common/protocol/membershipStatement';
import type { Queryable } from '../db/db';
import { Unprocessable } from '../http/httpErrors';
import type { DevicePrincipal } from '../http/route';
import type { Services } from '../services';
import type { ConversationRow, MemberRow } from '../store/conversations';
import { usersByIds } from '../store/users';
import { refusedAs422, requireCallerActs, verifyCallerSignature } from './statementChecks';

/** The state the genesis sets up (422 `membership_rule` when the rules refuse it). */
export function stateOfGenesis(genesis: MembershipStatement, hash: string): Promise<MembershipState> {
  return refusedAs422('genesis', () => genesisState(genesis, hash));
}

/**
 * Checks the genesis of a new conversation, in this order: made by the caller (actor_not_caller), not a
 * migrated one (migration_mismatch), the kind's shape (bad_direct, name_required), every member exists
 * (unknown_user), signed by the caller's device (protocol codes), the rules (membership_rule).
 */
export async function checkNewGenesis(
  svc: Services,
  q: Queryable,
  principal: DevicePrincipal,
  genesis: MembershipStatement,
  name: string | undefined,
): Promise<MembershipState> {
  requireCallerActs(principal, genesis);
  const change = genesis.change;
  if (change.type !== 'create') throw new Unprocessable('a conversation starts with a create statement', 'malformed');
  if (change.migrated === true) throw new Unprocessable('a migrated genesis is only for a conversation made before statements existed', 'migration_mismatch');
  if (change.kind === 'direct' && (change.members.length !== 2 || name !== undefined)) {
    throw new Unprocessable('a direct conversation has exactly one other member and no name', 'bad_direct');
  }
  if (change.kind === 'group' && name === undefined) throw new Unprocessable('a group conversation needs a name', 'name_required');
  const ids = change.members.map((m) => m.userId);
  if ((await usersByIds(q, ids)).length !== ids.length) throw new Unprocessable('some members do not exist', 'unknown_user');
  const hash = await verifyCallerSignature(svc, q, principal, genesis, genesis.conversationId);
  return stateOfGenesis(genesis, hash);
}

/** 422 `migration_mismatch` unless the migrated genesis' state is the conversation as the key service holds it. */
export function checkMigratedGenesis(state: MembershipState, conversation: ConversationRow, members: readonly MemberRow[]): void {
  if (!state.migrated) throw new Unprocessable('the genesis of an existing conversation must be marked migrated', 'migration_mismatch');
  if (state.kind !== conversation.kind) throw new Unprocessable(`the conversation is a ${conversation.kind} conversation`, 'migration_mismatch');
  if (state.historyPolicy !== conversation.history_policy) {
    throw new Unprocessable(`the conversation's history policy is ${conversation.history_policy}`, 'migration_mismatch');
  }
  const same = members.length === state.members.size && members.every((m) => state.members.get(m.user_id)?.role === m.role);
  if (!same) throw new Unprocessable('the genesis must list exactly the current members with their roles', 'migration_mismatch');
}
