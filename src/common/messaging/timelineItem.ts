/**
 * What a conversation's timeline shows (docs/messaging.md §Timeline): decrypted messages (with the delivery
 * state of this device's own sends, reactions and read receipts), "cannot decrypt yet" items that resolve
 * by themselves, rejected envelopes with their protocol error code (never as text), and system items where
 * the conversation's key version changes. `key` is stable for the life of an item (list keys in the UI).
 */
import type { AttachmentMessage } from '../protocol/attachmentMessage';
import type { DeviceId, MessageId, UserId } from '../ids';
import type { MessagePlaintext } from '../protocol/plaintext';
import type { DeliveryFailureCode } from './errors';

/** The delivery state of a message this pipeline sent. */
export type Delivery =
  { readonly state: 'sending' } | { readonly state: 'sent' } | { readonly state: 'failed'; readonly code: DeliveryFailureCode; readonly message: string };

/** One reaction value on a message and who chose it (PubNub user ids). */
export interface Reaction {
  readonly value: string;
  readonly actors: readonly string[];
  /** True when this client's PubNub user is among the actors. */
  readonly mine: boolean;
}

/** What a reply quotes (docs/messaging.md §Replies, edits and deletes). */
export interface ReplyRef {
  readonly id: MessageId;
  /** The original as this device holds it; undefined when it is not available (expired, deleted, not loaded). */
  readonly original: { readonly timetoken: string | undefined; readonly senderUser: UserId; readonly text: string } | undefined;
}

export interface MessageItem {
  readonly kind: 'message';
  readonly key: string;
  /** Undefined while a send has not been acknowledged. */
  readonly timetoken: string | undefined;
  readonly id: MessageId;
  readonly message: MessagePlaintext;
  readonly senderUser: UserId;
  readonly senderDevice: DeviceId;
  readonly keyVersion: number | undefined;
  /** Present on messages sent by this pipeline. */
  readonly delivery: Delivery | undefined;
  readonly reactions: readonly Reaction[];
  /** PubNub users whose read receipt covers this message. */
  readonly readBy: readonly string[];
  /** Present on a reply: the message it quotes. */
  readonly replyTo?: ReplyRef;
  /** Present on a file (docs/protocol.md §7.9): its descriptor (with the file key: main and the CLI only) and caption. */
  readonly attachment?: AttachmentMessage;
  /** True when its author edited it; `message` holds the current text. */
  readonly edited?: boolean;
  /** True when its author deleted it for everyone; `message`'s body is empty. */
  readonly deleted?: boolean;
  /** The author's edits, oldest first (shown to the author as previous versions). */
  readonly versions?: readonly { readonly id: MessageId; readonly sentAt: number; readonly text: string }[];
}

export interface PendingItem {
  readonly kind: 'pending';
  readonly key: string;
  readonly timetoken: string;
  readonly keyVersion: number;
  /** The PubNub publisher, as the transport reports it (not authenticated). */
  readonly publisher: string | undefined;
}

export interface RejectedItem {
  readonly kind: 'rejected';
  readonly key: string;
  readonly timetoken: string;
  readonly code: string;
  readonly reason: string;
  readonly publisher: string | undefined;
}

export interface SystemItem {
  readonly kind: 'system';
  readonly key: string;
  readonly event: 'key_rotated';
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly timetoken: string | undefined;
}

export type TimelineItem = MessageItem | PendingItem | RejectedItem | SystemItem;
