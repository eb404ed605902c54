/**
 * Devices table access (docs/api.md, "Devices"): a device row keeps the device's certificate exactly as
 * submitted (its public keys, signed by the account identity key), a revocation time and the account's
 * signed revocation statement (docs/protocol.md §17). "Member
 * devices" of a conversation are the unrevoked devices of its current members — the set every key
 * version must wrap to.
 */
import type { Queryable } from '../db/db';

export interface DeviceRow {
  readonly id: string;
  readonly user_id: string;
  readonly name: string;
  readonly certificate: string;
  readonly created_at: number;
  readonly revoked_at: number | null;
  /** The revocation statement signed by the account key (docs/protocol.md §17), as JSON text; null before it. */
  readonly revocation: string | null;
}

/** Every column of a device row, for the queries that build DeviceRow. */
export const DEVICE_COLUMNS = 'id, user_id, name, certificate, created_at, revoked_at, revocation';
const COLUMNS = DEVICE_COLUMNS;

export async function insertDevice(q: Queryable, d: Omit<DeviceRow, 'revoked_at' | 'revocation'>): Promise<void> {
  await q.run(`INSERT INTO devices (id, user_id, name, certificate, created_at) VALUES (?, ?, ?, ?, ?)`, [
    d.id,
    d.user_id,
    d.name,
    d.certificate,
    d.created_at,
  ]);
}

export function deviceById(q: Queryable, id: string): Promise<DeviceRow | undefined> {
  return q.one<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE id = ?`, [id]);
}

export function devicesOfUser(q: Queryable, userId: string, includeRevoked: boolean): Promise<DeviceRow[]> {
  return q.all<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE user_id = ?${includeRevoked ? '' : ' AND revoked_at IS NULL'} ORDER BY created_at, id`, [
    userId,
  ]);
}

/** Revokes an unrevoked device, keeping the account's signed statement; false when it was revoked already. */
export async function revokeDevice(q: Queryable, id: string, revocation: string, now: number): Promise<boolean> {
  return (await q.run('UPDATE devices SET revoked_at = ?, revocation = ? WHERE id = ? AND revoked_at IS NULL', [now, revocation, id])) === 1;
}

export interface MemberDeviceRow {
  readonly device_id: string;
  readonly user_id: string;
  readonly certificate: string;
}

/** The unrevoked devices of the current members of a conversation, ordered by device id. */
export function memberDevices(q: Queryable, conversationId: string): Promise<MemberDeviceRow[]> {
  return q.all<MemberDeviceRow>(
    `SELECT d.id AS device_id, d.user_id, d.certificate FROM members m JOIN devices d ON d.user_id = m.user_id
      WHERE m.conversation_id = ? AND m.removed_at IS NULL AND d.revoked_at IS NULL ORDER BY d.id`,
    [conversationId],
  );
}

/**
 * Revokes every live device of a user without a signed statement (an organisation's deactivation, not the
 * account's own revocation, docs/protocol.md §17): the devices lose their sessions and receive no wraps from
 * the next rotation on, but are not told to erase their keys. Answers how many were revoked.
 */
export async function revokeDevicesOfUser(q: Queryable, userId: string, now: number): Promise<number> {
  return q.run('UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [now, userId]);
}

/** Undoes `revokeDevicesOfUser` of time `at` (reactivation): only devices it revoked, never a signed revocation. */
export async function restoreDevicesOfUser(q: Queryable, userId: string, at: number): Promise<number> {
  return q.run('UPDATE devices SET revoked_at = NULL WHERE user_id = ? AND revoked_at = ? AND revocation IS NULL', [userId, at]);
}
