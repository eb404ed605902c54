/**
 * Appending a membership statement (docs/api.md `appendMembership`, docs/protocol.md §15). On the locked
 * conversation, in this order, the first failure answered: the caller is a member (403), the statement is
 * the caller's (422 `actor_not_caller`), it extends the current head (409 `membership_conflict`: the client
 * re-reads and signs again), its signature verifies under the caller device's stored certificate (422),
 * the rules allow it (422 `membership_rule`; a migrated genesis must match the member table, 422
 * `migration_mismatch`), and for an add the user exists and the wraps are exactly the ones owed. The
 * statement, the members table and the wraps are written in one transaction; the effects (rotation needed,
 * token revocations, notices) are recorded in the durable outbox in the same transaction (docs/operations.md). A migrated genesis marks the conversation for
 * rotation, so the key used from then on is bound to the members it attests (docs/protocol.md §15.6).
 */
import type { GrantedWrap, ConversationView } from '../../common/api/conversationSchemas';
import type { ConversationId, UserId } from '../../common/ids';
import type { MembershipHead } from '../../common/protocol/membershipHead';
import { applyMembership, type MembershipState } from '../../common/protocol/membershipRules';
import type { MembershipChange, MembershipStatement } from '../../common/protocol/membershipStatement';
import type { Queryable } from '../db/db';
import { UniqueViolation } from '../db/dbErrors';
import { Conflict, Unprocessable } from '../http/httpErrors';
import type { DevicePrincipal } from '../http/route';
import { Effects } from '../pubnub/effects';
import type { Services } from '../services';
import { conversationById, currentMembers, markNeedsRotation, memberIds, type ConversationRow } from '../store/conversations';
import { insertStatement, wholeChain } from '../store/membershipStatements';
import { userById } from '../store/users';
import { lockAsMember } from './access';
import { storeAddedMemberWraps } from './addedMemberWraps';
import { conversationView } from './conversationViews';
import { departed } from './departure';
import { checkMigratedGenesis, stateOfGenesis } from './genesis';
import { syncMemberTable } from './memberTable';
import { replayChain } from './membershipReplay';
import { parseStatement, refusedAs422, requireCallerActs, verifyCallerSignature } from './statementChecks';

export interface AppendInput {
  readonly statement: unknown;
  readonly wraps?: readonly GrantedWrap[] | undefined;
}

/** 409 `membership_conflict` unless the statement is the one after `head` (a genesis when there is none). */
function checkPosition(s: MembershipStatement, head: MembershipHead | null): void {
  const seq = head === null ? 0 : head.seq + 1;
  const prev = head === null ? null : head.hash;
  if (s.seq !== seq || s.prev !== prev) {
    throw new Conflict(`the membership head is ${head === null ? 'empty' : `at ${head.seq}`}: sign the next statement after it`, 'membership_conflict');
  }
}

/** The state before the statement and after it, by the rules (a migrated genesis: the member table as it is). */
async function applyRules(
  q: Queryable,
  conversation: ConversationRow,
  before: MembershipState | null,
  s: MembershipStatement,
  hash: string,
): Promise<{ before: MembershipState; after: MembershipState }> {
  if (before !== null) return { before, after: await refusedAs422('membership statement', () => applyMembership(before, s, hash)) };
  const genesis = await stateOfGenesis(s, hash);
  checkMigratedGenesis(genesis, conversation, await currentMembers(q, conversation.id));
  return { before: genesis, after: genesis };
}

async function storeWraps(
  svc: Services,
  q: Queryable,
  conversation: ConversationRow,
  principal: DevicePrincipal,
  change: MembershipChange,
  input: AppendInput,
  now: number,
) {
  const wraps = input.wraps ?? [];
  if (change.type !== 'add') {
    if (wraps.length > 0) throw new Unprocessable('only a statement that adds a member carries wraps', 'wraps_mismatch');
    return;
  }
  if (!(await userById(q, change.userId))) throw new Unprocessable('no such user', 'unknown_user');
  await storeAddedMemberWraps(svc, q, conversation, principal, change.userId, wraps, now);
}

/** Checks and stores the statement; answers the conversation view after it and the effects to apply. */
export async function appendStatement(
  svc: Services,
  principal: DevicePrincipal,
  conversationId: string,
  input: AppendInput,
): Promise<{ view: ConversationView; effects: Effects }> {
  const statement = await parseStatement(input.statement);
  if (statement.conversationId !== conversationId) {
    throw new Unprocessable(`the statement is for conversation ${statement.conversationId}`, 'wrong_conversation');
  }
  try {
    return await svc.db.transaction(async (tx) => {
      const { conversation } = await lockAsMember(tx, conversationId, principal.userId);
      requireCallerActs(principal, statement);
      const chain = await wholeChain(tx, conversationId);
      const last = chain.at(-1);
      checkPosition(statement, last ? { seq: last.seq, hash: last.hash } : null);
      const hash = await verifyCallerSignature(svc, tx, principal, statement, conversationId);
      const { before, after } = await applyRules(tx, conversation, replayChain(chain), statement, hash);
      const now = svc.now();
      await storeWraps(svc, tx, conversation, principal, statement.change, input, now);
      await insertStatement(tx, conversationId, { seq: statement.seq, hash, statement: JSON.stringify(statement) }, now);
      const changes = await syncMemberTable(tx, conversation, before, after, now);
      // The key in use was shared before the members were attested: the next version is bound to the chain.
      if (statement.seq === 0) await markNeedsRotation(tx, conversationId, 'membership_migrated', now);
      const effects = new Effects();
      const members = await memberIds(tx, conversationId);
      for (const userId of changes.added) {
        effects.notify(members, { type: 'member_added', conversationId: conversationId as ConversationId, userId: userId as UserId });
      }
      // Adds and departures have their own notices; a role, history or timer change tells every member to re-read.
      if (statement.change.type === 'role' || statement.change.type === 'history' || statement.change.type === 'disappearing') {
        effects.notify(members, { type: 'membership_changed', conversationId: conversationId as ConversationId, seq: statement.seq });
      }
      const reason = statement.change.type === 'leave' ? 'member_left' : 'member_removed';
      for (const userId of changes.departed) await departed(tx, effects, conversationId, userId, reason, now);
      await svc.outbox.record(tx, effects);
      const row = await conversationById(tx, conversationId);
      if (!row) throw new Conflict('conversation vanished');
      return { view: await conversationView(tx, row), effects };
    });
  } catch (err) {
    if (err instanceof UniqueViolation) throw new Conflict('another statement took this position', 'membership_conflict');
    throw err;
  }
}
