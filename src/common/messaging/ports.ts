/**
 * The ports of the messaging pipeline (docs/messaging.md §Ports). The pipeline
 * never holds key bytes: it seals and opens envelopes through `MessageCrypto`, which the Node client core
 * implements over its key ring and the desktop renderer implements over the preload bridge. Where the last
 * received timetoken of each conversation is kept is the host's business (`CursorStore`).
 */
import type { ConversationId, DeviceId, MessageId, UserId } from '../ids';
import type { AttachmentMessage } from '../protocol/attachmentMessage';
import type { ChatAction, ChatActionType } from '../protocol/chatAction';
import type { MessagePlaintext } from '../protocol/plaintext';
import type { ActionChange, StoredAction } from './annotations';

/**
 * What the host's store already applied to a stored message (docs/messaging.md §Replies, edits and
 * deletes): the current text's version when it was edited, or deleted for everyone (the text is gone).
 */
export interface ChatState {
  readonly edited?: { readonly sentAt: number; readonly id: string };
  readonly deleted?: true;
  /** Deleted for me on this device: not shown. */
  readonly hidden?: true;
}

/** The result of opening one envelope. */
export type OpenOutcome =
  | {
      kind: 'ok';
      plaintext: MessagePlaintext;
      senderDevice: DeviceId;
      senderUser: UserId;
      keyVersion: number;
      /** The chat action of a `reply`, `edit` or `delete` envelope (docs/protocol.md §7.7). */
      chat?: ChatAction;
      /** The file of an `attachment` envelope (docs/protocol.md §7.9). */
      attachment?: AttachmentMessage;
      /** Stored messages: what the store already applied. */
      state?: ChatState;
    }
  /** The key version is not held yet; the pipeline retries when `onKeyAvailable` names it. */
  | { kind: 'pending'; keyVersion: number }
  /** A typed protocol error (bad signature, not a member, malformed...): shown as such, never as text. */
  | { kind: 'rejected'; code: string; message: string };

/**
 * Where an envelope was received: the relay's timetoken of the publish. The opener uses it to refuse a
 * sender removed (or a device revoked) before that time (docs/protocol.md §7.4); absent when unknown.
 */
export interface ReceivedAt {
  readonly timetoken: string;
}

/** Envelope sealing and opening, by whoever holds the conversation keys. */
export interface MessageCrypto {
  /**
   * Seals with the conversation's current key version; returns the envelope JSON to publish. `type` is the
   * envelope type of a chat action (its plaintext from `chatActionPlaintext`) or `attachment` (from
   * `attachmentPlaintext`); a message when absent.
   */
  seal(conversationId: ConversationId, plaintext: MessagePlaintext, type?: ChatActionType | 'attachment'): Promise<unknown>;
  /** Opens an envelope received on the conversation's channel. Never throws for bad input: 'rejected'. */
  open(conversationId: ConversationId, envelope: unknown, received?: ReceivedAt): Promise<OpenOutcome>;
  /** Fires when a key version becomes available (fetched after a rotation notice or lazily). */
  onKeyAvailable(listener: (conversationId: ConversationId, keyVersion: number) => void): () => void;
}

/**
 * Persistence of each conversation's catch-up cursor: the timetoken up to which every message has been
 * received. Offline catch-up resumes from it after a restart.
 */
export interface CursorStore {
  load(conversationId: ConversationId): Promise<string | undefined>;
  save(conversationId: ConversationId, timetoken: string): Promise<void>;
}

/** A message as the host's local store kept it when it was opened: never pending. */
export interface StoredEntry {
  readonly timetoken: string;
  readonly outcome: Exclude<OpenOutcome, { kind: 'pending' }>;
  /** Its stored reactions and receipts (kept and removed), when the store keeps them. */
  readonly actions?: readonly StoredAction[];
}

/**
 * The host's local store of opened messages (docs/messaging.md §Stored history): the desktop renderer reads
 * it from main over the bridge (`historyPage`). A conversation shows its newest stored page before catch-up
 * asks PubNub for anything, so a restart (or no network) never shows an empty conversation.
 */
export interface StoredHistory {
  /** The newest `limit` stored messages before `before` (the newest when absent), in timetoken order. */
  page(conversationId: ConversationId, query: { before?: string; limit: number }): Promise<StoredEntry[]>;
  /**
   * Keeps reactions and receipts of stored messages (docs/messaging.md §Receipts and reactions), so `page`
   * answers them after a restart; the store skips messages it does not hold. Optional: a host without it
   * keeps them in memory only.
   */
  keepActions?(conversationId: ConversationId, changes: readonly ActionChange[]): Promise<void>;
  /** Deletes a message for this device only (its text leaves the store). Optional: without it, until restart. */
  hideForMe?(conversationId: ConversationId, messageId: MessageId): Promise<void>;
}
