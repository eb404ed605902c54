/**
 * Key-backup tables (docs/protocol.md §18, docs/api.md "Key backup"): per account, one row per backup
 * version with its public key and — for the current version only — the account-signed descriptor holding
 * the identity key encrypted under a key derived from the recovery key; and the device-signed entries of
 * the current version, each an HPKE ciphertext to the backup key. Nothing here opens without the recovery key.
 */
import type { Queryable } from '../db/db';

export interface KeyBackupRow {
  readonly user_id: string;
  readonly backup_version: number;
  readonly backup_key: string;
  readonly descriptor: string | null;
  readonly created_at: number;
}

export interface BackupEntryRow {
  readonly id: number;
  readonly entry: string;
}

/** Every backup version of an account, newest first. */
export function backupsOf(q: Queryable, userId: string): Promise<KeyBackupRow[]> {
  return q.all<KeyBackupRow>(
    'SELECT user_id, backup_version, backup_key, descriptor, created_at FROM key_backups WHERE user_id = ? ORDER BY backup_version DESC',
    [userId],
  );
}

/** The current backup version of an account, if any. */
export async function currentBackup(q: Queryable, userId: string): Promise<KeyBackupRow | undefined> {
  return q.one<KeyBackupRow>(
    'SELECT user_id, backup_version, backup_key, descriptor, created_at FROM key_backups WHERE user_id = ? ORDER BY backup_version DESC LIMIT 1',
    [userId],
  );
}

/**
 * Makes `row` the current version: older versions lose their descriptor (the identity key encrypted under
 * the old recovery key) and their entries, so an old recovery key opens nothing the service still holds.
 */
export async function replaceBackup(q: Queryable, row: KeyBackupRow, keepEntriesOf?: number): Promise<void> {
  await q.run('INSERT INTO key_backups (user_id, backup_version, backup_key, descriptor, created_at) VALUES (?, ?, ?, ?, ?)', [
    row.user_id,
    row.backup_version,
    row.backup_key,
    row.descriptor,
    row.created_at,
  ]);
  await q.run('UPDATE key_backups SET descriptor = NULL WHERE user_id = ? AND backup_version < ?', [row.user_id, row.backup_version]);
  // An in-place upgrade to X-Wing with the same recovery key (§18.10.5) keeps the entries of the version it upgraded.
  await q.run('DELETE FROM key_backup_entries WHERE user_id = ? AND backup_version < ? AND backup_version <> ?', [
    row.user_id,
    row.backup_version,
    keepEntriesOf ?? 0,
  ]);
  await q.run('DELETE FROM key_backup_headers WHERE user_id = ? AND backup_version < ?', [row.user_id, row.backup_version]);
}

export interface BackupHeaderRow {
  readonly device_id: string;
  readonly header: string;
}

/** The device headers of a backup version (§18.10.2), by device. */
export function headersOf(q: Queryable, userId: string, backupVersion: number, limit: number): Promise<BackupHeaderRow[]> {
  return q.all<BackupHeaderRow>('SELECT device_id, header FROM key_backup_headers WHERE user_id = ? AND backup_version = ? ORDER BY device_id LIMIT ?', [
    userId,
    backupVersion,
    limit,
  ]);
}

export function headerOf(q: Queryable, userId: string, backupVersion: number, deviceId: string): Promise<BackupHeaderRow | undefined> {
  return q.one<BackupHeaderRow>('SELECT device_id, header FROM key_backup_headers WHERE user_id = ? AND backup_version = ? AND device_id = ?', [
    userId,
    backupVersion,
    deviceId,
  ]);
}

export async function countHeaders(q: Queryable, userId: string, backupVersion: number): Promise<number> {
  const row = await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM key_backup_headers WHERE user_id = ? AND backup_version = ?', [userId, backupVersion]);
  return Number(row?.n ?? 0);
}

/** Adds a device's header unless it has one for that version; answers whether it was added. */
export async function insertHeader(
  q: Queryable,
  h: { userId: string; backupVersion: number; deviceId: string; header: string; createdAt: number },
): Promise<boolean> {
  const added = await q.run(
    `INSERT INTO key_backup_headers (user_id, backup_version, device_id, header, created_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, backup_version, device_id) DO NOTHING`,
    [h.userId, h.backupVersion, h.deviceId, h.header, h.createdAt],
  );
  return added > 0;
}

export async function countEntries(q: Queryable, userId: string, backupVersion: number): Promise<number> {
  const row = await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM key_backup_entries WHERE user_id = ? AND backup_version = ?', [userId, backupVersion]);
  return Number(row?.n ?? 0);
}

/** Adds an entry unless one exists for that (account, backup version, conversation, key version); answers whether it was added. */
export async function insertEntry(
  q: Queryable,
  e: { userId: string; backupVersion: number; conversationId: string; keyVersion: number; deviceId: string; entry: string; createdAt: number },
): Promise<boolean> {
  // One statement, so two devices of the account adding the same version at once do not collide (on
  // PostgreSQL a check-then-insert lets both through to the unique index).
  const added = await q.run(
    `INSERT INTO key_backup_entries (user_id, backup_version, conversation_id, key_version, added_by_device, entry, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id, backup_version, conversation_id, key_version) DO NOTHING`,
    [e.userId, e.backupVersion, e.conversationId, e.keyVersion, e.deviceId, e.entry, e.createdAt],
  );
  return added > 0;
}

/** Entries of a backup version (and of the version it upgraded in place, `legacy`) after `after` (by id), at most `limit`. */
export function entriesAfter(q: Queryable, userId: string, backupVersion: number, after: number, limit: number, legacy?: number): Promise<BackupEntryRow[]> {
  return q.all<BackupEntryRow>('SELECT id, entry FROM key_backup_entries WHERE user_id = ? AND backup_version IN (?, ?) AND id > ? ORDER BY id LIMIT ?', [
    userId,
    backupVersion,
    legacy ?? backupVersion,
    after,
    limit,
  ]);
}

export interface RestoredWrapRow {
  readonly id: number;
  readonly wrap: string;
}

export async function countRestoredWraps(q: Queryable, deviceId: string): Promise<number> {
  const row = await q.one<{ n: number }>('SELECT COUNT(*) AS n FROM restored_wraps WHERE device_id = ?', [deviceId]);
  return Number(row?.n ?? 0);
}

/** Adds a restored wrap unless the device has one for that version; answers whether it was added. */
export async function insertRestoredWrap(
  q: Queryable,
  w: { userId: string; deviceId: string; conversationId: string; keyVersion: number; wrap: string; createdAt: number },
): Promise<boolean> {
  const added = await q.run(
    `INSERT INTO restored_wraps (user_id, device_id, conversation_id, key_version, wrap, created_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (device_id, conversation_id, key_version) DO NOTHING`,
    [w.userId, w.deviceId, w.conversationId, w.keyVersion, w.wrap, w.createdAt],
  );
  return added > 0;
}

export function restoredWrapsAfter(q: Queryable, deviceId: string, after: number, limit: number): Promise<RestoredWrapRow[]> {
  return q.all<RestoredWrapRow>('SELECT id, wrap FROM restored_wraps WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?', [deviceId, after, limit]);
}
