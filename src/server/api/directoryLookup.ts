/**
 * Batch directory lookup (docs/api.md "Devices"; one request for all members' devices of a rotation): the
 * public profiles (with account identity keys) of many users and their certified, unrevoked devices,
 * plus devices named by id — revoked ones included, as `GET /v1/devices/:deviceId` answers them, so a
 * key ring can check every member device of an old record. What it answers is exactly what the
 * one-at-a-time endpoints answer to any signed-in user (`GET /v1/users/:userId`,
 * `GET /v1/users/:userId/devices`, `GET /v1/devices/:deviceId`), never more: no revoked device of a user
 * listed by user id, no private field. Bounded: at most MAX_LOOKUP_USERS user ids and MAX_LOOKUP_DEVICES device ids per
 * request (src/common/api/deviceSchemas.ts; a client splits larger sets); ids that do not exist come back in `unknownUserIds` /
 * `unknownDeviceIds`.
 */
import type { z } from 'zod';
import { keyServiceRoutes as api } from '../../common/api/keyService';
import type { DeviceIdSchema, UserIdSchema } from '../../common/ids';
import { implement, type Route } from '../http/route';
import type { Services } from '../services';
import { devicesWithIds, unrevokedDevicesOfUsers, usersWithIds } from '../store/directoryLookup';
import type { DeviceRow } from '../store/devices';
import { deviceView, userView } from './views';

export function directoryLookupRoutes(svc: Services): Route[] {
  return [
    implement(api, 'lookupDirectory', {
      handler: async ({ body }) => {
        const userIds = [...new Set<string>(body.userIds)];
        const deviceIds = [...new Set<string>(body.deviceIds)];
        const [ownDevices, named] = await Promise.all([unrevokedDevicesOfUsers(svc.db, userIds), devicesWithIds(svc.db, deviceIds)]);
        const devices = new Map<string, DeviceRow>();
        for (const d of [...ownDevices, ...named]) devices.set(d.id, d);
        const wantedUsers = new Set<string>([...userIds, ...named.map((d) => d.user_id)]);
        const users = await usersWithIds(svc.db, [...wantedUsers]);
        const foundUsers = new Set(users.map((u) => u.id));
        const foundDevices = new Set(named.map((d) => d.id));
        return {
          users: users.map(userView),
          devices: [...devices.values()].map(deviceView),
          unknownUserIds: userIds.filter((id) => !foundUsers.has(id)) as z.infer<typeof UserIdSchema>[],
          unknownDeviceIds: deviceIds.filter((id) => !foundDevices.has(id)) as z.infer<typeof DeviceIdSchema>[],
        };
      },
    }),
  ];
}
