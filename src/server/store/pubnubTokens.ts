/**
 * PubNub Access Manager tokens the service granted (docs/api.md, "PubNub"): kept so that removing a member
 * or revoking a device can revoke every live token of that user. Tokens are bearer credentials for
 * PubNub only and expire on their own (ttl). The outbox refers to a token by its id, never copies it.
 */
import type { Queryable } from '../db/db';

export interface PubnubTokenRow {
  readonly id: string;
  readonly token: string;
  readonly expires_at: number;
}

export async function insertPubnubToken(q: Queryable, t: { id: string; userId: string; token: string; expiresAt: number }, now: number): Promise<void> {
  await q.run('INSERT INTO pubnub_tokens (id, user_id, token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [t.id, t.userId, t.token, now, t.expiresAt]);
}

/**
 * Marks the user's live tokens revoked and returns them. `revoked_at` records the decision; the revocation
 * at PubNub goes through the outbox (src/server/pubnub/outbox.ts), recorded in the same transaction.
 */
export async function takeLiveTokens(q: Queryable, userId: string, now: number): Promise<PubnubTokenRow[]> {
  const rows = await q.all<PubnubTokenRow>('SELECT id, token, expires_at FROM pubnub_tokens WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?', [
    userId,
    now,
  ]);
  await q.run('UPDATE pubnub_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [now, userId]);
  return rows;
}

/** Marks one token revoked; returns it (or undefined when unknown). */
export async function takeToken(q: Queryable, id: string, now: number): Promise<PubnubTokenRow | undefined> {
  await q.run('UPDATE pubnub_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [now, id]);
  return q.one<PubnubTokenRow>('SELECT id, token, expires_at FROM pubnub_tokens WHERE id = ?', [id]);
}

/** The tokens with these ids (the outbox resolves a revocation's token when it delivers it). */
export async function tokensWithIds(q: Queryable, ids: readonly string[]): Promise<PubnubTokenRow[]> {
  if (ids.length === 0) return [];
  const list = q.dialect === 'postgres' ? 'SELECT jsonb_array_elements_text(CAST(? AS JSONB))' : 'SELECT value FROM json_each(?)';
  return q.all<PubnubTokenRow>(`SELECT id, token, expires_at FROM pubnub_tokens WHERE id IN (${list})`, [JSON.stringify(ids)]);
}
