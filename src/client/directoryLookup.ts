/**
 * The client of the key service's batch directory lookup (`lookupDirectory`, docs/api.md "Devices"): many
 * users' profiles and unrevoked devices, and devices by id, in as few requests as the service's limits
 * allow (MAX_LOOKUP_USERS users and MAX_LOOKUP_DEVICES devices per request; a 1,000-member conversation
 * is one request). Answers are merged; nothing here is trusted yet — the directory verifies every
 * certificate.
 */
import type { PublicUser } from '../common/api/accountSchemas';
import { MAX_LOOKUP_DEVICES, MAX_LOOKUP_USERS, type DeviceView } from '../common/api/deviceSchemas';
import type { KeyServiceApi, KeyServiceAnswer } from './keyServiceApi';

export type { PublicUser } from '../common/api/accountSchemas';
export type { DeviceView } from '../common/api/deviceSchemas';

export type LookupAnswer = KeyServiceAnswer<'lookupDirectory'>;

/** The service's per-request limits. */
export const LOOKUP_USERS = MAX_LOOKUP_USERS;
export const LOOKUP_DEVICES = MAX_LOOKUP_DEVICES;

/** Looks up `userIds` (profile + unrevoked devices) and `deviceIds` (revoked included); repeats are ignored. */
export async function lookupDirectory(api: KeyServiceApi, userIds: readonly string[], deviceIds: readonly string[]): Promise<LookupAnswer> {
  const users = [...new Set(userIds)];
  const devices = [...new Set(deviceIds)];
  const out: {
    users: PublicUser[];
    devices: DeviceView[];
    unknownUserIds: LookupAnswer['unknownUserIds'];
    unknownDeviceIds: LookupAnswer['unknownDeviceIds'];
  } = {
    users: [],
    devices: [],
    unknownUserIds: [],
    unknownDeviceIds: [],
  };
  for (let u = 0, d = 0; u < users.length || d < devices.length; u += LOOKUP_USERS, d += LOOKUP_DEVICES) {
    const answer = await api.request('lookupDirectory', {
      body: { userIds: users.slice(u, u + LOOKUP_USERS), deviceIds: devices.slice(d, d + LOOKUP_DEVICES) },
    });
    out.users.push(...answer.users);
    out.devices.push(...answer.devices);
    out.unknownUserIds.push(...answer.unknownUserIds);
    out.unknownDeviceIds.push(...answer.unknownDeviceIds);
  }
  return out;
}
