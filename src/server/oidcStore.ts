/**
 * Single sign-on tables (docs/api.md "Sign-in methods and single sign-on"): `sso_identities` maps an
 * (issuer, subject) to one account, and `sso_spent_tokens` remembers each presented ID token (by issuer,
 * subject and nonce) until it expires, so a token is accepted once.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './db/db';

export interface SsoIdentityRow {
  readonly issuer: string;
  readonly subject: string;
  readonly user_id: string;
  readonly email: string | null;
  readonly created_at: number;
}

export function ssoIdentity(q: Queryable, issuer: string, subject: string): Promise<SsoIdentityRow | undefined> {
  return q.one<SsoIdentityRow>('SELECT issuer, subject, user_id, email, created_at FROM sso_identities WHERE issuer = ? AND subject = ?', [issuer, subject]);
}

export async function insertSsoIdentity(q: Queryable, row: Omit<SsoIdentityRow, 'created_at'>, now: number): Promise<void> {
  await q.run('INSERT INTO sso_identities (issuer, subject, user_id, email, created_at) VALUES (?, ?, ?, ?, ?)', [
    row.issuer,
    row.subject,
    row.user_id,
    row.email,
    now,
  ]);
}

/** Records a presented ID token; false when it was presented before (a replay). Expired records are swept. */
export async function spendIdToken(q: Queryable, t: { issuer: string; subject: string; nonce: string; expiresAtMs: number }, now: number): Promise<boolean> {
  await q.run('DELETE FROM sso_spent_tokens WHERE expires_at < ?', [now]);
  const key = createHash('sha256').update(`${t.issuer}\n${t.subject}\n${t.nonce}`).digest('hex');
  if (await q.one('SELECT token_key FROM sso_spent_tokens WHERE token_key = ?', [key])) return false;
  await q.run('INSERT INTO sso_spent_tokens (token_key, expires_at) VALUES (?, ?)', [key, t.expiresAtMs]);
  return true;
}

/** The SSO identity linked to an account, if any (an account has at most one). */
export function ssoIdentityOfUser(q: Queryable, userId: string): Promise<SsoIdentityRow | undefined> {
  return q.one<SsoIdentityRow>('SELECT issuer, subject, user_id, email, created_at FROM sso_identities WHERE user_id = ?', [userId]);
}
