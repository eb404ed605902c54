/**
 * Events main pushes to the renderer (the other direction of the IPC contract). Each has a payload
 * schema; main parses every payload through it before sending, and the bridge exposes one named
 * `on<Event>(listener) → unsubscribe` function per event. Payloads carry ids and states, never keys.
 */
import { z } from 'zod';
import { ChannelIdSchema, ConversationIdSchema, UserIdSchema } from '../ids';
import { navigateSchema } from './schemas/notifications';
import { linkStatusSchema } from './schemas/devices';
import { sessionSchema } from './schemas/session';
import { outboxChangedSchema } from './schemas/outbox';
import { transferStateSchema } from './schemas/files';

import type { EventName } from './eventNames';

export { EVENT_CHANNEL, eventNames, listenerName, type EventName } from './eventNames';

export const eventSchemas = {
  /** A conversation key version became available in main: pending messages can be opened now. */
  keyAvailable: z.object({ conversationId: ConversationIdSchema, keyVersion: z.number().int().min(1) }),
  /** Membership, name, roles or key version of a conversation changed (or a conversation appeared). */
  conversationsChanged: z.object({ conversationId: ConversationIdSchema.nullable(), reason: z.string() }),
  /** Progress of a device link on this device. */
  linkStatus: linkStatusSchema,
  /** Signed in, signed out, or this device was revoked. */
  sessionChanged: sessionSchema,
  /** A broadcast channel's messages or state changed (a delivery, an opened message, a new channel). */
  broadcastChanged: z.object({ channelId: ChannelIdSchema }),
  /** Main asks the UI to go somewhere: a deep link or a click on a notification (already parsed strictly). */
  navigate: navigateSchema,
  /** A contact's trust state changed (verified, identity changed, acknowledged): refresh banners and badges. */
  trustChanged: z.object({ userId: UserIdSchema }),
  /** The offline send queue was tried: what went out, and whether some entries still wait for the network. */
  outboxChanged: outboxChangedSchema,
  /** Main could not save opened messages in the local store (they are still shown); the code is logged too. */
  localStoreFailed: z.object({ code: z.string() }),
  /** Stored messages of a conversation disappeared (their timer ran out): drop them from every view. */
  messagesExpired: z.object({ conversationId: ConversationIdSchema, timetokens: z.array(z.string().regex(/^\d{1,20}$/)).max(10_000) }),
  /** A file upload or download made progress, finished, failed or was cancelled (docs/desktop.md "Files"). */
  fileTransfer: transferStateSchema,
  /** A reset of this account was asked for or cancelled (docs/protocol.md §18.9): re-read `accountResetRequest`. */
  accountResetChanged: z.object({}),
} as const satisfies Record<EventName, z.ZodType>;

export type EventPayload<E extends EventName> = z.infer<(typeof eventSchemas)[E]>;
