/**
 * Wire schemas of device sessions and the account's sessions (docs/api.md "Sessions", docs/protocol.md
 * §16): the single-use challenge, the device's signed answer, the list of live sessions, ending sessions
 * and changing the password.
 */
import { z } from 'zod';
import { DeviceIdSchema, ID_PATTERN } from '../ids';
import { PasswordSchema } from './accountSchemas';

export const ChallengeSchema = z
  .object({
    challengeId: z.string().describe('single-use id of this challenge'),
    nonce: z.string().describe('32 random bytes, base64url; signed by the device (docs/protocol.md §16)'),
    expiresAt: z.number().int().describe('milliseconds since the epoch; the challenge is refused after it'),
  })
  .meta({ id: 'Challenge' });
export type Challenge = z.infer<typeof ChallengeSchema>;

export const DeviceSessionBody = z.strictObject({
  challengeId: z.string().regex(ID_PATTERN, 'must be an id'),
  deviceId: DeviceIdSchema,
  signature: z.string().min(1).max(200).describe('Ed25519 signature by the device key, base64url (docs/protocol.md §16)'),
});

export const SessionIdParam = z.strictObject({ sessionId: z.string().regex(ID_PATTERN, 'must be an id') });

export const SessionKindSchema = z.enum(['password', 'device']);
export type SessionKind = z.infer<typeof SessionKindSchema>;

export const SessionViewSchema = z
  .object({
    sessionId: z.string(),
    kind: SessionKindSchema.describe('password: opened with the password alone; device: bound to a device that proved its key or registered itself'),
    deviceId: DeviceIdSchema.nullable(),
    deviceName: z.string().nullable(),
    createdAt: z.number().int(),
    lastUsedAt: z.number().int().describe('when the session last got a token (sign-in or refresh); within one access-token lifetime of its last use'),
    current: z.boolean().describe('the session of the calling token'),
  })
  .meta({ id: 'Session' });
export type SessionView = z.infer<typeof SessionViewSchema>;

export const SessionListSchema = z.object({ sessions: z.array(SessionViewSchema) });

export const EndedSessionsSchema = z.object({ endedSessions: z.number().int().min(0).describe('how many other sessions ended') });

export const ChangePasswordBody = z.strictObject({ currentPassword: z.string().min(1).max(256), newPassword: PasswordSchema });
