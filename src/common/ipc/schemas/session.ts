/**
 * IPC schemas for sign-in and the signed-in session. Passwords travel renderer → main once and are
 * never returned; results carry identities and public facts only.
 */
import { z } from 'zod';
import { DeviceIdSchema, UserIdSchema } from '../../ids';

export const userSummarySchema = z.object({
  userId: UserIdSchema,
  username: z.string(),
  displayName: z.string(),
});
export type UserSummary = z.infer<typeof userSummarySchema>;

export const sessionSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('signedOut'),
    serverUrl: z.string(),
    localStack: z.boolean(),
    /** Set when this device was revoked from another one and erased its keys (shown on the sign-in screen). */
    reason: z.literal('deviceRevoked').optional(),
  }),
  z.object({
    state: z.literal('signedIn'),
    serverUrl: z.string(),
    localStack: z.boolean(),
    user: userSummarySchema,
    deviceId: DeviceIdSchema,
    deviceName: z.string(),
    /**
     * Set when the key service claimed this device was revoked but showed no revocation statement signed
     * by the account (docs/protocol.md §17): the keys were kept; the window says so. `accountDeactivated`:
     * the organisation deactivated the account (offboarding); nothing was erased, nothing new can be read.
     */
    warning: z.enum(['revocationUnproven', 'accountDeactivated']).optional(),
  }),
]);
export type Session = z.infer<typeof sessionSchema>;

const username = z.string().min(3).max(32);
const password = z.string().min(10).max(256);
const deviceName = z.string().trim().min(1).max(64);

export const registerArgsSchema = z.strictObject({ username, displayName: z.string().trim().min(1).max(64), password, deviceName });
export const signInArgsSchema = z.strictObject({ username, password, deviceName });

/** Where the renderer's PubNub client connects, and the access token the key service granted. */
export const transportConfigSchema = z.object({
  origin: z.string(),
  ssl: z.boolean(),
  subscribeKey: z.string(),
  publishKey: z.string(),
  userId: UserIdSchema,
  token: z.string().nullable(),
});
export type TransportConfig = z.infer<typeof transportConfigSchema>;
