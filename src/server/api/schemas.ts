/**
 * Wire schemas shared by several endpoints (issue 5, "/v1/openapi.json generated from the same
 * schemas that validate requests"): the error body, public user and device views, id parameters.
 */
import { z } from 'zod';
import { ConversationIdSchema, DeviceIdSchema, UserIdSchema } from '../../common/ids';

export const ErrorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: 'Error' });

export const UserIdParam = z.strictObject({ userId: UserIdSchema });
export const DeviceIdParam = z.strictObject({ deviceId: DeviceIdSchema });
export const ConversationIdParam = z.strictObject({ conversationId: ConversationIdSchema });
export const ConversationMemberParam = z.strictObject({ conversationId: ConversationIdSchema, userId: UserIdSchema });

export const UsernameSchema = z
  .string()
  .min(3)
  .max(32)
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'must be 3-32 characters of a-z 0-9 . _ - starting with a letter or digit'));
export const PasswordSchema = z.string().min(10).max(256);
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[^\p{Cc}\p{Cs}]+$/u, 'must not contain control characters');

export const PublicUserSchema = z
  .object({
    userId: UserIdSchema,
    username: z.string(),
    displayName: z.string(),
    identityKey: z.string().nullable().describe('account Ed25519 public key, base64url; null until the first device is registered'),
  })
  .meta({ id: 'User' });
export type PublicUser = z.infer<typeof PublicUserSchema>;

export const DeviceViewSchema = z
  .object({
    deviceId: DeviceIdSchema,
    userId: UserIdSchema,
    name: z.string(),
    certificate: z.record(z.string(), z.unknown()).describe('the device certificate as registered (docs/protocol.md §4)'),
    createdAt: z.number().int(),
    revokedAt: z.number().int().nullable(),
  })
  .meta({ id: 'Device' });
export type DeviceView = z.infer<typeof DeviceViewSchema>;

export const NoContent = z.void();
