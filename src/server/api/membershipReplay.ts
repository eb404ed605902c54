/**
 * The membership state of a stored chain (docs/protocol.md §15.3): the rules of membershipRules.ts
 * replayed over the statements as stored. Each was checked (position, signature, rules) before it was
 * stored, so the replay trusts the stored hashes and signatures and only recomputes who is a member, with
 * which role and since which seq — the state the next statement is checked against, the same state every
 * client computes from the same chain.
 */
import { applyMembership, genesisState, type MembershipState } from '../../common/protocol/membershipRules';
import type { MembershipStatement } from '../../common/protocol/membershipStatement';
import type { StatementRow } from '../store/membershipStatements';

/** The state after the last stored statement; null for a conversation without a chain. */
export function replayChain(rows: readonly StatementRow[]): MembershipState | null {
  let state: MembershipState | null = null;
  for (const row of rows) {
    const statement = JSON.parse(row.statement) as MembershipStatement;
    state = state === null ? genesisState(statement, row.hash) : applyMembership(state, statement, row.hash);
  }
  return state;
}
