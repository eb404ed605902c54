/**
 * Accounts provisioned by the organisation's identity provider over SCIM (scim/scim.ts): the SCIM
 * `userName` (lower-case, unique), `externalId`, display name and emails as the provider sent them, and
 * whether the provider deleted the user (the account stays, deactivated, so old messages keep a name).
 */
import type { Queryable } from '../db/db';

export interface ScimUserRow {
  readonly user_id: string;
  readonly user_name: string;
  readonly external_id: string | null;
  readonly display_name: string;
  /** JSON array of `{value, type?, primary?}`. */
  readonly emails: string;
  readonly created_at: number;
  readonly updated_at: number;
  readonly deleted_at: number | null;
}

const COLUMNS = 'user_id, user_name, external_id, display_name, emails, created_at, updated_at, deleted_at';

export async function insertScimUser(q: Queryable, r: Omit<ScimUserRow, 'created_at' | 'updated_at' | 'deleted_at'>, now: number): Promise<void> {
  await q.run(`INSERT INTO scim_users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`, [
    r.user_id,
    r.user_name.toLowerCase(),
    r.external_id,
    r.display_name,
    r.emails,
    now,
    now,
  ]);
}

export async function updateScimUser(
  q: Queryable,
  userId: string,
  r: Pick<ScimUserRow, 'user_name' | 'external_id' | 'display_name' | 'emails'>,
  now: number,
): Promise<void> {
  await q.run('UPDATE scim_users SET user_name = ?, external_id = ?, display_name = ?, emails = ?, updated_at = ? WHERE user_id = ?', [
    r.user_name.toLowerCase(),
    r.external_id,
    r.display_name,
    r.emails,
    now,
    userId,
  ]);
}

export async function markScimUserDeleted(q: Queryable, userId: string, now: number): Promise<void> {
  await q.run('UPDATE scim_users SET deleted_at = ?, updated_at = ? WHERE user_id = ? AND deleted_at IS NULL', [now, now, userId]);
}

export function scimUserById(q: Queryable, userId: string): Promise<ScimUserRow | undefined> {
  return q.one<ScimUserRow>(`SELECT ${COLUMNS} FROM scim_users WHERE user_id = ?`, [userId]);
}

export function scimUserByUserName(q: Queryable, userName: string): Promise<ScimUserRow | undefined> {
  return q.one<ScimUserRow>(`SELECT ${COLUMNS} FROM scim_users WHERE user_name = ?`, [userName.toLowerCase()]);
}

/** Live (not deleted) provisioned users by userName, a page from `offset`; and how many there are. */
export async function scimUsersPage(q: Queryable, limit: number, offset: number): Promise<{ rows: ScimUserRow[]; total: number }> {
  const rows = await q.all<ScimUserRow>(`SELECT ${COLUMNS} FROM scim_users WHERE deleted_at IS NULL ORDER BY user_name LIMIT ? OFFSET ?`, [limit, offset]);
  const total = await q.one<{ n: number | string }>('SELECT count(*) AS n FROM scim_users WHERE deleted_at IS NULL');
  return { rows, total: Number(total?.n ?? 0) };
}
