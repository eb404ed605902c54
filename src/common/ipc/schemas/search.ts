/**
 * IPC schemas for message search (docs/client.md "Search", docs/desktop.md): the renderer sends user text
 * and gets hits — conversation, timetoken, sender, date and a snippet with highlight ranges — never the
 * store or an FTS query. The bounds are checked before main reads anything.
 */
import { z } from 'zod';
import { ConversationIdSchema, MessageIdSchema, UserIdSchema } from '../../ids';
import { storedMessageSchema } from './messages';

/** The longest query (UTF-16 code units), as the store bounds it. */
export const SEARCH_QUERY_MAX = 200;
/** At most this many hits per `searchMessages` answer. */
export const SEARCH_HITS_MAX = 50;
/** At most this many stored messages per `messageContext` answer. */
export const CONTEXT_MAX = 50;

const timetoken = z.string().regex(/^\d{1,20}$/);

export const searchArgsSchema = z.strictObject({
  query: z.string().min(1).max(SEARCH_QUERY_MAX),
  /** One conversation; every conversation the user belongs to when absent. */
  conversationId: ConversationIdSchema.optional(),
  limit: z.number().int().min(1).max(SEARCH_HITS_MAX),
});
export type SearchArgs = z.infer<typeof searchArgsSchema>;

export const searchHitSchema = z.object({
  conversationId: ConversationIdSchema,
  timetoken,
  messageId: MessageIdSchema,
  senderUser: UserIdSchema,
  sentAt: z.number().int().min(0),
  snippet: z.object({
    text: z.string().max(SEARCH_QUERY_MAX + 400),
    highlights: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).max(200),
  }),
});
export type SearchHitView = z.infer<typeof searchHitSchema>;

/** Which message to show in its context: the conversation, its timetoken, how many messages around it. */
export const contextArgsSchema = z.strictObject({
  conversationId: ConversationIdSchema,
  timetoken,
  limit: z.number().int().min(1).max(CONTEXT_MAX),
});

export const contextResultSchema = z.array(storedMessageSchema).max(CONTEXT_MAX);
