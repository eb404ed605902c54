/** IPC schemas for conversations, members, roles, history policy and key rotation. */
import { z } from 'zod';
import { AssignableRoleSchema, ConversationKindSchema, HistoryPolicySchema, RoleSchema } from '../../domain';
import { ConversationIdSchema, UserIdSchema } from '../../ids';

export const memberSchema = z.object({
  userId: UserIdSchema,
  username: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  joinedAt: z.number().int(),
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
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const createConversationArgsSchema = z.strictObject({
  kind: ConversationKindSchema,
  name: z.string().trim().min(1).max(100).optional(),
  memberUserIds: z.array(UserIdSchema).min(1).max(999),
  historyPolicy: HistoryPolicySchema.default('shared'),
});

export const memberArgsSchema = z.strictObject({ conversationId: ConversationIdSchema, userId: UserIdSchema });
export const addMemberArgsSchema = memberArgsSchema.extend({ role: AssignableRoleSchema.default('member') });
export const setRoleArgsSchema = memberArgsSchema.extend({ role: AssignableRoleSchema });
export const renameArgsSchema = z.strictObject({ conversationId: ConversationIdSchema, name: z.string().trim().min(1).max(100) });
export const rotationResultSchema = z.object({ conversationId: ConversationIdSchema, keyVersion: z.number().int().min(1) });
