/**
 * IPC schemas of the organisation's key custody (docs/protocol.md §19, docs/desktop.md "Key custody"):
 * the mode, the pinned escrow recipient's fingerprint (public), and the warning when the key service names
 * another recipient; in server-trusted mode whether this device takes keys the key service makes
 * (docs/protocol.md §19.4). No key material.
 */
import { z } from 'zod';

const fingerprint = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

const mode = z.enum(['zero-trust', 'escrow', 'server-trusted']);

export const custodyStatusSchema = z.object({
  mode,
  fingerprint: fingerprint.nullable(),
  recipientChanged: z.object({ pinned: fingerprint, served: fingerprint }).nullable(),
  managed: z.boolean(),
  serverKeys: z.enum(['accepted', 'ask', 'refused']).nullable(),
  /** The organisation's managed policy names another custody mode than the key service announces. */
  policyMismatch: z.object({ policy: mode, served: mode }).nullable(),
});
export type CustodyStatusView = z.infer<typeof custodyStatusSchema>;

export const escrowFingerprintArgSchema = fingerprint;
