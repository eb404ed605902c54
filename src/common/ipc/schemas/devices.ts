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

/**
 * Shown on the EXISTING device after reading the new device's link code: which device asks to be linked.
 * The confirmation code is not here: the new device shows it, the user types it on this device and main
 * checks it (docs/protocol.md §14.3), so this window never learns it from main.
 */
export const linkConfirmationSchema = z.object({ linkId: z.string(), newDeviceName: z.string() });

/** The confirmation code as typed on the existing device ("123 456", "123456"); main checks it. */
export const typedConfirmationCodeSchema = z.string().trim().min(1).max(32);

export const linkStatusSchema = z.object({
  state: z.enum(['waiting', 'awaiting_confirmation', 'approved', 'rejected', 'expired', 'completed']),
  confirmationCode: z.string().nullable(),
  rewrappedVersions: z.number().int().min(0),
});
