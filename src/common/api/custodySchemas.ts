/**
 * Wire schemas of the organisation's key custody (docs/api.md "Key custody", docs/protocol.md §19): the
 * custody mode every user is shown, and in escrow mode the recovery recipient's public key and fingerprint,
 * which clients pin (src/client/custody.ts). Nothing here is secret.
 */
import { z } from 'zod';
import { ConversationIdSchema } from '../ids';
import { EscrowFingerprintSchema, EscrowPublicKeySchema } from '../protocol/escrowWrap';
import { KeyWrapSchema } from '../protocol/keyWrap';
import { MembershipHeadSchema } from '../protocol/membershipHead';
import { KeyVersionNumber, TimestampMs } from '../protocol/wire';

/**
 * zero-trust: only member devices hold conversation keys. escrow: every key version also has a wrap for the
 * recipient. server-trusted: the key service makes every key version (KMS) and can read every conversation.
 */
export const CustodyModeSchema = z.enum(['zero-trust', 'escrow', 'server-trusted']);
export type CustodyMode = z.infer<typeof CustodyModeSchema>;

export const EscrowRecipientSchema = z.strictObject({
  /** The recipient's public key, base64url: X-Wing (1,216 bytes) since issue [pq]; X25519 (32 bytes) if made earlier. */
  publicKey: EscrowPublicKeySchema,
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

/** A key version the key service made (server-trusted custody, docs/protocol.md §19.4), sealed to the calling device. */
export const ServerKeySchema = z
  .strictObject({
    conversationId: ConversationIdSchema,
    version: KeyVersionNumber,
    /** When the key service made the version (ms). */
    createdAt: TimestampMs,
    /** The membership head the version was made at (null for a conversation without a chain). */
    membership: MembershipHeadSchema.nullable(),
    /** The version's key sealed to the calling device (aad label `seed-server-key-wrap-v1`). */
    wrap: KeyWrapSchema,
  })
  .meta({ id: 'ServerKey' });
export type ServerKeyView = z.infer<typeof ServerKeySchema>;

/** What a server-made rotation answers. */
export const ServerKeyMadeSchema = z
  .strictObject({ conversationId: ConversationIdSchema, version: KeyVersionNumber, createdAt: TimestampMs })
  .meta({ id: 'ServerKeyMade' });
