/**
 * Account resets (docs/protocol.md §18.9, docs/api.md "Key backup"): the checks and writes of a reset — the
 * account's devices that are still signed in (a live session), the swap of the identity key, the retired
 * key backup — and one row per reset naming the identity key it replaced (migration 14).
 */
import type { Queryable } from '../db/db';

export interface ActiveDeviceRow {
  readonly id: string;
  readonly name: string;
}

/** The account's unrevoked devices that hold a session that has neither ended nor expired. */
export function activeDevicesOf(q: Queryable, userId: string, now: number): Promise<ActiveDeviceRow[]> {
  return q.all<ActiveDeviceRow>(
    `SELECT d.id, d.name FROM devices d
      WHERE d.user_id = ? AND d.revoked_at IS NULL
        AND EXISTS (SELECT 1 FROM sessions s WHERE s.device_id = d.id AND s.revoked_at IS NULL AND s.expires_at > ?)
      ORDER BY d.id`,
    [userId, now],
  );
}

/** Replaces the identity key only if it still is `old`; answers whether it was replaced. */
export async function replaceIdentityKey(q: Queryable, userId: string, old: string, key: string): Promise<boolean> {
  return (await q.run('UPDATE users SET identity_key = ? WHERE id = ? AND identity_key = ?', [key, userId, old])) === 1;
}

/**
 * Retires the account's key backup: every version, entry and restored wrap goes. The old identity's
 * recovery key then opens nothing (there is no backup, then one of the new identity it is not the key of),
 * and the new identity's first recovery key publishes backup version 1.
 */
export async function retireBackup(q: Queryable, userId: string): Promise<void> {
  await q.run('DELETE FROM key_backup_entries WHERE user_id = ?', [userId]);
  await q.run('DELETE FROM restored_wraps WHERE user_id = ?', [userId]);
  await q.run('DELETE FROM key_backups WHERE user_id = ?', [userId]);
}

export interface AccountResetRow {
  readonly user_id: string;
  readonly reset_at: number;
  readonly old_identity_key: string;
  readonly new_identity_key: string;
  readonly session_id: string;
  readonly device_id: string;
}

export async function insertAccountReset(q: Queryable, r: AccountResetRow): Promise<void> {
  await q.run('INSERT INTO account_resets (user_id, reset_at, old_identity_key, new_identity_key, session_id, device_id) VALUES (?, ?, ?, ?, ?, ?)', [
    r.user_id,
    r.reset_at,
    r.old_identity_key,
    r.new_identity_key,
    r.session_id,
    r.device_id,
  ]);
}

/** Whether the account was reset after `version` of the conversation was accepted: its devices can never get a wrap of it. */
export async function lostInReset(q: Queryable, userId: string, conversationId: string, version: number): Promise<boolean> {
  const row = await q.one<{ n: number }>(
    `SELECT COUNT(*) AS n FROM account_resets r JOIN key_versions v ON v.conversation_id = ? AND v.version = ?
      WHERE r.user_id = ? AND r.reset_at >= v.created_at`,
    [conversationId, version, userId],
  );
  return Number(row?.n ?? 0) > 0;
}
