/**
 * The offline send queue (docs/client.md "Offline send queue"): messages the user sent while the relay or the
 * key service could not be reached, kept as plaintext inside the encrypted local store (never sealed ahead:
 * each is sealed when it goes out, under the key version current then) until the network returns. One row
 * per message id, in send order (`seq`); a message that went out is deleted. A row whose last attempt may
 * have reached the relay keeps that attempt's envelope (`attempt_envelope`), so the next attempt can look
 * for it in the channel's history before publishing again (exactly once as receivers see it).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors';
import type { ConversationId, MessageId } from '../../common/ids';
import type { JsonValue } from '../../common/protocol/plaintext';
import type { TextPlaintext } from './localStore';
import { LocalStoreFailedError } from './errors';

/** The migration that adds the queue (appended to `MIGRATIONS` in localStore.ts). */
export const OUTBOX_MIGRATION = `CREATE TABLE outbox (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     message_id TEXT NOT NULL UNIQUE,
     conversation_id TEXT NOT NULL,
     sent_at INTEGER NOT NULL,
     body_type TEXT NOT NULL CHECK (body_type IN ('string', 'json')),
     body TEXT NOT NULL,
     bytes INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'failed')),
     fail_code TEXT,
     fail_message TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     attempt_envelope TEXT,          -- the sealed envelope of an attempt whose answer never came
     attempt_at INTEGER,             -- when that attempt started (ms)
     queued_at INTEGER NOT NULL
   );
   CREATE INDEX outbox_by_conversation ON outbox (conversation_id, seq)`;

/** The queue's bounds: entries and plaintext bytes over all conversations of the profile. */
export interface OutboxLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxEntries: 500, maxBytes: 4 * 1024 * 1024 };

export type OutboxState = 'queued' | 'failed';

export interface OutboxEntry {
  readonly seq: number;
  readonly conversationId: ConversationId;
  readonly plaintext: TextPlaintext;
  readonly state: OutboxState;
  /** Why a `failed` entry stopped (a typed code and its message). */
  readonly failure: { readonly code: string; readonly message: string } | null;
  readonly attempts: number;
  /** The envelope of an attempt whose outcome is unknown, with when it started. */
  readonly attempt: { readonly envelope: unknown; readonly at: number } | null;
}

/** The queue holds as many entries or bytes as it may: nothing was queued. */
export class OutboxFullError extends AppError {
  constructor(detail: string) {
    super('outbox_full', `too many messages are waiting to be sent (${detail}); delete some or wait until you are back online`, 'unavailable');
  }
}

/** An entry the request names is not in the queue (already sent, deleted, or never queued). */
export class OutboxEntryUnknownError extends AppError {
  constructor(messageId: string) {
    super('outbox_unknown_entry', `no queued message ${messageId} in this conversation`, 'not_found');
  }
}

/** A message id that is already queued. */
export class OutboxDuplicateError extends AppError {
  constructor(messageId: string) {
    super('outbox_duplicate', `message ${messageId} is already queued`, 'conflict');
  }
}

interface Row {
  seq: number;
  message_id: string;
  conversation_id: string;
  sent_at: number;
  body_type: 'string' | 'json';
  body: string;
  state: OutboxState;
  fail_code: string | null;
  fail_message: string | null;
  attempts: number;
  attempt_envelope: string | null;
  attempt_at: number | null;
}

function fromRow(r: Row): OutboxEntry {
  const id = r.message_id as MessageId;
  const plaintext: TextPlaintext =
    r.body_type === 'json'
      ? { id, sentAt: r.sent_at, type: 'json', body: JSON.parse(r.body) as JsonValue }
      : { id, sentAt: r.sent_at, type: 'string', body: r.body };
  return {
    seq: r.seq,
    conversationId: r.conversation_id as ConversationId,
    plaintext,
    state: r.state,
    failure: r.state === 'failed' ? { code: r.fail_code ?? 'send_failed', message: r.fail_message ?? '' } : null,
    attempts: r.attempts,
    attempt: r.attempt_envelope === null ? null : { envelope: JSON.parse(r.attempt_envelope) as unknown, at: r.attempt_at ?? 0 },
  };
}

function bodyText(p: TextPlaintext): string {
  return p.type === 'string' ? p.body : JSON.stringify(p.body);
}

/** Runs a statement; SQLite failures become `local_store_failed`, typed errors pass. */
function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new LocalStoreFailedError(err instanceof Error ? err.message : String(err));
  }
}

export class Outbox {
  constructor(
    private readonly db: Database.Database,
    private readonly limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS,
  ) {}

  /** Queues a message at the end of its conversation's queue; `outbox_full` or `outbox_duplicate` change nothing. */
  add(conversationId: ConversationId, plaintext: TextPlaintext, now: number): OutboxEntry {
    const body = bodyText(plaintext);
    const bytes = Buffer.byteLength(body, 'utf8');
    return guarded(() =>
      this.db.transaction(() => {
        if (this.db.prepare('SELECT 1 FROM outbox WHERE message_id = ?').get(plaintext.id) !== undefined) throw new OutboxDuplicateError(plaintext.id);
        const totals = this.db.prepare('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS b FROM outbox').get() as { n: number; b: number };
        if (totals.n + 1 > this.limits.maxEntries) throw new OutboxFullError(`at most ${this.limits.maxEntries} messages`);
        if (totals.b + bytes > this.limits.maxBytes) throw new OutboxFullError(`at most ${this.limits.maxBytes} bytes`);
        this.db
          .prepare(
            `INSERT INTO outbox (message_id, conversation_id, sent_at, body_type, body, bytes, state, queued_at)
             VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)`,
          )
          .run(plaintext.id, conversationId, plaintext.sentAt, plaintext.type, body, bytes, now);
        return this.entry(plaintext.id)!;
      })(),
    );
  }

  entry(messageId: MessageId | string): OutboxEntry | undefined {
    const row = guarded(() => this.db.prepare('SELECT * FROM outbox WHERE message_id = ?').get(messageId) as Row | undefined);
    return row === undefined ? undefined : fromRow(row);
  }

  /** A conversation's entries in send order (every conversation's when absent). */
  list(conversationId?: ConversationId): OutboxEntry[] {
    return guarded(() =>
      (conversationId === undefined
        ? (this.db.prepare('SELECT * FROM outbox ORDER BY seq').all() as Row[])
        : (this.db.prepare('SELECT * FROM outbox WHERE conversation_id = ? ORDER BY seq').all(conversationId) as Row[])
      ).map(fromRow),
    );
  }

  /** The conversations with entries waiting to go out, oldest first. */
  waitingConversations(): ConversationId[] {
    return guarded(() =>
      (
        this.db.prepare(`SELECT conversation_id, min(seq) AS first FROM outbox WHERE state = 'queued' GROUP BY conversation_id ORDER BY first`).all() as {
          conversation_id: string;
        }[]
      ).map((r) => r.conversation_id as ConversationId),
    );
  }

  /** Records an attempt about to publish `envelope` (kept until the entry is sent or stopped). */
  attempting(messageId: MessageId, envelope: unknown, at: number): void {
    guarded(() =>
      this.db
        .prepare('UPDATE outbox SET attempts = attempts + 1, attempt_envelope = ?, attempt_at = ? WHERE message_id = ?')
        .run(JSON.stringify(envelope), at, messageId),
    );
  }

  /** Forgets the recorded attempt (it is known not to have landed). */
  clearAttempt(messageId: MessageId): void {
    guarded(() => this.db.prepare('UPDATE outbox SET attempt_envelope = NULL, attempt_at = NULL WHERE message_id = ?').run(messageId));
  }

  /** Stops an entry with a typed reason; it stays (shown) until the user retries or deletes it. */
  fail(messageId: MessageId, code: string, message: string): void {
    guarded(() =>
      this.db
        .prepare(`UPDATE outbox SET state = 'failed', fail_code = ?, fail_message = ?, attempt_envelope = NULL, attempt_at = NULL WHERE message_id = ?`)
        .run(code, message, messageId),
    );
  }

  /** Puts a stopped entry back in the queue (the user pressed Retry). */
  requeue(conversationId: ConversationId, messageId: MessageId): void {
    const changed = guarded(
      () =>
        this.db
          .prepare(
            `UPDATE outbox SET state = 'queued', fail_code = NULL, fail_message = NULL WHERE message_id = ? AND conversation_id = ? AND state = 'failed'`,
          )
          .run(messageId, conversationId).changes,
    );
    if (changed === 0) throw new OutboxEntryUnknownError(messageId);
  }

  /** Deletes an entry: it went out (`conversationId` absent), or the user deleted it. */
  remove(messageId: MessageId, conversationId?: ConversationId): void {
    const changed = guarded(() =>
      conversationId === undefined
        ? this.db.prepare('DELETE FROM outbox WHERE message_id = ?').run(messageId).changes
        : this.db.prepare('DELETE FROM outbox WHERE message_id = ? AND conversation_id = ?').run(messageId, conversationId).changes,
    );
    if (changed === 0 && conversationId !== undefined) throw new OutboxEntryUnknownError(messageId);
  }
}
