/**
 * Wire schemas of conversations and members (docs/api.md "Conversations and members"): the conversation
 * view with its members, creating, renaming, adding a member with the wraps the history policy grants,
 * adding wraps for a member's new device, and roles. The vocabulary is src/common/domain.ts.
 */
import { z } from 'zod';
import { AssignableRoleSchema, ConversationKindSchema, HistoryPolicySchema, RoleSchema } from '../domain';
import { ConversationIdSchema, UserIdSchema } from '../ids';
import { KeyWrapSchema } from '../protocol/keyWrap';
import { KeyVersionNumber, text } from '../protocol/wire';
import { WrapGrantSchema } from '../protocol/wrapGrant';

export const ConversationIdParam = z.strictObject({ conversationId: ConversationIdSchema });
export const ConversationMemberParam = z.strictObject({ conversationId: ConversationIdSchema, userId: UserIdSchema });

export const ConversationNameSchema = text(1, 100);

export const MemberViewSchema = z
  .object({ userId: UserIdSchema, role: RoleSchema, joinedAt: z.number().int(), firstVersion: z.number().int() })
  .meta({ id: 'Member' });

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
  })
  .meta({ id: 'Conversation' });
export type ConversationView = z.infer<typeof ConversationViewSchema>;
export const ConversationListSchema = z.object({ conversations: z.array(ConversationViewSchema) });

export const CreateConversationBody = z.strictObject({
  kind: ConversationKindSchema,
  name: ConversationNameSchema.optional(),
  historyPolicy: HistoryPolicySchema.default('shared'),
  members: z.array(UserIdSchema).min(1).max(999).describe('the other members (not the creator)'),
});

export const RenameBody = z.strictObject({ name: ConversationNameSchema });

/** A wrap of one existing version for one device (adding a member or a member's new device), with the adding device's grant (docs/protocol.md §6.5). */
export const VersionWrapSchema = KeyWrapSchema.extend({
  version: KeyVersionNumber,
  grant: WrapGrantSchema.meta({ id: 'WrapGrant' }).describe("the adding device's signed grant of this wrap (docs/protocol.md §6.5)"),
}).meta({ id: 'VersionWrap' });
export type GrantedWrap = z.infer<typeof VersionWrapSchema>;

export const AddMemberBody = z.strictObject({
  userId: UserIdSchema,
  role: AssignableRoleSchema.default('member'),
  wraps: z.array(VersionWrapSchema).max(100_000).describe('wraps of every version the history policy gives the new member, for each of their devices'),
});

export const AddWrapsBody = z.strictObject({ wraps: z.array(VersionWrapSchema).min(1).max(100_000) });
export const WrapsAddedSchema = z.object({ added: z.number().int() });

export const SetRoleBody = z.strictObject({ role: AssignableRoleSchema });
export const MemberRoleSchema = z.object({ userId: z.string(), role: z.string() });
