/**
 * Message expiry in the local store (docs/client.md "Disappearing messages", docs/protocol.md §15.8).
 * Every stored message gets `expires_at` from the conversation's timer changes as this device verified them
 * on the signed membership chain (`disappearing_timers`, refreshed whenever the chain is verified); a
 * message whose time is already past is never stored, and expired rows are deleted — on open, on a timer
 * in main, and whenever a timer change arrives — with `secure_delete` on (deleted cells and pages are
 * zeroed) and the WAL checkpointed and truncated afterwards, so the text lingers neither in free pages nor
 * in the WAL. Rows deleted from `messages` also leave any index maintained by triggers on it (search); an
 * FTS5 index is then optimized (its segments rewritten), since FTS5 keeps a deleted row's words until then.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { ConversationId } from '../../common/ids';
import { expiresAt, type TimerChange } from '../../common/protocol/disappearing';

/** The expiry migration (appended to `MIGRATIONS` in localStore.ts). */
export const EXPIRY_MIGRATION = `
  ALTER TABLE messages ADD COLUMN expires_at INTEGER;  -- ms since the epoch; NULL: does not expire
  CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
  CREATE TABLE disappearing_timers (
    conversation_id TEXT NOT NULL,
    seq INTEGER NOT NULL,        -- the membership statement that set the timer
    at INTEGER NOT NULL,         -- its signed at (ms): the timer applies to messages sent from then on
    seconds INTEGER NOT NULL,    -- 0: off
    PRIMARY KEY (conversation_id, seq)
  ) WITHOUT ROWID`;

/** One deleted message. */
export interface ExpiredMessage {
  readonly conversationId: ConversationId;
  readonly timetoken: string;
}

let clockOffsetMs = 0;
const clockListeners = new Set<() => void>();

/** Now, as expiry sees it (ms). The wall clock, moved only by `advanceExpiryClockForTests`. */
export function expiryNow(): number {
  return Date.now() + clockOffsetMs;
}

/**
 * TESTS ONLY: moves the clock expiry uses forward by `ms` (every store in this process sweeps at once), so a
 * test sees a 5-minute timer run out without waiting. Production code never calls it.
 */
export function advanceExpiryClockForTests(ms: number): void {
  clockOffsetMs += ms;
  for (const listener of [...clockListeners]) listener();
}

/** Runs `listener` after each `advanceExpiryClockForTests`; answers the unsubscribe. */
export function onExpiryClockAdvanced(listener: () => void): () => void {
  clockListeners.add(listener);
  return () => clockListeners.delete(listener);
}

/** The timer changes this store holds for a conversation, in chain order. */
export function storedTimers(db: Database.Database, conversationId: string): TimerChange[] {
  return db.prepare('SELECT seq, at, seconds FROM disappearing_timers WHERE conversation_id = ? ORDER BY seq').all(conversationId) as TimerChange[];
}

/** Per conversation, the expiry of a message about to be stored (cached for one `put`). */
export function expiryOf(db: Database.Database): (conversationId: string, timetoken: string, sentAt: number | undefined) => number | null {
  const cache = new Map<string, TimerChange[]>();
  return (conversationId, timetoken, sentAt) => {
    let changes = cache.get(conversationId);
    if (changes === undefined) cache.set(conversationId, (changes = storedTimers(db, conversationId)));
    return expiresAt(changes, timetoken, sentAt);
  };
}

/**
 * Records a conversation's verified timer changes; when they differ from the ones held, every stored
 * message of the conversation (`conversationRef`, its integer in `names`; none when it has no message
 * stored) gets its expiry again. Answers whether anything changed.
 */
export function replaceTimers(db: Database.Database, conversationId: string, conversationRef: number | undefined, changes: readonly TimerChange[]): boolean {
  const held = storedTimers(db, conversationId);
  const same =
    held.length === changes.length && held.every((h, i) => h.seq === changes[i]!.seq && h.at === changes[i]!.at && h.seconds === changes[i]!.seconds);
  if (same) return false;
  db.transaction(() => {
    db.prepare('DELETE FROM disappearing_timers WHERE conversation_id = ?').run(conversationId);
    const insert = db.prepare('INSERT INTO disappearing_timers (conversation_id, seq, at, seconds) VALUES (?, ?, ?, ?)');
    for (const c of changes) insert.run(conversationId, c.seq, c.at, c.seconds);
    if (conversationRef === undefined) return;
    // The row key (timetoken × 100 + slot) is larger than a JS number holds: read as BigInt.
    const rows = db.prepare('SELECT id, sent_at FROM messages WHERE conversation = ?').safeIntegers(true).all(conversationRef) as {
      id: bigint;
      sent_at: bigint | null;
    }[];
    const stamp = db.prepare('UPDATE messages SET expires_at = ? WHERE id = ?');
    for (const r of rows) stamp.run(expiresAt(changes, (r.id / 100n).toString(), r.sent_at === null ? undefined : Number(r.sent_at)), r.id);
  })();
  return true;
}

/**
 * Deletes every message expired at `now` and, when any was, checkpoints and truncates the WAL (the deleted
 * text was in its frames). Answers what was deleted; `nameOf` turns a row's conversation integer into its id.
 */
export function deleteExpired(db: Database.Database, now: number, nameOf: (ref: number) => string): ExpiredMessage[] {
  const rows = db
    .prepare('DELETE FROM messages WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING conversation, CAST(id / 100 AS TEXT) AS tt')
    .all(now) as {
    conversation: number;
    tt: string;
  }[];
  if (rows.length > 0) {
    // A full-text index (FTS5) keeps a deleted row's words in its segments until they are merged: rewrite
    // them now, so the freed pages (zeroed by secure_delete) take the words with them.
    for (const name of fullTextTables(db)) db.prepare(`INSERT INTO "${name}" ("${name}") VALUES ('optimize')`).run();
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return rows.map((r) => ({ conversationId: nameOf(r.conversation) as ConversationId, timetoken: r.tt }));
}

/** The FTS5 tables of the database (the search index, when there is one). */
function fullTextTables(db: Database.Database): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%USING fts5%'").all() as { name: string }[];
  return rows.map((r) => r.name.replaceAll('"', '""'));
}

/** The earliest expiry still stored (ms), or null. */
export function nextExpiry(db: Database.Database): number | null {
  const row = db.prepare('SELECT min(expires_at) AS next FROM messages WHERE expires_at IS NOT NULL').get() as { next: number | null };
  return row.next;
}
