/**
 * Key versions and wraps (docs/api.md, "Key versions"): a version row keeps the creator's signed record
 * (its public part), a wrap row keeps one device's HPKE-sealed copy of that version's key. Every read
 * here is for exactly one device and a version range the caller has already authorized; nothing
 * returns another device's wrap.
 */
import type { Queryable } from '../db/db';
import type { PrincipalState } from './sessions';

export interface VersionRow {
  readonly conversation_id: string;
  readonly version: number;
  readonly created_at: number;
  readonly created_by_device: string;
  readonly record: string;
}

export interface DeviceWrapRow extends VersionRow {
  readonly wrap: string;
  readonly added_by_device: string;
  /** The adder's grant (docs/protocol.md §6.5) when the wrap was added after the version; null for the record's own wraps. */
  readonly grant_json: string | null;
}

export async function insertVersion(q: Queryable, v: VersionRow): Promise<void> {
  await q.run('INSERT INTO key_versions (conversation_id, version, created_at, created_by_device, record) VALUES (?, ?, ?, ?, ?)', [
    v.conversation_id,
    v.version,
    v.created_at,
    v.created_by_device,
    v.record,
  ]);
}

export async function insertWrap(
  q: Queryable,
  w: { conversationId: string; version: number; deviceId: string; wrap: string; addedBy: string; grant?: string },
  now: number,
): Promise<void> {
  await q.run('INSERT INTO key_wraps (conversation_id, version, device_id, wrap, added_by_device, created_at, grant_json) VALUES (?, ?, ?, ?, ?, ?, ?)', [
    w.conversationId,
    w.version,
    w.deviceId,
    w.wrap,
    w.addedBy,
    now,
    w.grant ?? null,
  ]);
}

/**
 * The wraps of one new version, all in one statement (one round trip on PostgreSQL instead of one per
 * member device): the rows travel as one JSON array parameter, `[[deviceId, wrap], …]`, expanded by the
 * database (json_each / jsonb_array_elements), so the statement text — and its prepared plan — is the
 * same for any number of rows.
 */
export async function insertWraps(
  q: Queryable,
  w: { conversationId: string; version: number; addedBy: string; wraps: readonly { deviceId: string; wrap: string }[] },
  now: number,
): Promise<void> {
  if (w.wraps.length === 0) return;
  const rows = JSON.stringify(w.wraps.map((x) => [x.deviceId, x.wrap]));
  const columns = 'INSERT INTO key_wraps (conversation_id, version, device_id, wrap, added_by_device, created_at, grant_json)';
  const sql =
    q.dialect === 'postgres'
      ? `${columns} SELECT CAST(? AS TEXT), CAST(? AS INTEGER), e->>0, e->>1, CAST(? AS TEXT), CAST(? AS BIGINT), NULL FROM jsonb_array_elements(CAST(? AS JSONB)) AS e`
      : `${columns} SELECT ?, ?, json_extract(value, '$[0]'), json_extract(value, '$[1]'), ?, ?, NULL FROM json_each(?)`;
  await q.run(sql, [w.conversationId, w.version, w.addedBy, now, rows]);
}

/** The stored grant of one device's wrap of a version (null: none, or no such wrap). */
export async function grantOf(q: Queryable, conversationId: string, version: number, deviceId: string): Promise<string | null> {
  const row = await q.one<{ grant_json: string | null }>('SELECT grant_json FROM key_wraps WHERE conversation_id = ? AND version = ? AND device_id = ?', [
    conversationId,
    version,
    deviceId,
  ]);
  return row?.grant_json ?? null;
}

export function latestVersionTime(q: Queryable, conversationId: string): Promise<{ created_at: number } | undefined> {
  return q.one('SELECT created_at FROM key_versions WHERE conversation_id = ? ORDER BY version DESC LIMIT 1', [conversationId]);
}

const WRAP_SELECT = `SELECT v.conversation_id, v.version, v.created_at, v.created_by_device, v.record, w.wrap, w.added_by_device, w.grant_json
  FROM key_wraps w JOIN key_versions v ON v.conversation_id = w.conversation_id AND v.version = w.version`;

/** The device's wrap of one version. */
export function wrapOf(q: Queryable, conversationId: string, deviceId: string, version: number): Promise<DeviceWrapRow | undefined> {
  return q.one<DeviceWrapRow>(`${WRAP_SELECT} WHERE w.conversation_id = ? AND w.device_id = ? AND w.version = ?`, [conversationId, deviceId, version]);
}

/** The device's wraps of versions in [from, to], ascending, at most `limit`. */
export function wrapsInRange(q: Queryable, conversationId: string, deviceId: string, from: number, to: number, limit: number): Promise<DeviceWrapRow[]> {
  return q.all<DeviceWrapRow>(
    `${WRAP_SELECT} WHERE w.conversation_id = ? AND w.device_id = ? AND w.version >= ? AND w.version <= ? ORDER BY w.version LIMIT ?`,
    [conversationId, deviceId, from, to, limit],
  );
}

/** The newest version created at or before `at` (ms), if any. */
export async function versionAt(q: Queryable, conversationId: string, at: number): Promise<number | null> {
  const row = await q.one<{ version: number }>('SELECT version FROM key_versions WHERE conversation_id = ? AND created_at <= ? ORDER BY version DESC LIMIT 1', [
    conversationId,
    at,
  ]);
  return row?.version ?? null;
}

/** Which of `versions` the device already has a wrap for. */
export async function existingWrapVersions(q: Queryable, conversationId: string, deviceId: string): Promise<Set<number>> {
  const rows = await q.all<{ version: number }>('SELECT version FROM key_wraps WHERE conversation_id = ? AND device_id = ?', [conversationId, deviceId]);
  return new Set(rows.map((r) => r.version));
}

export interface MemberWrapRow {
  readonly current_version: number;
  readonly first_version: number | null;
  readonly removed_at: number | null;
  readonly member_user: string | null;
  readonly version: number | null;
  readonly created_at: number | null;
  readonly created_by_device: string | null;
  readonly record: string | null;
  readonly wrap: string | null;
  readonly added_by_device: string | null;
  readonly grant_json: string | null;
}

/** `MemberWrapRow` plus the caller's session and device state; conversation fields are null when it does not exist. */
export interface SessionMemberWrapRow extends PrincipalState, Omit<MemberWrapRow, 'current_version'> {
  readonly current_version: number | null;
}

/**
 * One round trip for a device's key fetch (docs/benchmarks.md, "Performance work after the third report",
 * key-service fetch on PostgreSQL): everything `memberWrap` reads plus the caller's session and device rows
 * (what `principalState` reads before other handlers), so the handler checks liveness
 * (`checkPrincipalState`) and entitlement from one row. Undefined when the session does not exist.
 */
export function sessionMemberWrap(
  q: Queryable,
  who: { readonly sessionId: string; readonly userId: string; readonly deviceId: string },
  conversationId: string,
  version: number,
): Promise<SessionMemberWrapRow | undefined> {
  return q.one<SessionMemberWrapRow>(
    `SELECT s.revoked_at AS session_revoked_at, s.expires_at AS session_expires_at, s.device_id AS session_device_id,
            d.revoked_at AS device_revoked_at, d.user_id AS device_user_id,
            c.current_version, m.first_version, m.removed_at, m.user_id AS member_user,
            v.version, v.created_at, v.created_by_device, v.record, w.wrap, w.added_by_device, w.grant_json
       FROM sessions s
       LEFT JOIN devices d ON d.id = ?
       LEFT JOIN conversations c ON c.id = ?
       LEFT JOIN members m ON m.conversation_id = c.id AND m.user_id = ?
       LEFT JOIN key_wraps w ON w.conversation_id = c.id AND w.device_id = ?
                            AND w.version = (CASE WHEN ? = 0 THEN c.current_version ELSE ? END)
       LEFT JOIN key_versions v ON v.conversation_id = w.conversation_id AND v.version = w.version
      WHERE s.id = ?`,
    [who.deviceId, conversationId, who.userId, who.deviceId, version, version, who.sessionId],
  );
}

/**
 * One round trip for the hot read path: the conversation's current version, the caller's membership,
 * and the device's wrap of `version` (0 = the current version). Undefined when the conversation does
 * not exist; the caller applies the membership and entitlement rules to the row.
 */
export function memberWrap(q: Queryable, conversationId: string, userId: string, deviceId: string, version: number): Promise<MemberWrapRow | undefined> {
  return q.one<MemberWrapRow>(
    `SELECT c.current_version, m.first_version, m.removed_at, m.user_id AS member_user,
            v.version, v.created_at, v.created_by_device, v.record, w.wrap, w.added_by_device, w.grant_json
       FROM conversations c
       LEFT JOIN members m ON m.conversation_id = c.id AND m.user_id = ?
       LEFT JOIN key_wraps w ON w.conversation_id = c.id AND w.device_id = ?
                            AND w.version = (CASE WHEN ? = 0 THEN c.current_version ELSE ? END)
       LEFT JOIN key_versions v ON v.conversation_id = w.conversation_id AND v.version = w.version
      WHERE c.id = ?`,
    [userId, deviceId, version, version, conversationId],
  );
}
