/**
 * Wire schemas of conversations and members (docs/api.md "Conversations and members"): the conversation
 * view with its members and membership head, renaming, and the wraps of existing versions an added member
 * or a member's new device receives. Creating and changing membership are signed statements
 * (membershipSchemas.ts). The vocabulary is src/common/domain.ts.
 */
import { z } from 'zod';
import { ConversationKindSchema, HistoryPolicySchema, RoleSchema } from '../domain';
import { ConversationIdSchema, UserIdSchema } from '../ids';
import { isConsistentKeyWrap, KEY_WRAP_SUITE_MISMATCH, KeyWrapObjectSchema } from '../protocol/keyWrap';
import { MembershipHeadSchema } from '../protocol/membershipHead';
import { KeyVersionNumber, text } from '../protocol/wire';
import { WrapGrantSchema } from '../protocol/wrapGrant';

export const ConversationIdParam = z.strictObject({ conversationId: ConversationIdSchema });

export const ConversationNameSchema = text(1, 100);

export const MemberViewSchema = z
  .object({ userId: UserIdSchema, role: RoleSchema, joinedAt: z.number().int(), firstVersion: z.number().int() })
  .meta({ id: 'Member' });

/** A position in a conversation's membership chain (docs/protocol.md §15). */
export const MembershipHeadWire = MembershipHeadSchema.meta({ id: 'MembershipHead' });

export const ConversationViewSchema = z
  .object({
    conversationId: ConversationIdSchema,
    kind: ConversationKindSchema,
    name: z.string().nullable(),
    historyPolicy: HistoryPolicySchema,
    currentVersion: z.number().int().describe('0 until the first key version is submitted'),
    needsRotation: z.boolean(),
    rotationReason: z.string().nullable(),
    createdBy: UserIdSchema,
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    channel: z.string().describe('the PubNub channel of this conversation'),
    members: z.array(MemberViewSchema),
    membershipHead: MembershipHeadWire.nullable().describe(
      'the last membership statement (docs/protocol.md §15); null for a conversation made before statements existed, until its owner migrates it',
    ),
  })
  .meta({ id: 'Conversation' });
export type ConversationView = z.infer<typeof ConversationViewSchema>;
export const ConversationListSchema = z.object({ conversations: z.array(ConversationViewSchema) });

export const RenameBody = z.strictObject({ name: ConversationNameSchema });

/** A wrap of one existing version for one device (adding a member or a member's new device), with the adding device's grant (docs/protocol.md §6.5). */
export const VersionWrapSchema = KeyWrapObjectSchema.extend({
  version: KeyVersionNumber,
  grant: WrapGrantSchema.meta({ id: 'WrapGrant' }).describe("the adding device's signed grant of this wrap (docs/protocol.md §6.5)"),
})
  .refine(isConsistentKeyWrap, KEY_WRAP_SUITE_MISMATCH)
  .meta({ id: 'VersionWrap' });
export type GrantedWrap = z.infer<typeof VersionWrapSchema>;

export const AddWrapsBody = z.strictObject({ wraps: z.array(VersionWrapSchema).min(1).max(100_000) });
export const WrapsAddedSchema = z.object({ added: z.number().int() });
