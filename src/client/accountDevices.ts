/**
 * Two reads for the desktop's screens that the key ring does not need: this account's devices with the
 * revoked ones (docs/api.md, `listUserDevices` with `include=revoked`, own account only) and a
 * directory search by username or display name (`searchUsers`). Every listed device's certificate is
 * verified under the account key this device trusts, exactly like a wrap recipient; one that does not
 * verify is left out, never shown as the user's. Search results are for display: picking one resolves
 * the user again through the directory (which pins their identity key).
 */
import type { DeviceId } from '../common/ids';
import type { Directory, PublicUser } from './directory';
import type { KeyServiceApi } from './keyServiceApi';

export interface DeviceInfo {
  readonly deviceId: DeviceId;
  readonly name: string;
  readonly platform: string;
  readonly createdAt: number;
  readonly current: boolean;
  /** When the device was revoked (ms), or null while it is active. */
  readonly revokedAt: number | null;
}

/** The account's devices, active ones first (by creation), then revoked ones (latest revocation first). */
export async function accountDevices(api: KeyServiceApi, directory: Directory, self: { userId: string; deviceId: string }): Promise<DeviceInfo[]> {
  const { devices } = await api.request('listUserDevices', { params: { userId: self.userId }, query: { include: 'revoked' } });
  const verified = await Promise.all(
    devices.map(async (listed): Promise<DeviceInfo | null> => {
      const d = await directory.device(listed.deviceId).catch(() => null);
      if (d === null || d.userId !== self.userId) return null;
      return {
        deviceId: d.deviceId as DeviceId,
        name: d.name,
        platform: d.certificate.platform,
        createdAt: d.certificate.createdAt,
        current: d.deviceId === self.deviceId,
        revokedAt: listed.revokedAt,
      };
    }),
  );
  const shown = verified.filter((d): d is DeviceInfo => d !== null);
  const active = shown.filter((d) => d.revokedAt === null).sort((a, b) => a.createdAt - b.createdAt);
  const revoked = shown.filter((d) => d.revokedAt !== null).sort((a, b) => (b.revokedAt ?? 0) - (a.revokedAt ?? 0));
  return [...active, ...revoked];
}

/** Directory search (case-insensitive substring of username or display name), at most `limit` users. */
export async function searchDirectory(api: KeyServiceApi, term: string, limit = 20): Promise<PublicUser[]> {
  const { users } = await api.request('searchUsers', { query: { q: term.trim(), limit } });
  return users;
}
