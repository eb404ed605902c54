/**
 * IPC schemas for the account's key-service sessions (docs/client.md "Sessions"): the list shown in the
 * devices panel, ending one or every other, and changing the password. Passwords travel renderer → main
 * once and are never returned; results carry ids, names and times only — never a token.
 */
import { z } from 'zod';
import { DeviceIdSchema, ID_PATTERN } from '../../ids';

export const accountSessionSchema = z.object({
  sessionId: z.string(),
  /** `password`: opened with the password alone (it can do almost nothing); `device`: one of the account's devices. */
  kind: z.enum(['password', 'device']),
  deviceId: DeviceIdSchema.nullable(),
  deviceName: z.string().nullable(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int(),
  /** This device's own session. */
  current: z.boolean(),
});
export type AccountSessionView = z.infer<typeof accountSessionSchema>;

export const sessionIdArgSchema = z.string().regex(ID_PATTERN);

export const changePasswordArgsSchema = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(10).max(256),
});

/** How many other sessions ended (sign out everywhere else, password change). */
export const endedSessionsSchema = z.object({ endedSessions: z.number().int().min(0) });
