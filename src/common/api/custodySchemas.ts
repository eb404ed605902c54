/**
 * Wire schemas of the organisation's key custody (docs/api.md "Key custody", docs/protocol.md §19): the
 * custody mode every user is shown, and in escrow mode the recovery recipient's public key and fingerprint,
 * which clients pin (src/client/custody.ts). Nothing here is secret.
 */
import { z } from 'zod';
import { EscrowFingerprintSchema } from '../protocol/escrowWrap';
import { b64uField, TimestampMs } from '../protocol/wire';

/** zero-trust: only member devices hold conversation keys. escrow: every key version also has a wrap for the recipient. */
export const CustodyModeSchema = z.enum(['zero-trust', 'escrow']);
export type CustodyMode = z.infer<typeof CustodyModeSchema>;

export const EscrowRecipientSchema = z.strictObject({
  /** The recipient's X25519 public key (raw 32 bytes, base64url). */
  publicKey: b64uField(32),
  fingerprint: EscrowFingerprintSchema,
  createdAt: TimestampMs,
});
export type EscrowRecipientView = z.infer<typeof EscrowRecipientSchema>;

export const CustodySchema = z
  .strictObject({
    mode: CustodyModeSchema,
    /** In escrow mode, the recipient every new key version must be wrapped to; null in zero-trust mode. */
    recipient: EscrowRecipientSchema.nullable(),
    /** When the mode last changed (ms); 0 when it never did. */
    changedAt: TimestampMs,
  })
  .meta({ id: 'Custody' });
export type CustodyView = z.infer<typeof CustodySchema>;
