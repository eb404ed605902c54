/**
 * Batch reads of the directory (docs/api.md, `lookupDirectory`: a rotation looks up every member's devices
 * in one request; a key ring checks every member device of a record in one): users by id, the unrevoked
 * devices of many users, and devices by id (revoked ones included, as for one device). The ids travel as
 * one JSON array parameter expanded by the database (json_each / jsonb_array_elements_text), so each
 * statement has one text — one prepared plan — for any number of ids, and never more parameters than a
 * driver allows.
 */
import type { Queryable } from '../db/db';
import { DEVICE_COLUMNS, type DeviceRow } from './devices';
import type { UserRow } from './users';

const USER_COLUMNS = 'id, username, display_name, password_hash, identity_key, created_at';

/** `SELECT` of the ids in the JSON array parameter, in this database's dialect. */
function idList(q: Queryable): string {
  return q.dialect === 'postgres' ? 'SELECT jsonb_array_elements_text(CAST(? AS JSONB))' : 'SELECT value FROM json_each(?)';
}

export function usersWithIds(q: Queryable, ids: readonly string[]): Promise<UserRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q.all<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id IN (${idList(q)})`, [JSON.stringify(ids)]);
}

/** The unrevoked devices of the given users, ordered by user, then creation, then id. */
export function unrevokedDevicesOfUsers(q: Queryable, userIds: readonly string[]): Promise<DeviceRow[]> {
  if (userIds.length === 0) return Promise.resolve([]);
  return q.all<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE user_id IN (${idList(q)}) AND revoked_at IS NULL ORDER BY user_id, created_at, id`, [
    JSON.stringify(userIds),
  ]);
}

export function devicesWithIds(q: Queryable, ids: readonly string[]): Promise<DeviceRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return q.all<DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE id IN (${idList(q)}) ORDER BY id`, [JSON.stringify(ids)]);
}
