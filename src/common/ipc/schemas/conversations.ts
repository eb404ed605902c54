/** IPC schemas for conversations, members, roles, history policy, key rotation and the verified membership history. */
import { z } from 'zod';
import { AssignableRoleSchema, ConversationKindSchema, HistoryPolicySchema, RoleSchema } from '../../domain';
import { ConversationIdSchema, UserIdSchema } from '../../ids';
import { DISAPPEARING_SECONDS, type DisappearingSeconds } from '../../protocol/disappearing';

export const memberSchema = z.object({
  userId: UserIdSchema,
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  joinedAt: z.number().int(),
  /** A contact this user met within the last week and has not verified (`Client.isNewContact`); the UI marks them. */
  isNew: z.boolean().optional(),
});

export const conversationSummarySchema = z.object({
  conversationId: ConversationIdSchema,
  kind: ConversationKindSchema,
  name: z.string(),
  channel: z.string(),
  historyPolicy: HistoryPolicySchema,
  keyVersion: z.number().int().min(0),
  needsRotation: z.boolean(),
  myRole: RoleSchema,
  members: z.array(memberSchema),
  /**
   * Whether every wrap of the current key version is post-quantum (X-Wing, docs/protocol.md §5.1):
   * `protected`, `partial` (a member device uses the older key type), or `unknown` (version not held yet).
   */
  postQuantum: z.enum(['protected', 'partial', 'unknown']).optional(),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

/** A person named in a membership event: id, display name as the directory has it, and whether they are a new contact. */
export const membershipPersonSchema = z.object({ userId: UserIdSchema, displayName: z.string(), isNew: z.boolean() });
export type MembershipPerson = z.infer<typeof membershipPersonSchema>;

/** What one verified membership statement changed (docs/protocol.md §15.1), with people named. */
export const membershipChangeViewSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('create'),
    kind: ConversationKindSchema,
    historyPolicy: HistoryPolicySchema,
    members: z.array(membershipPersonSchema.extend({ role: RoleSchema })),
    /** The conversation is older than signed membership; its genesis was recorded later (§15.6). */
    migrated: z.boolean(),
  }),
  z.object({ type: z.literal('add'), user: membershipPersonSchema, role: AssignableRoleSchema }),
  z.object({ type: z.literal('remove'), user: membershipPersonSchema }),
  z.object({ type: z.literal('leave') }),
  z.object({ type: z.literal('role'), user: membershipPersonSchema, role: AssignableRoleSchema }),
  z.object({ type: z.literal('history'), historyPolicy: HistoryPolicySchema }),
  /** The disappearing-messages timer from this statement on, in seconds (0: off; docs/protocol.md §15.8). */
  z.object({ type: z.literal('disappearing'), seconds: z.number().int().min(0) }),
]);

/** A conversation main refused to list because its membership did not verify, and why (the typed error). */
export const refusedConversationSchema = z.object({
  conversationId: ConversationIdSchema,
  code: z.string(),
  message: z.string(),
});
export type RefusedConversation = z.infer<typeof refusedConversationSchema>;

/** One verified membership statement as the renderer shows it: who did what, when (the actor's clock, ms). */
export const membershipEventSchema = z.object({
  seq: z.number().int().min(0),
  at: z.number().int(),
  actor: membershipPersonSchema,
  change: membershipChangeViewSchema,
});
export type MembershipEventView = z.infer<typeof membershipEventSchema>;

export const createConversationArgsSchema = z.strictObject({
  kind: ConversationKindSchema,
  name: z.string().trim().min(1).max(100).optional(),
  memberUserIds: z.array(UserIdSchema).min(1).max(999),
  historyPolicy: HistoryPolicySchema.default('shared'),
});

export const memberArgsSchema = z.strictObject({ conversationId: ConversationIdSchema, userId: UserIdSchema });
export const addMemberArgsSchema = memberArgsSchema.extend({ role: AssignableRoleSchema.default('member') });
export const setRoleArgsSchema = memberArgsSchema.extend({ role: AssignableRoleSchema });
/** A timer of the allowed list (docs/protocol.md §15.8), in seconds; 0 turns disappearing messages off. */
export const setDisappearingArgsSchema = z.strictObject({
  conversationId: ConversationIdSchema,
  seconds: z
    .number()
    .refine((n): n is DisappearingSeconds => (DISAPPEARING_SECONDS as readonly number[]).includes(n) && !Object.is(n, -0), 'not an allowed timer'),
});
export const renameArgsSchema = z.strictObject({ conversationId: ConversationIdSchema, name: z.string().trim().min(1).max(100) });
export const rotationResultSchema = z.object({ conversationId: ConversationIdSchema, keyVersion: z.number().int().min(1) });
