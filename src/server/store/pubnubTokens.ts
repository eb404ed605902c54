/**
 * PubNub Access Manager tokens the service granted (docs/api.md, "PubNub"): kept so that removing a member
 * or revoking a device can revoke every live token of that user. Tokens are bearer credentials for
 * PubNub only and expire on their own (ttl).
 */
import type { Queryable } from '../db/db';

export interface PubnubTokenRow {
  readonly id: string;
  readonly token: string;
}

export async function insertPubnubToken(q: Queryable, t: { id: string; userId: string; token: string; expiresAt: number }, now: number): Promise<void> {
  await q.run('INSERT INTO pubnub_tokens (id, user_id, token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [t.id, t.userId, t.token, now, t.expiresAt]);
}

/** Marks the user's live tokens revoked and returns them. */
export async function takeLiveTokens(q: Queryable, userId: string, now: number): Promise<PubnubTokenRow[]> {
  const rows = await q.all<PubnubTokenRow>('SELECT id, token FROM pubnub_tokens WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ?', [userId, now]);
  await q.run('UPDATE pubnub_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [now, userId]);
  return rows;
}
