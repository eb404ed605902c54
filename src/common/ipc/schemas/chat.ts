/**
 * IPC schemas for replies, edits and deletes (docs/desktop.md "Replies, edits and deletes"; docs/protocol.md
 * §7.7): the chat action an opened envelope carries, what main's store applied to a message, and the
 * arguments of `sealChatAction`, `deleteForMe` and `messageVersions`; drafts (`saveDraft`, `listDrafts`).
 */
import { z } from 'zod';
import { ConversationIdSchema, MessageIdSchema, UserIdSchema } from '../../ids';
import { isReactionValue, MAX_CHAT_TEXT } from '../../protocol/chatAction';

const text = z.string().min(1).max(MAX_CHAT_TEXT);

/** The chat action of an opened `reply` / `edit` / `delete` / `reaction` envelope. */
export const chatActionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('reply'), replyTo: MessageIdSchema, text }),
  z.strictObject({ kind: z.literal('edit'), target: MessageIdSchema, text }),
  z.strictObject({ kind: z.literal('delete'), target: MessageIdSchema }),
  z.strictObject({
    kind: z.literal('reaction'),
    target: MessageIdSchema,
    value: z.string().refine((v) => isReactionValue(v)),
    op: z.enum(['add', 'remove']),
  }),
]);

/** What main's store applied to a message: the current edit's version, deleted for everyone, or for me. */
export const chatStateSchema = z.strictObject({
  edited: z.strictObject({ sentAt: z.number().int().min(0), id: z.string().max(64) }).optional(),
  deleted: z.literal(true).optional(),
  hidden: z.literal(true).optional(),
});

/** `deleteForMe(conversationId, messageId)` and `messageVersions(conversationId, messageId)`. */
export const messageRefArgsSchema = z.tuple([ConversationIdSchema, MessageIdSchema]);

/** One version of an edited message (version 0 is the original), oldest first. */
export const messageVersionSchema = z.strictObject({ id: z.string().max(64), sentAt: z.number().int().min(0), text: z.string(), author: UserIdSchema });

/** At most this many versions are answered. */
export const MAX_VERSIONS = 100;

/** The longest draft kept, in UTF-16 code units (the composer's limit is a message's body, 23,600 bytes). */
export const MAX_DRAFT = 64_000;

/** At most this many drafts are kept (the most recently changed). */
export const MAX_DRAFTS = 1_000;

/** `saveDraft(conversationId, text)`: an empty text deletes the draft. */
export const saveDraftArgsSchema = z.tuple([ConversationIdSchema, z.string().max(MAX_DRAFT)]);

/** One kept draft. */
export const draftSchema = z.strictObject({ conversationId: ConversationIdSchema, text: z.string().min(1).max(MAX_DRAFT) });
