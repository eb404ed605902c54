/**
 * Row → wire view conversions shared by the endpoints: only the listed public fields leave the
 * server (never a password hash, session or token).
 */
import type { DeviceRow } from '../store/devices';
import type { UserRow } from '../store/users';
import type { PublicUser } from '../../common/api/accountSchemas';
import type { DeviceView } from '../../common/api/deviceSchemas';

export function userView(row: UserRow): PublicUser {
  return { userId: row.id as PublicUser['userId'], username: row.username, displayName: row.display_name, identityKey: row.identity_key };
}

export function deviceView(row: DeviceRow): DeviceView {
  return {
    deviceId: row.id as DeviceView['deviceId'],
    userId: row.user_id as DeviceView['userId'],
    name: row.name,
    certificate: JSON.parse(row.certificate) as Record<string, unknown>,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    revocation: row.revocation === null ? null : (JSON.parse(row.revocation) as Record<string, unknown>),
  };
}
