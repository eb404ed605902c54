/** IPC schemas for contact identity verification: safety numbers and the identity-changed state. */
import { z } from 'zod';

export const contactTrustSchema = z.object({
  userId: z.string(),
  state: z.enum(['unverified', 'verified', 'changed']),
  safetyNumber: z.string().describe('60 digits in 12 groups of 5'),
  qrPayload: z.string(),
  /** Met within the last week and not verified (`Client.isNewContact`). */
  isNew: z.boolean().optional(),
});
export type ContactTrust = z.infer<typeof contactTrustSchema>;

export const settingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  notifications: z.enum(['full', 'sender-only', 'none']),
});
export type Settings = z.infer<typeof settingsSchema>;
