/**
 * Wire schemas of conversations and members (issue 5, "Conversations: create 1:1 and group; roles
 * owner/admin/member; ... history policy `shared` | `joined`").
 */
import { z } from 'zod';
import { ConversationIdSchema, DeviceIdSchema, UserIdSchema } from '../../common/ids';
import { KeyVersionNumber, text } from '../../common/protocol/wire';
import { KeyWrapSchema } from '../../common/protocol/keyWrap';
import { WrapGrantSchema } from '../../common/protocol/wrapGrant';

export const ConversationKindSchema = z.enum(['direct', 'group']);
export const HistoryPolicySchema = z.enum(['shared', 'joined']).describe('shared: members get every key version; joined: from the version current when they joined');
export const RoleSchema = z.enum(['owner', 'admin', 'member']);
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
  role: z.enum(['admin', 'member']).default('member'),
  wraps: z.array(VersionWrapSchema).max(100_000).describe("wraps of every version the history policy gives the new member, for each of their devices"),
});

export const AddWrapsBody = z.strictObject({ wraps: z.array(VersionWrapSchema).min(1).max(100_000) });

export const SetRoleBody = z.strictObject({ role: z.enum(['admin', 'member']) });

export const DeviceRef = DeviceIdSchema;
