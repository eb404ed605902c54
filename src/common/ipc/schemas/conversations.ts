/** IPC schemas for conversations, members, roles, history policy and key rotation. */
import { z } from 'zod';
import { ConversationIdSchema, UserIdSchema } from '../../ids';

export const roleSchema = z.enum(['owner', 'admin', 'member']);
export const historyPolicySchema = z.enum(['shared', 'joined']);

export const memberSchema = z.object({
  userId: UserIdSchema,
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  joinedAt: z.number().int(),
});

export const conversationSummarySchema = z.object({
  conversationId: ConversationIdSchema,
  kind: z.enum(['direct', 'group']),
  name: z.string(),
  channel: z.string(),
  historyPolicy: historyPolicySchema,
  keyVersion: z.number().int().min(0),
  needsRotation: z.boolean(),
  myRole: roleSchema,
  members: z.array(memberSchema),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const createConversationArgsSchema = z.strictObject({
  kind: z.enum(['direct', 'group']),
  name: z.string().trim().min(1).max(100).optional(),
  memberUserIds: z.array(UserIdSchema).min(1).max(999),
  historyPolicy: historyPolicySchema.default('shared'),
});

export const memberArgsSchema = z.strictObject({ conversationId: ConversationIdSchema, userId: UserIdSchema });
export const addMemberArgsSchema = memberArgsSchema.extend({ role: z.enum(['admin', 'member']).default('member') });
export const setRoleArgsSchema = memberArgsSchema.extend({ role: z.enum(['admin', 'member']) });
export const renameArgsSchema = z.strictObject({ conversationId: ConversationIdSchema, name: z.string().trim().min(1).max(100) });
export const rotationResultSchema = z.object({ conversationId: ConversationIdSchema, keyVersion: z.number().int().min(1) });
