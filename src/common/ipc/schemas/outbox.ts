/**
 * IPC schemas of the offline send queue (docs/client.md "Offline send queue"): the renderer hands main a
 * message it could not send (plaintext with its id; main seals it when it goes out), lists a
 * conversation's queued and stopped sends, retries or deletes one. Codes, never raw errors, name why an
 * entry stopped; the renderer turns them into sentences.
 */
import { z } from 'zod';
import { ConversationIdSchema, MessageIdSchema } from '../../ids';
import { bridgePlaintextSchema } from './messages';

export const queueArgsSchema = z.tuple([ConversationIdSchema, bridgePlaintextSchema]);
export const outboxArgsSchema = z.tuple([ConversationIdSchema]);
export const outboxEntryArgsSchema = z.tuple([ConversationIdSchema, MessageIdSchema]);

/** At most this many entries per `listOutbox` answer. */
export const OUTBOX_LIST_MAX = 1000;

export const outboxEntrySchema = z.object({
  conversationId: ConversationIdSchema,
  plaintext: bridgePlaintextSchema,
  /** `queued`: waits for the network; `failed`: stopped with `failure` until the user retries or deletes it. */
  state: z.enum(['queued', 'failed']),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type OutboxEntryView = z.infer<typeof outboxEntrySchema>;

/** What a try of the queue did in one conversation: entries delivered (with timetokens), and whether some still wait. */
export const outboxChangedSchema = z.object({
  conversationId: ConversationIdSchema,
  delivered: z.array(z.object({ messageId: MessageIdSchema, timetoken: z.string().regex(/^\d{1,20}$/) })),
  waiting: z.boolean(),
});
