/**
 * Device-session challenges (docs/protocol.md §16, docs/api.md "Sessions"): each is stored with its nonce
 * and expiry and may be spent once. Spending is a conditional update, so two answers to one challenge
 * cannot both open a session; any answer spends it, right or wrong. Expired rows are swept when new ones
 * are issued.
 */
import type { Queryable } from '../db/db';

export interface ChallengeRow {
  readonly id: string;
  readonly nonce: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly used_at: number | null;
}

export async function insertChallenge(q: Queryable, c: { id: string; nonce: string; expiresAt: number }, now: number): Promise<void> {
  await q.run('INSERT INTO auth_challenges (id, nonce, created_at, expires_at) VALUES (?, ?, ?, ?)', [c.id, c.nonce, now, c.expiresAt]);
}

/** Removes challenges that expired before `before` (used or not). */
export async function sweepChallenges(q: Queryable, before: number): Promise<void> {
  await q.run('DELETE FROM auth_challenges WHERE expires_at < ?', [before]);
}

export function challengeById(q: Queryable, id: string): Promise<ChallengeRow | undefined> {
  return q.one<ChallengeRow>('SELECT id, nonce, created_at, expires_at, used_at FROM auth_challenges WHERE id = ?', [id]);
}

/** Marks an unused challenge used; false when it had been used already. */
export async function spendChallenge(q: Queryable, id: string, now: number): Promise<boolean> {
  return (await q.run('UPDATE auth_challenges SET used_at = ? WHERE id = ? AND used_at IS NULL', [now, id])) === 1;
}
