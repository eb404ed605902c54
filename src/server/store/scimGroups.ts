/**
 * Groups provisioned by the organisation's identity provider over SCIM (scim/scimGroups.ts), their members,
 * and the broadcast roles an operator mapped to each group (docs/operations.md "Groups and broadcast
 * roles"). A group is a directory fact, not an encrypted membership: it feeds role claims only
 * (claims/groupRoles.ts) and never adds anyone to a conversation.
 */
import type { Queryable } from '../db/db';

export interface ScimGroupRow {
  readonly id: string;
  readonly display_name: string;
  readonly external_id: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

const COLUMNS = 'id, display_name, external_id, created_at, updated_at';

/** The unique key of a display name: case-insensitive, as SCIM filters compare it. */
export function displayKey(displayName: string): string {
  return displayName.trim().toLowerCase();
}

export async function insertScimGroup(q: Queryable, g: Omit<ScimGroupRow, 'created_at' | 'updated_at'>, now: number): Promise<void> {
  await q.run('INSERT INTO scim_groups (id, display_name, display_key, external_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [
    g.id,
    g.display_name,
    displayKey(g.display_name),
    g.external_id,
    now,
    now,
  ]);
}

export async function updateScimGroup(q: Queryable, id: string, g: Pick<ScimGroupRow, 'display_name' | 'external_id'>, now: number): Promise<void> {
  await q.run('UPDATE scim_groups SET display_name = ?, display_key = ?, external_id = ?, updated_at = ? WHERE id = ?', [
    g.display_name,
    displayKey(g.display_name),
    g.external_id,
    now,
    id,
  ]);
}

/** Deletes the group, its members and its role mappings. */
export async function deleteScimGroup(q: Queryable, id: string): Promise<void> {
  await q.run('DELETE FROM scim_group_members WHERE group_id = ?', [id]);
  await q.run('DELETE FROM scim_group_roles WHERE group_id = ?', [id]);
  await q.run('DELETE FROM scim_groups WHERE id = ?', [id]);
}

export function scimGroupById(q: Queryable, id: string): Promise<ScimGroupRow | undefined> {
  return q.one<ScimGroupRow>(`SELECT ${COLUMNS} FROM scim_groups WHERE id = ?`, [id]);
}

export function scimGroupByName(q: Queryable, displayName: string): Promise<ScimGroupRow | undefined> {
  return q.one<ScimGroupRow>(`SELECT ${COLUMNS} FROM scim_groups WHERE display_key = ?`, [displayKey(displayName)]);
}

export async function scimGroupsPage(q: Queryable, limit: number, offset: number): Promise<{ rows: ScimGroupRow[]; total: number }> {
  const rows = await q.all<ScimGroupRow>(`SELECT ${COLUMNS} FROM scim_groups ORDER BY display_key, id LIMIT ? OFFSET ?`, [limit, offset]);
  const total = await q.one<{ n: number | string }>('SELECT count(*) AS n FROM scim_groups');
  return { rows, total: Number(total?.n ?? 0) };
}

/** Member user ids with their display names (SCIM `display`), in id order. */
export function groupMembers(q: Queryable, groupId: string): Promise<{ user_id: string; display_name: string }[]> {
  return q.all<{ user_id: string; display_name: string }>(
    'SELECT m.user_id, u.display_name FROM scim_group_members m JOIN users u ON u.id = m.user_id WHERE m.group_id = ? ORDER BY m.user_id',
    [groupId],
  );
}

/** Adds a member; false when they were one already. */
export async function addGroupMember(q: Queryable, groupId: string, userId: string, now: number): Promise<boolean> {
  return (await q.run('INSERT INTO scim_group_members (group_id, user_id, added_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [groupId, userId, now])) > 0;
}

/** Removes a member; false when they were not one. */
export async function removeGroupMember(q: Queryable, groupId: string, userId: string): Promise<boolean> {
  return (await q.run('DELETE FROM scim_group_members WHERE group_id = ? AND user_id = ?', [groupId, userId])) > 0;
}

/** Takes a (SCIM-deleted) user out of every group. */
export async function removeUserFromGroups(q: Queryable, userId: string): Promise<number> {
  return q.run('DELETE FROM scim_group_members WHERE user_id = ?', [userId]);
}

/** The broadcast roles mapped to a group, sorted. */
export async function groupRoles(q: Queryable, groupId: string): Promise<string[]> {
  return (await q.all<{ role: string }>('SELECT role FROM scim_group_roles WHERE group_id = ? ORDER BY role', [groupId])).map((r) => r.role);
}

export async function mapGroupRole(q: Queryable, groupId: string, role: string, actor: string, now: number): Promise<boolean> {
  return (
    (await q.run('INSERT INTO scim_group_roles (group_id, role, created_at, created_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING', [
      groupId,
      role,
      now,
      actor,
    ])) > 0
  );
}

export async function unmapGroupRole(q: Queryable, groupId: string, role: string): Promise<boolean> {
  return (await q.run('DELETE FROM scim_group_roles WHERE group_id = ? AND role = ?', [groupId, role])) > 0;
}

/**
 * The broadcast roles a user holds through the groups they are a member of, sorted and distinct; none for a
 * deactivated account (its claims are refused anyway, this keeps every caller on the safe side) unless
 * `includeDeactivated` (offboarding asks what the account could reach).
 */
export async function groupRolesOfUser(q: Queryable, userId: string, opts: { includeDeactivated?: boolean } = {}): Promise<string[]> {
  const rows = await q.all<{ role: string }>(
    `SELECT DISTINCT r.role FROM scim_group_members m
       JOIN scim_group_roles r ON r.group_id = m.group_id
       JOIN users u ON u.id = m.user_id
     WHERE m.user_id = ?${opts.includeDeactivated === true ? '' : ' AND u.deactivated_at IS NULL'}
     ORDER BY r.role`,
    [userId],
  );
  return rows.map((r) => r.role);
}

/**
 * Records that a deactivated account's broadcast access must be withdrawn (admin/broadcastOffboarding.ts).
 * A previous withdrawal whose revocations were never lifted keeps its `detail`, so they are lifted together later.
 */
export async function requestBroadcastWithdrawal(q: Queryable, userId: string, now: number): Promise<void> {
  await q.run(
    `INSERT INTO broadcast_withdrawals (user_id, requested_at, done_at, detail, restore_requested_at, restored_at) VALUES (?, ?, NULL, NULL, NULL, NULL)
     ON CONFLICT (user_id) DO UPDATE SET requested_at = excluded.requested_at, done_at = NULL,
       detail = CASE WHEN broadcast_withdrawals.restored_at IS NULL THEN broadcast_withdrawals.detail ELSE NULL END,
       restore_requested_at = NULL, restored_at = NULL`,
    [userId, now],
  );
}

/**
 * Records that a reactivated account's offboarding revocations at the key manager are to be lifted
 * (nothing when it had no withdrawal).
 */
export async function requestBroadcastRestore(q: Queryable, userId: string, now: number): Promise<void> {
  await q.run('UPDATE broadcast_withdrawals SET restore_requested_at = ?, restored_at = NULL WHERE user_id = ?', [now, userId]);
}

/** Settled withdrawals whose account was reactivated since: the channels they rotated (`detail`). */
export function pendingBroadcastRestores(q: Queryable): Promise<{ user_id: string; detail: string | null }[]> {
  return q.all<{ user_id: string; detail: string | null }>(
    'SELECT user_id, detail FROM broadcast_withdrawals WHERE done_at IS NOT NULL AND restore_requested_at IS NOT NULL AND restored_at IS NULL ORDER BY user_id',
  );
}

export async function finishBroadcastRestore(q: Queryable, userId: string, now: number): Promise<boolean> {
  return (
    (await q.run('UPDATE broadcast_withdrawals SET restored_at = ? WHERE user_id = ? AND restore_requested_at IS NOT NULL AND restored_at IS NULL', [
      now,
      userId,
    ])) > 0
  );
}

export function pendingBroadcastWithdrawals(q: Queryable): Promise<{ user_id: string; detail: string | null }[]> {
  return q.all<{ user_id: string; detail: string | null }>(
    'SELECT user_id, detail FROM broadcast_withdrawals WHERE done_at IS NULL ORDER BY requested_at, user_id',
  );
}

export async function finishBroadcastWithdrawal(q: Queryable, userId: string, now: number, detail: Record<string, unknown>): Promise<boolean> {
  return (
    (await q.run('UPDATE broadcast_withdrawals SET done_at = ?, detail = ? WHERE user_id = ? AND done_at IS NULL', [now, JSON.stringify(detail), userId])) > 0
  );
}
