/**
 * Batch directory lookup (issue 10, rotation end to end: "one request for all members' devices"): the
 * public profiles (with account identity keys) of many users and their certified, unrevoked devices,
 * plus devices named by id — revoked ones included, as `GET /v1/devices/:deviceId` answers them, so a
 * key ring can check every member device of an old record. What it answers is exactly what the
 * one-at-a-time endpoints answer to any signed-in user (`GET /v1/users/:userId`,
 * `GET /v1/users/:userId/devices`, `GET /v1/devices/:deviceId`), never more: no revoked device of a user
 * listed by user id, no private field. Bounded: at most MAX_USERS user ids and MAX_DEVICES device ids per
 * request (a client splits larger sets); ids that do not exist come back in `unknownUserIds` /
 * `unknownDeviceIds`.
 */
import { z } from 'zod';
import { DeviceIdSchema, UserIdSchema } from '../../common/ids';
import { defineRoute, type Route } from '../http/route';
import type { Services } from '../services';
import { devicesWithIds, unrevokedDevicesOfUsers, usersWithIds } from '../store/directoryLookup';
import type { DeviceRow } from '../store/devices';
import { DeviceViewSchema, PublicUserSchema } from './schemas';
import { deviceView, userView } from './views';

/** A conversation has at most 1,000 members. */
export const MAX_USERS = 1_000;
/** Two devices each for a full conversation. */
export const MAX_DEVICES = 2_000;

const LookupBody = z
  .strictObject({
    userIds: z.array(UserIdSchema).max(MAX_USERS).default([]).describe('users whose profile and unrevoked devices are wanted'),
    deviceIds: z.array(DeviceIdSchema).max(MAX_DEVICES).default([]).describe('devices wanted by id, revoked or not'),
  })
  .refine((b) => b.userIds.length + b.deviceIds.length > 0, 'name at least one user or device');

const LookupResponse = z.object({
  users: z.array(PublicUserSchema).describe('the named users and the users of the named devices'),
  devices: z.array(DeviceViewSchema).describe("the named users' unrevoked devices and the named devices"),
  unknownUserIds: z.array(UserIdSchema),
  unknownDeviceIds: z.array(DeviceIdSchema),
});

export function directoryLookupRoutes(svc: Services): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/directory/lookup',
      tag: 'directory',
      summary: "Many users and devices at once: profiles, the users' unrevoked devices, devices by id",
      auth: 'user',
      body: LookupBody,
      response: LookupResponse,
      errors: [400, 401, 413],
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
