/**
 * Attachments kept with their messages (docs/client.md "Files"; docs/protocol.md §7.9). The message row keeps
 * the body `{descriptor, caption?}` (flag `chat` = ATTACHMENT_ROW) like any message; this table (migration 10,
 * `ATTACHMENTS_MIGRATION`) keeps the descriptor a second time, with the sending device and the decrypted copies
 * this device saved, because a delete for everyone or an expiry takes the body out of the row: the sweep
 * (`sweepAttachments`) then still knows which store objects and which local files belong to the message.
 * It lives in the encrypted store (the descriptor holds the file key) and `secure_delete` zeroes what it drops.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { parseAttachmentDescriptor, type AttachmentDescriptor } from '../../common/attachments/descriptor';
import type { ConversationId, DeviceId, MessageId } from '../../common/ids';
import { DELETED, HIDDEN } from './chatStore';
import { encodeMessageId, type Names } from './messageRows';

/** The `chat` column's value on the row of an attachment message (1 is a reply). */
export const ATTACHMENT_ROW = 2;

export const ATTACHMENTS_MIGRATION = `
  CREATE TABLE attachments (
    conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    sender_device TEXT NOT NULL,
    descriptor TEXT NOT NULL,         -- JSON, docs/protocol.md §20.5 (holds the file key)
    local_copies TEXT NOT NULL DEFAULT '[]',  -- JSON array of paths of decrypted copies saved on this device
    PRIMARY KEY (conversation_id, message_id)
  ) WITHOUT ROWID`;

/** An attachment the sweep released: its message is gone for everyone, expired, or deleted for me. */
export interface ReleasedAttachment {
  readonly conversationId: ConversationId;
  readonly messageId: MessageId;
  readonly senderDevice: DeviceId;
  readonly descriptor: AttachmentDescriptor;
  readonly localCopies: readonly string[];
  /** `deleted` for everyone or `expired`: the sender's objects go too; `hidden`: deleted on this device only. */
  readonly reason: 'deleted' | 'expired' | 'hidden';
}

interface AttachmentRow {
  conversation_id: string;
  message_id: string;
  sender_device: string;
  descriptor: string;
  local_copies: string;
}

/** Keeps a message's descriptor (a second delivery changes nothing). */
export function keepAttachment(
  db: Database.Database,
  row: { conversationId: string; messageId: string; senderDevice: string; descriptor: AttachmentDescriptor },
): void {
  db.prepare('INSERT OR IGNORE INTO attachments (conversation_id, message_id, sender_device, descriptor) VALUES (?, ?, ?, ?)').run(
    row.conversationId,
    row.messageId,
    row.senderDevice,
    JSON.stringify(row.descriptor),
  );
}

/** The kept descriptor of a message, or undefined. */
export function keptAttachment(
  db: Database.Database,
  conversationId: string,
  messageId: string,
): { descriptor: AttachmentDescriptor; senderDevice: DeviceId; localCopies: string[] } | undefined {
  const r = db.prepare('SELECT * FROM attachments WHERE conversation_id = ? AND message_id = ?').get(conversationId, messageId) as AttachmentRow | undefined;
  if (r === undefined) return undefined;
  return {
    descriptor: parseAttachmentDescriptor(JSON.parse(r.descriptor)),
    senderDevice: r.sender_device as DeviceId,
    localCopies: JSON.parse(r.local_copies) as string[],
  };
}

/** Records a decrypted copy saved on this device (deleted with the message). */
export function addLocalCopy(db: Database.Database, conversationId: string, messageId: string, path: string): boolean {
  const kept = keptAttachment(db, conversationId, messageId);
  if (kept === undefined) return false;
  const copies = [...new Set([...kept.localCopies, path])];
  db.prepare('UPDATE attachments SET local_copies = ? WHERE conversation_id = ? AND message_id = ?').run(JSON.stringify(copies), conversationId, messageId);
  return true;
}

/**
 * Takes out every attachment whose message is no longer readable here — deleted for everyone, deleted for
 * me, or gone from the store (expired) — and answers them, so the caller deletes the local copies and,
 * for its own device's files, the store objects.
 */
export function sweepAttachments(db: Database.Database, names: Names): ReleasedAttachment[] {
  const rows = db.prepare('SELECT * FROM attachments').all() as AttachmentRow[];
  const state = db.prepare('SELECT chat_state FROM messages WHERE conversation = ? AND message_id = ? AND outcome = 1 LIMIT 1');
  const drop = db.prepare('DELETE FROM attachments WHERE conversation_id = ? AND message_id = ?');
  const released: ReleasedAttachment[] = [];
  for (const r of rows) {
    const conversation = names.ref(r.conversation_id);
    const found =
      conversation === undefined ? undefined : (state.get(conversation, encodeMessageId(r.message_id)) as { chat_state: number | null } | undefined);
    const reason = found === undefined ? 'expired' : found.chat_state === DELETED ? 'deleted' : found.chat_state === HIDDEN ? 'hidden' : undefined;
    if (reason === undefined) continue;
    drop.run(r.conversation_id, r.message_id);
    released.push({
      conversationId: r.conversation_id as ConversationId,
      messageId: r.message_id as MessageId,
      senderDevice: r.sender_device as DeviceId,
      descriptor: parseAttachmentDescriptor(JSON.parse(r.descriptor)),
      localCopies: JSON.parse(r.local_copies) as string[],
      reason,
    });
  }
  return released;
}
