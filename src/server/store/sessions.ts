/**
 * Refresh-token families (docs/api.md, "Accounts and sessions": presenting a spent refresh token revokes
 * the family): a session is one login; each refresh token is stored only as its SHA-256 and may be used
 * once. Marking a token used is a conditional update, so two concurrent refreshes with the same token
 * cannot both succeed.
 */
import type { Queryable } from '../db/db';

export interface SessionRow {
  readonly id: string;
  readonly user_id: string;
  readonly device_id: string | null;
  readonly expires_at: number;
  readonly revoked_at: number | null;
}

export async function insertSession(q: Queryable, s: { id: string; userId: string; deviceId: string | null; expiresAt: number }, now: number): Promise<void> {
  await q.run('INSERT INTO sessions (id, user_id, device_id, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?)', [
    s.id,
    s.userId,
    s.deviceId,
    now,
    s.expiresAt,
    now,
  ]);
}

/** Records that the session got a token now (sign-in, refresh): its "last used" in the sessions list. */
export async function touchSession(q: Queryable, id: string, now: number): Promise<void> {
  await q.run('UPDATE sessions SET last_used_at = ? WHERE id = ?', [now, id]);
}

export async function insertRefreshToken(q: Queryable, hash: string, sessionId: string, now: number): Promise<void> {
  await q.run('INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)', [hash, sessionId, now]);
}

export interface RefreshLookup extends SessionRow {
  readonly used_at: number | null;
  /** Why the session ended (`device_revoked`, `refresh_token_reused`, `logout`…), null while it lives. */
  readonly revoked_reason: string | null;
}

export function refreshTokenByHash(q: Queryable, hash: string): Promise<RefreshLookup | undefined> {
  return q.one<RefreshLookup>(
    `SELECT s.id, s.user_id, s.device_id, s.expires_at, s.revoked_at, s.revoked_reason, r.used_at
       FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id WHERE r.token_hash = ?`,
    [hash],
  );
}

/** Marks an unused token used; false when it had been used already. */
export async function markRefreshUsed(q: Queryable, hash: string, now: number): Promise<boolean> {
  return (await q.run('UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL', [now, hash])) === 1;
}

export async function revokeSession(q: Queryable, id: string, reason: string, now: number): Promise<void> {
  await q.run('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL', [now, reason, id]);
}

export async function revokeDeviceSessions(q: Queryable, deviceId: string, now: number): Promise<void> {
  await q.run("UPDATE sessions SET revoked_at = ?, revoked_reason = 'device_revoked' WHERE device_id = ? AND revoked_at IS NULL", [now, deviceId]);
}

/** Ends every live session of a user except `keepSessionId`; answers how many ended. */
export async function revokeOtherSessions(q: Queryable, userId: string, keepSessionId: string, reason: string, now: number): Promise<number> {
  return q.run('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL AND expires_at > ?', [
    now,
    reason,
    userId,
    keepSessionId,
    now,
  ]);
}

export interface LiveSessionRow {
  readonly id: string;
  readonly device_id: string | null;
  readonly device_name: string | null;
  readonly created_at: number;
  readonly last_used_at: number | null;
}

/** The user's sessions that have neither ended nor expired, oldest first. */
export function liveSessionsOfUser(q: Queryable, userId: string, now: number): Promise<LiveSessionRow[]> {
  return q.all<LiveSessionRow>(
    `SELECT s.id, s.device_id, d.name AS device_name, s.created_at, s.last_used_at
       FROM sessions s LEFT JOIN devices d ON d.id = s.device_id
      WHERE s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ? ORDER BY s.created_at, s.id`,
    [userId, now],
  );
}

/** One session of a user, live or not. */
export function sessionOfUser(q: Queryable, userId: string, sessionId: string): Promise<SessionRow | undefined> {
  return q.one<SessionRow>('SELECT id, user_id, device_id, expires_at, revoked_at FROM sessions WHERE id = ? AND user_id = ?', [sessionId, userId]);
}

export async function bindSessionDevice(q: Queryable, sessionId: string, deviceId: string): Promise<void> {
  await q.run('UPDATE sessions SET device_id = ? WHERE id = ?', [deviceId, sessionId]);
}

export interface PrincipalState {
  readonly session_revoked_at: number | null;
  readonly session_expires_at: number;
  readonly session_device_id: string | null;
  readonly device_revoked_at: number | null;
  readonly device_user_id: string | null;
}

/** What authenticating a request needs to know about its session and device. */
export function principalState(q: Queryable, sessionId: string, deviceId: string | null): Promise<PrincipalState | undefined> {
  return q.one<PrincipalState>(
    `SELECT s.revoked_at AS session_revoked_at, s.expires_at AS session_expires_at, s.device_id AS session_device_id,
            d.revoked_at AS device_revoked_at, d.user_id AS device_user_id
       FROM sessions s LEFT JOIN devices d ON d.id = ? WHERE s.id = ?`,
    [deviceId, sessionId],
  );
}

/** Ends every live session of a user (deactivation); answers how many ended. */
export async function revokeUserSessions(q: Queryable, userId: string, reason: string, now: number): Promise<number> {
  return q.run('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL', [now, reason, userId]);
}
