/** IPC schemas for this user's devices and device linking (docs/protocol.md, device linking). */
import { z } from 'zod';
import { DeviceIdSchema } from '../../ids';

export const deviceSummarySchema = z.object({
  deviceId: DeviceIdSchema,
  name: z.string(),
  platform: z.string(),
  createdAt: z.number().int(),
  revokedAt: z.number().int().nullable(),
  current: z.boolean(),
});
export type DeviceSummary = z.infer<typeof deviceSummarySchema>;

/** Shown on the NEW device: what the user types or scans on an existing device. */
export const linkOfferSchema = z.object({ linkCode: z.string(), qrPayload: z.string(), expiresAt: z.number().int() });

/** On a new device: the account to link to (the key service authenticates the user; keys come from the approving device). */
export const startLinkArgsSchema = z.strictObject({
  username: z.string().min(3).max(32),
  password: z.string().min(10).max(256),
  deviceName: z.string().trim().min(1).max(64),
});

/** Shown on the EXISTING device after reading the new device's code: compare `confirmationCode` on both screens. */
export const linkConfirmationSchema = z.object({ linkId: z.string(), confirmationCode: z.string(), newDeviceName: z.string() });

export const linkStatusSchema = z.object({
  state: z.enum(['waiting', 'awaiting_confirmation', 'approved', 'rejected', 'expired', 'completed']),
  confirmationCode: z.string().nullable(),
  rewrappedVersions: z.number().int().min(0),
});
