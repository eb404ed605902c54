/**
 * Drafts (issue [chat]; docs/client.md "Drafts"): the text typed in a conversation's composer and not
 * sent yet, one per conversation, kept in the encrypted local store so it survives a restart and never
 * sits in clear on disk or in the page's storage. Migration 9 (`DRAFTS_MIGRATION`). An empty text deletes
 * the draft; `secure_delete` (on for the whole store) zeroes the bytes a replaced or deleted draft held.
 * A draft holds at most `MAX_DRAFT` UTF-16 units (a message's body and room to spare; longer is refused
 * with `draft_too_long`), and at most `MAX_DRAFTS` are kept: saving one more drops the least recently changed.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors';
import type { ConversationId } from '../../common/ids';
import { MAX_DRAFT, MAX_DRAFTS } from '../../common/ipc/schemas/chat';

export const DRAFTS_MIGRATION = `
  CREATE TABLE drafts (
    conversation_id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    updated_at INTEGER NOT NULL     -- ms since the epoch
  ) WITHOUT ROWID`;

export interface Draft {
  readonly conversationId: ConversationId;
  readonly text: string;
  readonly updatedAt: number;
}

/** Saves (or, for an empty text, deletes) a conversation's draft. */
export function saveDraft(db: Database.Database, conversationId: ConversationId, text: string, now: number): void {
  if (text.length > MAX_DRAFT) throw new AppError('draft_too_long', `a draft holds at most ${MAX_DRAFT} characters; this one has ${text.length}`, 'validation');
  if (text === '') {
    db.prepare('DELETE FROM drafts WHERE conversation_id = ?').run(conversationId);
    return;
  }
  const isNew = db.prepare('SELECT 1 FROM drafts WHERE conversation_id = ?').get(conversationId) === undefined;
  db.prepare(
    'INSERT INTO drafts (conversation_id, text, updated_at) VALUES (?, ?, ?) ON CONFLICT (conversation_id) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at',
  ).run(conversationId, text, now);
  // Only a new draft can pass the bound; replacing one (every pause while typing) leaves the count as it was.
  if (isNew) {
    db.prepare('DELETE FROM drafts WHERE conversation_id NOT IN (SELECT conversation_id FROM drafts ORDER BY updated_at DESC, conversation_id LIMIT ?)').run(
      MAX_DRAFTS,
    );
  }
}

/** Every kept draft, newest first. */
export function allDrafts(db: Database.Database): Draft[] {
  const rows = db.prepare('SELECT conversation_id, text, updated_at FROM drafts ORDER BY updated_at DESC, conversation_id').all() as {
    conversation_id: string;
    text: string;
    updated_at: number;
  }[];
  return rows.map((r) => ({ conversationId: r.conversation_id as ConversationId, text: r.text, updatedAt: r.updated_at }));
}
