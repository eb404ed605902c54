/**
 * Wire schemas of accounts, sessions and the user directory (docs/api.md "Accounts and sessions"):
 * registration and login bodies, the token pair, the public user view, the directory search.
 */
import { z } from 'zod';
import { DeviceIdSchema, UserIdSchema } from '../ids';

export const UserIdParam = z.strictObject({ userId: UserIdSchema });

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

export const TokenPairSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    expiresIn: z.number().int().describe('access token lifetime in seconds'),
    deviceId: DeviceIdSchema.nullable(),
    user: PublicUserSchema,
  })
  .meta({ id: 'TokenPair' });
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const RegisterBody = z.strictObject({ username: UsernameSchema, password: PasswordSchema, displayName: DisplayNameSchema });
export const RegisteredSchema = z.object({ user: PublicUserSchema });
export const LoginBody = z.strictObject({
  username: UsernameSchema,
  password: z.string().min(1).max(256),
  deviceId: DeviceIdSchema.optional().describe('refused (400 device_proof_required): a device proves its key with /v1/auth/challenge'),
});
export const RefreshBody = z.strictObject({ refreshToken: z.string().min(1).max(200) });
export const MeSchema = z.object({
  user: PublicUserSchema,
  deviceId: DeviceIdSchema.nullable(),
  sso: z
    .object({ issuer: z.string(), subject: z.string() })
    .nullable()
    .describe("the account's company identity (single sign-on), which a device certificate of this account may carry; null without one"),
});
export const SearchQuery = z.strictObject({ q: z.string().trim().min(1).max(64), limit: z.coerce.number().int().min(1).max(50).default(20) });
export const UserListSchema = z.object({ users: z.array(PublicUserSchema) });
