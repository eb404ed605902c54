/**
 * IPC schemas of the organisation's key custody (docs/protocol.md §19, docs/desktop.md "Key custody"):
 * the mode, the pinned escrow recipient's fingerprint (public), and the warning when the key service names
 * another recipient. No key material.
 */
import { z } from 'zod';

const fingerprint = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const custodyStatusSchema = z.object({
  mode: z.enum(['zero-trust', 'escrow']),
  fingerprint: fingerprint.nullable(),
  recipientChanged: z.object({ pinned: fingerprint, served: fingerprint }).nullable(),
  managed: z.boolean(),
});
export type CustodyStatusView = z.infer<typeof custodyStatusSchema>;

export const escrowFingerprintArgSchema = fingerprint;
