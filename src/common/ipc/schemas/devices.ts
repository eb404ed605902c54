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

/** Shown on BOTH devices: the user compares it before approving. */
export const linkConfirmationSchema = z.object({ linkCode: z.string(), confirmationCode: z.string(), newDeviceName: z.string() });

export const linkStatusSchema = z.object({
  state: z.enum(['waiting', 'awaiting_confirmation', 'approved', 'rejected', 'expired', 'completed']),
  confirmationCode: z.string().nullable(),
  rewrappedVersions: z.number().int().min(0),
});
