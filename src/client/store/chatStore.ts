/**
 * Replies, edits and deletes in the local store (docs/client.md "Edits and deletes", docs/protocol.md §7.7).
 * Migration 8 (`CHAT_MIGRATION`):
 *
 * - `messages.chat`: 1 on a reply (its body is the reply's JSON, `{replyTo, text}`); NULL on a message.
 * - `messages.chat_state`: NULL; 1 edited (the body holds the current text, so search finds the current
 *   words); 2 deleted for everyone and 3 deleted for me (the body is NULL: the text leaves the row, and the
 *   search index's trigger drops its words; `secure_delete` zeroes the freed bytes).
 * - `chat_edits`: every edit (conversation, target message id, edit id, verified author, signed time, text),
 *   and the original text as version 0 once an edit applies, so the author can see the previous versions.
 * - `chat_deletes`: a delete for everyone (author = its verified sender) or for me (author = 0), kept without
 *   text as a tombstone, so an original that arrives later (catch-up, scroll-back) is stored without its text.
 *
 * Arrival order does not matter: `applyTo` recomputes a message from what is stored — an author's delete wins,
 * else the author's newest edit by (sentAt, id) — whenever the message or an action on it arrives, and a
 * duplicate or replayed action is the same row. An edit or delete whose verified sender is not the target's
 * verified sender is refused (`NotAuthorError`) and nothing of it is kept; one that arrives before its target
 * is kept until the target comes, and dropped then if the authors differ.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { ConversationId, MessageId, UserId } from '../../common/ids';
import type { ChatAction } from '../../common/protocol/chatAction';
import { checkAuthor, isNewerEdit } from '../../common/protocol/chatAction';
import { NotAuthorError } from '../../common/protocol/errors';
import type { ChatState } from '../../common/messaging/ports';
import { decodeMessageId, encodeMessageId, type Names } from './messageRows';

export const CHAT_MIGRATION = `
  ALTER TABLE messages ADD COLUMN chat INTEGER;          -- 1: a reply (body = its JSON); NULL: a message
  ALTER TABLE messages ADD COLUMN chat_state INTEGER;    -- 1 edited, 2 deleted for everyone, 3 deleted for me
  CREATE INDEX messages_by_message_id ON messages (conversation, message_id);
  CREATE TABLE chat_edits (
    conversation INTEGER NOT NULL,  -- names.id
    target BLOB NOT NULL,           -- the edited message's id, as messages.message_id stores it
    edit_id TEXT NOT NULL,          -- the edit's own id (text: its order is the protocol's tie-break); the target's id for version 0
    author INTEGER NOT NULL,        -- names.id of the verified sender user
    sent_at INTEGER NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (conversation, target, edit_id)
  ) WITHOUT ROWID;
  CREATE TABLE chat_deletes (
    conversation INTEGER NOT NULL,
    target BLOB NOT NULL,
    author INTEGER NOT NULL,        -- names.id of the verified sender user; 0: deleted for me
    PRIMARY KEY (conversation, target, author)
  ) WITHOUT ROWID;
  CREATE TRIGGER chat_edits_leave_with_message AFTER DELETE ON messages WHEN old.message_id IS NOT NULL BEGIN
    DELETE FROM chat_edits WHERE conversation = old.conversation AND target = old.message_id;
  END`;

export const EDITED = 1;
export const DELETED = 2;
export const HIDDEN = 3;

/** An edit or delete as `put` hands it over: the action with its own id, time and verified sender. */
export interface ChatActionRow {
  readonly conversationId: ConversationId;
  readonly timetoken: string;
  readonly id: MessageId;
  readonly sentAt: number;
  readonly senderUser: UserId;
  readonly action: Extract<ChatAction, { kind: 'edit' | 'delete' }>;
}

interface TargetRow {
  id: bigint;
  sender_user: number;
  sent_at: number;
  body_type: number;
  body: string | null;
  chat: number | null;
  chat_state: number | null;
}

/**
 * Records an edit or delete (inside the caller's transaction); NotAuthorError, with nothing written, when the
 * target is stored and was sent by someone else.
 */
export function recordAction(db: Database.Database, names: Names, row: ChatActionRow): void {
  const conversation = names.intern(row.conversationId);
  const target = encodeMessageId(row.action.target);
  const stored = targetRow(db, conversation, target);
  const author = names.intern(row.senderUser);
  if (stored !== undefined) checkAuthor(row.action, row.senderUser, names.name(Number(stored.sender_user)) as UserId);
  if (row.action.kind === 'delete') {
    db.prepare('INSERT OR IGNORE INTO chat_deletes (conversation, target, author) VALUES (?, ?, ?)').run(conversation, target, author);
  } else {
    db.prepare('INSERT OR IGNORE INTO chat_edits (conversation, target, edit_id, author, sent_at, text) VALUES (?, ?, ?, ?, ?, ?)').run(
      conversation,
      target,
      row.id,
      author,
      row.sentAt,
      row.action.text,
    );
  }
  applyTo(db, conversation, target);
}

/** Deletes a message for this device only (a tombstone without text; the row's text goes). */
export function hideForMe(db: Database.Database, names: Names, conversationId: ConversationId, messageId: MessageId): void {
  const conversation = names.intern(conversationId);
  const target = encodeMessageId(messageId);
  db.prepare('INSERT OR IGNORE INTO chat_deletes (conversation, target, author) VALUES (?, ?, 0)').run(conversation, target);
  applyTo(db, conversation, target);
}

function targetRow(db: Database.Database, conversation: number, target: Buffer | string): TargetRow | undefined {
  // The row key (timetoken × 100 + slot) is beyond a double's exact integers: read as a bigint.
  const r = db
    .prepare(
      'SELECT id, sender_user, sent_at, body_type, body, chat, chat_state FROM messages WHERE conversation = ? AND message_id = ? AND outcome = 1 LIMIT 1',
    )
    .safeIntegers(true)
    .get(conversation, target) as Record<keyof TargetRow, bigint | string | null> | undefined;
  if (r === undefined) return undefined;
  const n = (v: bigint | string | null) => (v === null ? null : Number(v));
  return {
    id: r.id as bigint,
    sender_user: Number(r.sender_user),
    sent_at: Number(r.sent_at ?? 0),
    body_type: Number(r.body_type ?? 0),
    body: r.body as string | null,
    chat: n(r.chat),
    chat_state: n(r.chat_state),
  };
}

/** The text of a stored body: a string message's body, or a reply's `text`. Undefined for other JSON. */
function textOfRow(r: TargetRow): string | undefined {
  if (r.body === null) return undefined;
  if (r.body_type !== 1) return r.body;
  if (r.chat !== 1) return undefined;
  const text = (JSON.parse(r.body) as { text?: unknown }).text;
  return typeof text === 'string' ? text : undefined;
}

function bodyWith(r: TargetRow, text: string): string {
  if (r.body_type !== 1) return text;
  const parsed = JSON.parse(r.body ?? '{}') as { replyTo?: unknown };
  return JSON.stringify({ replyTo: parsed.replyTo, text });
}

/**
 * Recomputes the stored message `target` from its stored actions (any order, any number of times): a delete
 * for me or by its author takes the text out of the row and every version; else the author's newest edit
 * is the body. Actions by anyone else on it are dropped. Nothing when the message is not stored (yet).
 */
export function applyTo(db: Database.Database, conversation: number, target: Buffer | string): void {
  const row = targetRow(db, conversation, target);
  if (row === undefined) return;
  const author = Number(row.sender_user);
  db.prepare('DELETE FROM chat_edits WHERE conversation = ? AND target = ? AND author <> ?').run(conversation, target, author);
  db.prepare('DELETE FROM chat_deletes WHERE conversation = ? AND target = ? AND author NOT IN (0, ?)').run(conversation, target, author);
  const deletes = db.prepare('SELECT author FROM chat_deletes WHERE conversation = ? AND target = ?').all(conversation, target) as { author: number }[];
  if (deletes.length > 0) {
    const state = deletes.some((d) => d.author === author) ? DELETED : HIDDEN;
    db.prepare('DELETE FROM chat_edits WHERE conversation = ? AND target = ?').run(conversation, target);
    if (row.body !== null || row.chat_state !== state) db.prepare('UPDATE messages SET body = NULL, chat_state = ? WHERE id = ?').run(state, row.id);
    return;
  }
  const ownId = decodeMessageId(target as Buffer | string);
  const edits = db
    .prepare('SELECT edit_id AS id, sent_at AS sentAt, text FROM chat_edits WHERE conversation = ? AND target = ? AND edit_id <> ?')
    .all(conversation, target, ownId) as { id: string; sentAt: number; text: string }[];
  if (edits.length === 0) return;
  const text = textOfRow(row);
  if (text === undefined && row.chat_state !== EDITED) return; // only text (and replies) can be edited
  if (row.chat_state === null && text !== undefined) {
    // Version 0: the original text, kept once the first edit applies (the author sees previous versions).
    db.prepare('INSERT OR IGNORE INTO chat_edits (conversation, target, edit_id, author, sent_at, text) VALUES (?, ?, ?, ?, ?, ?)').run(
      conversation,
      target,
      ownId,
      author,
      row.sent_at,
      text,
    );
  }
  const newest = edits.reduce((a, b) => (isNewerEdit(b, a) ? b : a));
  db.prepare('UPDATE messages SET body = ?, chat_state = ? WHERE id = ?').run(bodyWith(row, newest.text), EDITED, row.id);
}

/** What the store applied to some messages: message id → state (only messages with one). */
export function chatStates(
  db: Database.Database,
  names: Names,
  conversationId: ConversationId,
  ids: readonly MessageId[],
): Map<MessageId, ChatState & { hidden?: true }> {
  const out = new Map<MessageId, ChatState & { hidden?: true }>();
  const conversation = names.ref(conversationId);
  if (conversation === undefined) return out;
  const get = db.prepare('SELECT chat_state FROM messages WHERE conversation = ? AND message_id = ? AND outcome = 1 LIMIT 1');
  for (const id of ids) {
    const r = get.get(conversation, encodeMessageId(id)) as { chat_state: number | null } | undefined;
    const state = r === undefined ? null : stateOf(db, conversation, encodeMessageId(id), r.chat_state);
    if (state !== null) out.set(id, state);
  }
  return out;
}

/** The state a stored `chat_state` stands for (the current edit's version from `chat_edits`). */
export function stateOf(
  db: Database.Database,
  conversation: number,
  target: Buffer | string,
  chatState: number | null,
): (ChatState & { hidden?: true }) | null {
  if (chatState === DELETED) return { deleted: true };
  if (chatState === HIDDEN) return { hidden: true };
  if (chatState !== EDITED) return null;
  const ownId = decodeMessageId(target as Buffer | string);
  const edits = db
    .prepare('SELECT edit_id AS id, sent_at AS sentAt FROM chat_edits WHERE conversation = ? AND target = ? AND edit_id <> ?')
    .all(conversation, target, ownId) as { id: string; sentAt: number }[];
  if (edits.length === 0) return { edited: { sentAt: 0, id: '' } };
  const newest = edits.reduce((a, b) => (isNewerEdit(b, a) ? b : a));
  return { edited: { sentAt: newest.sentAt, id: newest.id } };
}

/** The versions of a stored message, oldest first (version 0 is the original); empty when never edited. */
export function versionsOf(
  db: Database.Database,
  names: Names,
  conversationId: ConversationId,
  messageId: MessageId,
): { id: string; sentAt: number; text: string; author: UserId }[] {
  const conversation = names.ref(conversationId);
  if (conversation === undefined) return [];
  const rows = db
    .prepare('SELECT edit_id AS id, sent_at AS sentAt, text, author FROM chat_edits WHERE conversation = ? AND target = ?')
    .all(conversation, encodeMessageId(messageId)) as { id: string; sentAt: number; text: string; author: number }[];
  const original = rows.filter((r) => r.id === messageId);
  const edits = rows.filter((r) => r.id !== messageId).sort((a, b) => (isNewerEdit(a, b) ? 1 : isNewerEdit(b, a) ? -1 : 0));
  return [...original, ...edits].map((r) => ({ id: r.id, sentAt: r.sentAt, text: r.text, author: names.name(r.author) as UserId }));
}

export { NotAuthorError };
