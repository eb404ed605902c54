/**
 * A conversation's membership chain as stored (docs/protocol.md §15, docs/api.md "Conversations and
 * members"): one row per signed statement, keyed by (conversation, seq), with its hash and its JSON exactly
 * as the acting device signed it. Rows are only ever appended, under the conversation's row lock; the
 * primary key refuses a second statement at one position.
 */
import type { MembershipHead } from '../../common/protocol/membershipHead';
import type { Queryable } from '../db/db';

export interface StatementRow {
  readonly seq: number;
  readonly hash: string;
  /** The statement's JSON (docs/protocol.md §15.1). */
  readonly statement: string;
}

export async function insertStatement(q: Queryable, conversationId: string, row: StatementRow, now: number): Promise<void> {
  await q.run('INSERT INTO membership_statements (conversation_id, seq, hash, statement, created_at) VALUES (?, ?, ?, ?, ?)', [
    conversationId,
    row.seq,
    row.hash,
    row.statement,
    now,
  ]);
}

/** The last statement's position, or null when the conversation has no chain (it predates statements). */
export async function membershipHead(q: Queryable, conversationId: string): Promise<MembershipHead | null> {
  const row = await q.one<{ seq: number; hash: string }>('SELECT seq, hash FROM membership_statements WHERE conversation_id = ? ORDER BY seq DESC LIMIT 1', [
    conversationId,
  ]);
  return row ? { seq: row.seq, hash: row.hash } : null;
}

/** Up to `limit` statements with a seq greater than `after`, ascending. */
export function statementsAfter(q: Queryable, conversationId: string, after: number, limit: number): Promise<StatementRow[]> {
  return q.all<StatementRow>('SELECT seq, hash, statement FROM membership_statements WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?', [
    conversationId,
    after,
    limit,
  ]);
}

/** The whole chain, ascending: what the rules are replayed over before a statement is appended. */
export function wholeChain(q: Queryable, conversationId: string): Promise<StatementRow[]> {
  return q.all<StatementRow>('SELECT seq, hash, statement FROM membership_statements WHERE conversation_id = ? ORDER BY seq', [conversationId]);
}
