/**
 * IPC schemas for sealing and opening message envelopes in main (the renderer's `MessageCrypto`). The
 * renderer passes plaintext in and gets an envelope out, or an envelope in and plaintext out; it never
 * sees a key. Only text and JSON bodies cross the bridge (binary attachments are not in v1 of the UI).
 */
import { z } from 'zod';
import { ConversationIdSchema, DeviceIdSchema, MessageIdSchema, UserIdSchema } from '../../ids';
import { MAX_REACTION_LENGTH, unstorableReason } from '../../messaging/annotations';
import { chatActionSchema, chatStateSchema } from './chat';
import { MAX_STOCK_TEXT } from '../../protocol/pubnub/stock';

const jsonValue: z.ZodType<unknown> = z.json();

/**
 * The largest body `sealMessage` seals, in UTF-8 bytes: a text's, or a JSON body's (reactions, receipts,
 * edits) `JSON.stringify`. Main refuses a larger one with `too_large` before any lookup or cryptography.
 * It is about the most an envelope carries within the publish limit (docs/protocol.md §7.5: 23,612 bytes
 * and up), which stays the exact check after sealing.
 */
export const MAX_BRIDGE_BODY = 23_600;

/** A body's size as `MAX_BRIDGE_BODY` counts it; the UTF-8 encoding is skipped when the length alone is over. */
export function bridgeBodyBytes(body: { type: 'string'; body: string } | { type: 'json'; body: unknown }): number {
  const text = body.type === 'string' ? body.body : (JSON.stringify(body.body) ?? '');
  return text.length > MAX_BRIDGE_BODY ? text.length : new TextEncoder().encode(text).length;
}

export const bridgePlaintextSchema = z.discriminatedUnion('type', [
  z.object({ id: MessageIdSchema, sentAt: z.number().int().min(0), type: z.literal('string'), body: z.string() }),
  z.object({ id: MessageIdSchema, sentAt: z.number().int().min(0), type: z.literal('json'), body: jsonValue }),
]);
export type BridgePlaintext = z.infer<typeof bridgePlaintextSchema>;

/** An envelope as published (JSON object), bounded so a hostile page cannot make main parse megabytes. */
export const envelopeJsonSchema = z.record(z.string(), z.unknown()).refine((v) => JSON.stringify(v).length <= 64 * 1024, 'envelope too large');

export const sealArgsSchema = z.tuple([ConversationIdSchema, bridgePlaintextSchema]);
/** `sealChatAction(conversationId, plaintext, type)`: the plaintext from `chatActionPlaintext`, sealed as `type` (docs/protocol.md §7.7). */
export const sealChatActionArgsSchema = z.tuple([ConversationIdSchema, bridgePlaintextSchema, z.enum(['reply', 'edit', 'delete', 'reaction'])]);
/** Where the renderer received an envelope: the relay's timetoken of the publish (17 digits). */
export const receivedAtSchema = z.strictObject({ timetoken: z.string().regex(/^\d{1,20}$/) });

/**
 * A message as a stock PubNub SDK with a crypto module publishes it (docs/protocol.md §8.4): a base64
 * string (a PubNub message that is a string). Main opens it only when the `stockSdkCompat` policy is on
 * (`stock_sdk_disabled` otherwise).
 */
export const stockPayloadSchema = z.string().min(1).max(44_000);
export const openArgsSchema = z.tuple([ConversationIdSchema, envelopeJsonSchema, receivedAtSchema.optional()]);
/** `openStockMessage(conversationId, payload, received)`: the timetoken is required (it is the message's id and time). */
export const openStockArgsSchema = z.tuple([ConversationIdSchema, stockPayloadSchema, receivedAtSchema]);

/** `sendStockMessage(conversationId, text)`: a text published in stock format (unsigned). */
export const sendStockArgsSchema = z.tuple([ConversationIdSchema, z.string().min(1).max(MAX_STOCK_TEXT)]);
export const sendStockResultSchema = z.object({ timetoken: z.string().regex(/^\d{1,20}$/), keyVersion: z.number().int().min(1) });

/** At most this many envelopes per `openMessages` call (a history page is 25). */
export const OPEN_BATCH_MAX = 50;
/** The envelopes of one batch, and where each was received (same order and length when given). */
export const openManyArgsSchema = z.tuple([
  ConversationIdSchema,
  z.array(envelopeJsonSchema).min(1).max(OPEN_BATCH_MAX),
  z.array(receivedAtSchema).max(OPEN_BATCH_MAX).optional(),
]);

/** An opened message: its plaintext and who sent it under which key version (live and stored alike). */
const openedSchema = z.object({
  kind: z.literal('ok'),
  plaintext: bridgePlaintextSchema,
  senderDevice: DeviceIdSchema,
  senderUser: UserIdSchema,
  keyVersion: z.number().int(),
  /** A reply, edit or delete (docs/protocol.md §7.7), and what main's store applied (schemas/chat.ts). */
  chat: chatActionSchema.optional(),
  state: chatStateSchema.optional(),
});

export const openOutcomeSchema = z.discriminatedUnion('kind', [
  openedSchema,
  z.object({ kind: z.literal('pending'), keyVersion: z.number().int() }),
  z.object({ kind: z.literal('rejected'), code: z.string(), message: z.string() }),
]);
export type OpenOutcomeView = z.infer<typeof openOutcomeSchema>;

/** At most this many stored messages per `historyPage` answer. */
export const HISTORY_PAGE_MAX = 100;

/** Which page of a conversation's stored history: the newest `limit` messages before `before` (the newest when absent). */
export const historyQuerySchema = z.strictObject({
  before: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional(),
  limit: z.number().int().min(1).max(HISTORY_PAGE_MAX),
});
export const historyPageArgsSchema = z.tuple([ConversationIdSchema, historyQuerySchema]);

const timetoken = z.string().regex(/^\d{1,20}$/);

/**
 * One reaction or read receipt (a PubNub message action; docs/messaging.md §Receipts and reactions): only
 * `reaction`/<emoji, 1-64 characters> and `receipt`/`read`, actor a user id, timetokens 1-20 digits.
 */
export const messageActionSchema = z
  .strictObject({
    messageTimetoken: timetoken,
    type: z.enum(['reaction', 'receipt']),
    value: z.string().min(1).max(MAX_REACTION_LENGTH),
    actor: UserIdSchema,
    actionTimetoken: timetoken,
  })
  .refine((a) => unstorableReason(a) === null, 'not a reaction or read receipt this app keeps');

/** At most this many action changes per `keepMessageActions` call. */
export const ACTION_BATCH_MAX = 500;

/** An action added, or removed for good (a removal wins over any later listing). */
export const actionChangeSchema = z.strictObject({ event: z.enum(['added', 'removed']), action: messageActionSchema });
export const keepActionsArgsSchema = z.tuple([ConversationIdSchema, z.array(actionChangeSchema).min(1).max(ACTION_BATCH_MAX)]);

/** A stored action as `historyPage` answers it with its message: `removed` when it was taken back. */
export const storedActionSchema = z.object({
  messageTimetoken: timetoken,
  type: z.string().max(16),
  value: z.string().max(MAX_REACTION_LENGTH),
  actor: z.string().max(64),
  actionTimetoken: timetoken,
  removed: z.boolean(),
});

/** One stored message as main kept it when it opened the envelope: opened, or refused with its code. */
export const storedMessageSchema = z.object({
  timetoken: z.string().regex(/^\d{1,20}$/),
  outcome: z.discriminatedUnion('kind', [openedSchema, z.object({ kind: z.literal('rejected'), code: z.string(), message: z.string() })]),
  /** Its stored reactions and receipts (`historyPage`); absent when none. At most 256 (the store's bound). */
  actions: z.array(storedActionSchema).max(256).optional(),
});
export type StoredMessageView = z.infer<typeof storedMessageSchema>;
