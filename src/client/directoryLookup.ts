/**
 * The client of the key service's batch directory lookup (`POST /v1/directory/lookup`, docs/api.md): many
 * users' profiles and unrevoked devices, and devices by id, in as few requests as the service's limits
 * allow (LOOKUP_USERS users and LOOKUP_DEVICES devices per request; a 1,000-member conversation is one
 * request). Answers are merged; nothing here is trusted yet — the directory verifies every certificate.
 */
import type { KeyServiceApi } from './keyServiceApi';

/** A user as the directory shows them (no key material). */
export interface PublicUser {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly identityKey: string | null;
}

/** A device as the directory shows it: its certificate is unverified input. */
export interface DeviceView {
  readonly deviceId: string;
  readonly userId: string;
  readonly name: string;
  readonly certificate: unknown;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface LookupAnswer {
  readonly users: readonly PublicUser[];
  readonly devices: readonly DeviceView[];
  readonly unknownUserIds: readonly string[];
  readonly unknownDeviceIds: readonly string[];
}

/** The service's per-request limits (src/server/api/directoryLookup.ts). */
export const LOOKUP_USERS = 1_000;
export const LOOKUP_DEVICES = 2_000;

/** Looks up `userIds` (profile + unrevoked devices) and `deviceIds` (revoked included); repeats are ignored. */
export async function lookupDirectory(api: KeyServiceApi, userIds: readonly string[], deviceIds: readonly string[]): Promise<LookupAnswer> {
  const users = [...new Set(userIds)];
  const devices = [...new Set(deviceIds)];
  const out = { users: [] as PublicUser[], devices: [] as DeviceView[], unknownUserIds: [] as string[], unknownDeviceIds: [] as string[] };
  for (let u = 0, d = 0; u < users.length || d < devices.length; u += LOOKUP_USERS, d += LOOKUP_DEVICES) {
    const answer = await api.call<LookupAnswer>('POST', '/v1/directory/lookup', {
      userIds: users.slice(u, u + LOOKUP_USERS),
      deviceIds: devices.slice(d, d + LOOKUP_DEVICES),
    });
    out.users.push(...answer.users);
    out.devices.push(...answer.devices);
    out.unknownUserIds.push(...answer.unknownUserIds);
    out.unknownDeviceIds.push(...answer.unknownDeviceIds);
  }
  return out;
}
