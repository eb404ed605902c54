/**
 * Wire schemas of key versions (docs/api.md "Key versions"; docs/protocol.md §6): a submitted version is
 * the creator's full signed record; what a device fetches is the public record (header, wrap digests,
 * signature — enough to verify the signature) plus that device's own wrap, never anyone else's.
 */
import { z } from 'zod';
import { ConversationIdSchema, DeviceIdSchema } from '../ids';
import { KeyVersionRecordSchema, PublicKeyVersionRecordSchema } from '../protocol/keyVersionRecord';
import { EscrowWrapSchema } from '../protocol/escrowWrap';
import { KeyWrapSchema } from '../protocol/keyWrap';
import { WrapGrantSchema } from '../protocol/wrapGrant';
import { KeyVersionNumber, TimestampMs } from '../protocol/wire';

export const SubmitVersionBody = z.strictObject({
  record: KeyVersionRecordSchema.meta({ id: 'KeyVersionRecord' }),
  /** In an escrow organisation, the version's key wrapped to the recovery recipient (docs/protocol.md §19); refused otherwise. */
  escrow: EscrowWrapSchema.optional(),
});

export const VersionAcceptedSchema = z.object({ conversationId: ConversationIdSchema, version: z.number().int(), acceptedAt: z.number().int() });

/** The record with its wraps replaced by their digests (docs/protocol.md §6.2): what every member may see of a version. */
export const PublicRecordSchema = PublicKeyVersionRecordSchema.meta({ id: 'PublicKeyVersionRecord' });
export type PublicRecord = z.infer<typeof PublicRecordSchema>;

export const DeviceKeyVersionSchema = z
  .object({
    conversationId: ConversationIdSchema,
    version: z.number().int(),
    acceptedAt: z.number().int().describe('server time (ms) the version was accepted; "valid at" lookups use this'),
    record: PublicRecordSchema,
    wrap: KeyWrapSchema.describe("this device's wrap of the version's key"),
    addedByDevice: DeviceIdSchema.describe('the device that made this wrap (the record creator, or whoever added the member or device later)'),
    grants: z
      .array(WrapGrantSchema)
      .describe(
        "empty when the record lists this device; else the grant chain of this wrap (docs/protocol.md §6.5): this wrap's grant, then the grant of each granter's own wrap, up to a device the record lists",
      ),
  })
  .meta({ id: 'DeviceKeyVersion' });
export type DeviceKeyVersion = z.infer<typeof DeviceKeyVersionSchema>;

export const VersionParam = z.strictObject({
  conversationId: ConversationIdSchema,
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,9}$/, 'must be a positive integer')
    .transform(Number)
    .pipe(KeyVersionNumber),
});

export const AtParam = z.strictObject({
  conversationId: ConversationIdSchema,
  timestamp: z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/, 'must be milliseconds since the Unix epoch')
    .transform(Number)
    .pipe(TimestampMs),
});

export const PageQuery = z.strictObject({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(0)
    .describe('return versions greater than this'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const VersionPageSchema = z.object({
  versions: z.array(DeviceKeyVersionSchema),
  nextAfter: z.number().int().nullable().describe('pass as `after` for the next page; null at the end'),
});
