/** IPC schemas for contact identity verification: safety numbers and the identity-changed state. */
import { z } from 'zod';

export const contactTrustSchema = z.object({
  userId: z.string(),
  state: z.enum(['unverified', 'verified', 'changed']),
  /**
   * This user's half of the safety number (docs/protocol.md §10.1): 30 digits in 6 groups of 5, to read
   * out to the contact, who types it on their device. The contact's half never crosses the bridge: the
   * user types it from the contact's screen and main checks it (`markVerified`, `acknowledgeIdentityChange`).
   */
  ownCode: z.string().describe('30 digits in 6 groups of 5'),
  /** Met within the last week and not verified (`Client.isNewContact`). */
  isNew: z.boolean().optional(),
  /**
   * The contact's company identity from their device certificates (docs/protocol.md §4): every device
   * whose certificate verifies under the pinned key names this issuer and subject. Absent otherwise.
   */
  companyIdentity: z.object({ issuer: z.string().max(500), subject: z.string().max(255) }).optional(),
});
export type ContactTrust = z.infer<typeof contactTrustSchema>;

/**
 * What the user typed or pasted from the contact's screen: their 30-digit half, the whole 60-digit safety
 * number, or a `seed-sn:1:` QR payload (docs/protocol.md §10.1).
 */
export const contactCodeSchema = z.string().trim().min(1).max(256);

export const settingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  notifications: z.enum(['full', 'sender-only', 'none']),
  /**
   * "Send read receipts" (docs/messaging.md §Receipts and reactions): when false no receipt is published
   * (the local read marker still moves) and others' receipts are not shown either.
   */
  readReceipts: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;
