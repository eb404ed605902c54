/**
 * Wire schemas of devices (docs/api.md "Devices"): the device view with its certificate as registered,
 * registering this session's device, a user's devices, and the batch directory lookup.
 */
import { z } from 'zod';
import { DeviceIdSchema, UserIdSchema } from '../ids';
import { PublicUserSchema } from './accountSchemas';

export const DeviceIdParam = z.strictObject({ deviceId: DeviceIdSchema });

export const DeviceViewSchema = z
  .object({
    deviceId: DeviceIdSchema,
    userId: UserIdSchema,
    name: z.string(),
    certificate: z.record(z.string(), z.unknown()).describe('the device certificate as registered (docs/protocol.md §4)'),
    createdAt: z.number().int(),
    revokedAt: z.number().int().nullable(),
    revocation: z
      .record(z.string(), z.unknown())
      .nullable()
      .optional()
      .describe('the revocation statement signed by the account key (docs/protocol.md §17); null while unrevoked or revoked before statements existed'),
  })
  .meta({ id: 'Device' });
export type DeviceView = z.infer<typeof DeviceViewSchema>;

export const RegisterDeviceBody = z.strictObject({
  certificate: z.record(z.string(), z.unknown()).describe('a device certificate signed by the account identity key (docs/protocol.md §4)'),
});
/** `DELETE /v1/devices/{deviceId}`: the account's signed statement that the device is revoked (docs/protocol.md §17). */
export const RevokeDeviceBody = z.strictObject({
  revocation: z.record(z.string(), z.unknown()).describe('{v:1, userId, deviceId, revokedAt, signature} signed by the account identity key'),
});
export const DeviceRevocationAnswer = z.object({ revocation: z.record(z.string(), z.unknown()).describe('the statement as the account signed it') });

export const RegisteredDeviceSchema = z.object({ device: DeviceViewSchema, accessToken: z.string(), expiresIn: z.number().int() });

/** `include=revoked` (own devices only) adds revoked devices with their `revokedAt`, for the devices screen. */
export const DevicesQuery = z.strictObject({ include: z.literal('revoked').optional() });
export const DeviceListSchema = z.object({ devices: z.array(DeviceViewSchema) });
export const OneDeviceSchema = z.object({ device: DeviceViewSchema });

/** One lookup covers a 1,000-member conversation's users; a larger one (up to MAX_GENESIS_MEMBERS, 5,000) takes several. */
export const MAX_LOOKUP_USERS = 1_000;
/** Two devices each for a full conversation. */
export const MAX_LOOKUP_DEVICES = 2_000;

export const LookupBody = z
  .strictObject({
    userIds: z.array(UserIdSchema).max(MAX_LOOKUP_USERS).default([]).describe('users whose profile and unrevoked devices are wanted'),
    deviceIds: z.array(DeviceIdSchema).max(MAX_LOOKUP_DEVICES).default([]).describe('devices wanted by id, revoked or not'),
  })
  .refine((b) => b.userIds.length + b.deviceIds.length > 0, 'name at least one user or device');

export const LookupResponse = z.object({
  users: z.array(PublicUserSchema).describe('the named users and the users of the named devices'),
  devices: z.array(DeviceViewSchema).describe("the named users' unrevoked devices and the named devices"),
  unknownUserIds: z.array(UserIdSchema),
  unknownDeviceIds: z.array(DeviceIdSchema),
});
