/**
 * Accounts table access (docs/api.md, "Accounts and sessions"): usernames are stored lower-case and unique;
 * the password is only ever an argon2id hash; the identity key is the account's Ed25519 public key.
 */
import type { Queryable } from '../db/db';

export interface UserRow {
  readonly id: string;
  readonly username: string;
  readonly display_name: string;
  readonly password_hash: string;
  readonly identity_key: string | null;
  readonly created_at: number;
  /** Set while the account is deactivated (offboarding, docs/operations.md "Offboarding and the admin CLI"). */
  readonly deactivated_at: number | null;
}

const COLUMNS = 'id, username, display_name, password_hash, identity_key, created_at, deactivated_at';

export async function insertUser(q: Queryable, u: Omit<UserRow, 'created_at' | 'deactivated_at'>, now: number): Promise<void> {
  await q.run('INSERT INTO users (id, username, display_name, password_hash, identity_key, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
    u.id,
    u.username,
    u.display_name,
    u.password_hash,
    u.identity_key,
    now,
  ]);
}

export function userByName(q: Queryable, username: string): Promise<UserRow | undefined> {
  return q.one<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = ?`, [username]);
}

export function userById(q: Queryable, id: string): Promise<UserRow | undefined> {
  return q.one<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = ?`, [id]);
}

export async function usersByIds(q: Queryable, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  return q.all<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
}

/** Sets the identity key only if none is set; returns whether it was set. */
export async function setIdentityKey(q: Queryable, id: string, key: string): Promise<boolean> {
  return (await q.run('UPDATE users SET identity_key = ? WHERE id = ? AND identity_key IS NULL', [key, id])) === 1;
}

/** Directory search: usernames or display names containing `term` (case-insensitive), by username. */
export function searchUsers(q: Queryable, term: string, limit: number): Promise<UserRow[]> {
  const like = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return q.all<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username LIKE ? ESCAPE '\\' OR lower(display_name) LIKE ? ESCAPE '\\' ORDER BY username LIMIT ?`, [
    like,
    like,
    limit,
  ]);
}

/** Replaces the password hash (a password change, docs/api.md "Sessions"). */
export async function setPasswordHash(q: Queryable, id: string, hash: string): Promise<void> {
  await q.run('UPDATE users SET password_hash = ? WHERE id = ?', [hash, id]);
}

/** Marks the account deactivated at `at` (null: active again); answers whether it changed. */
export async function setDeactivated(q: Queryable, id: string, at: number | null): Promise<boolean> {
  const sql =
    at === null
      ? 'UPDATE users SET deactivated_at = NULL WHERE id = ? AND deactivated_at IS NOT NULL'
      : 'UPDATE users SET deactivated_at = ? WHERE id = ? AND deactivated_at IS NULL';
  return (await q.run(sql, at === null ? [id] : [at, id])) === 1;
}

/** Accounts by username, `limit` from `offset` (the admin CLI's list). */
export function listUsers(q: Queryable, limit: number, offset: number): Promise<UserRow[]> {
  return q.all<UserRow>(`SELECT ${COLUMNS} FROM users ORDER BY username LIMIT ? OFFSET ?`, [limit, offset]);
}
