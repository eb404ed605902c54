/**
 * The local message store (docs/client.md "Local store"): one SQLite database per signed-in profile,
 * `history.db` in the profile's folder, encrypted at rest by better-sqlite3-multiple-ciphers in SQLCipher 4
 * format (AES-256-CBC pages with HMAC-SHA512, raw 256-bit key from the OS keychain, no passphrase KDF).
 * Every envelope main opens is kept with its metadata; the renderer reads pages of it back through main.
 * WAL journal; one connection, so one writer (better-sqlite3 is synchronous: statements never interleave).
 * The schema is a versioned migration list (`PRAGMA user_version`); later slices add search (FTS5), the
 * offline send queue and message expiry as new migrations.
 */
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../common/ids';
import type { JsonValue, MessagePlaintext } from '../../common/protocol/plaintext';
import type { TimerChange } from '../../common/protocol/disappearing';
import { LocalStoreFailedError, LocalStoreLockedError } from './errors';
import { registerSearchFunctions, SEARCH_MIGRATION, SearchQueryError, searchStore, type SearchHit, type SearchOptions } from './searchIndex';
import { deleteExpired, EXPIRY_MIGRATION, expiryNow, expiryOf, nextExpiry, replaceTimers, type ExpiredMessage } from './expiry';
import { SNAPSHOTS_MIGRATION, type Snapshot, type SnapshotName } from './snapshots';
import { OUTBOX_MIGRATION, Outbox, type OutboxLimits } from './outbox';
import { actionsOf, ANNOTATIONS_MIGRATION, AnnotationRefusedError, putActions, type ActionChange, type StoredAction } from './annotationStore';

/** The bodies the store keeps: text and JSON (binary bodies are not shown in this version). */
export type TextPlaintext = Exclude<MessagePlaintext, { type: 'binary' }>;

/** What the store keeps of one opened envelope: a message, or the typed reason it was refused. */
export type StoredOutcome =
  | { kind: 'ok'; plaintext: TextPlaintext; senderDevice: DeviceId; senderUser: UserId; keyVersion: number }
  | { kind: 'rejected'; code: string; message: string };

export interface StoredMessage {
  readonly conversationId: ConversationId;
  /** The relay's timetoken of the publish (decimal digits). */
  readonly timetoken: string;
  readonly outcome: StoredOutcome;
}

export interface PageQuery {
  /** Only messages strictly older than this timetoken; the newest page when absent. */
  readonly before?: string;
  readonly limit: number;
}

/** The migrations, in order; `PRAGMA user_version` is the number applied. Never edit one that shipped: append. */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE messages (
     conversation_id TEXT NOT NULL,
     tt TEXT NOT NULL,               -- the timetoken, zero-padded to 20 digits so text order is time order
     outcome TEXT NOT NULL CHECK (outcome IN ('opened', 'rejected')),
     message_id TEXT,
     sent_at INTEGER,
     body_type TEXT CHECK (body_type IN ('string', 'json')),
     body TEXT,                      -- the text, or the JSON body as JSON text
     sender_user TEXT,
     sender_device TEXT,
     key_version INTEGER,
     reject_code TEXT,
     reject_message TEXT,
     stored_at INTEGER NOT NULL,
     PRIMARY KEY (conversation_id, tt)
   ) WITHOUT ROWID`,
  SEARCH_MIGRATION,
  SNAPSHOTS_MIGRATION,
  OUTBOX_MIGRATION,
  EXPIRY_MIGRATION, // message expiry (disappearing messages; expiry.ts)
  ANNOTATIONS_MIGRATION, // reactions and read receipts (annotationStore.ts); keyed on messages (conversation_id, tt)
];

const TIMETOKEN = /^\d{1,20}$/;
const pad = (tt: string) => tt.padStart(20, '0');
const unpad = (tt: string) => tt.replace(/^0+(?=\d)/, '');

interface Row {
  conversation_id: string;
  tt: string;
  outcome: 'opened' | 'rejected';
  message_id: string | null;
  sent_at: number | null;
  body_type: 'string' | 'json' | null;
  body: string | null;
  sender_user: string | null;
  sender_device: string | null;
  key_version: number | null;
  reject_code: string | null;
  reject_message: string | null;
}

function fromRow(r: Row): StoredMessage {
  const base = { conversationId: r.conversation_id as ConversationId, timetoken: unpad(r.tt) };
  if (r.outcome === 'rejected') return { ...base, outcome: { kind: 'rejected', code: r.reject_code ?? 'rejected', message: r.reject_message ?? '' } };
  const id = r.message_id as MessageId;
  const sentAt = r.sent_at ?? 0;
  const plaintext: TextPlaintext =
    r.body_type === 'json' ? { id, sentAt, type: 'json', body: JSON.parse(r.body ?? 'null') as JsonValue } : { id, sentAt, type: 'string', body: r.body ?? '' };
  return {
    ...base,
    outcome: { kind: 'ok', plaintext, senderDevice: r.sender_device as DeviceId, senderUser: r.sender_user as UserId, keyVersion: r.key_version ?? 0 },
  };
}

function failed(err: unknown): LocalStoreFailedError {
  return new LocalStoreFailedError(err instanceof Error ? err.message : String(err));
}

export class LocalStore {
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  /**
   * Opens (or creates) the database at `path` with `key` and brings its schema up to date. A file that
   * does not open with the key is `LocalStoreLockedError` and is left as it was.
   */
  static open(path: string, key: Uint8Array): LocalStore {
    if (key.length !== 32) throw new LocalStoreLockedError('the key is not 256 bits');
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (err) {
      throw failed(err);
    }
    try {
      db.pragma(`cipher='sqlcipher'`);
      db.pragma('legacy=4');
      db.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
      // The first read decrypts page 1: a wrong key or a foreign file fails here (SQLITE_NOTADB).
      db.prepare('SELECT count(*) FROM sqlite_master').get();
    } catch (err) {
      db.close();
      throw new LocalStoreLockedError(err instanceof Error ? err.message : String(err));
    }
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      registerSearchFunctions(db);
      // Deleted rows (expired messages) are overwritten with zeros, not left in free pages (expiry.ts).
      db.pragma('secure_delete = ON');
      const store = new LocalStore(db, path);
      store.migrate();
      return store;
    } catch (err) {
      db.close();
      throw err instanceof LocalStoreLockedError ? err : failed(err);
    }
  }

  /** Deletes the database file and its WAL and shared-memory files (sign-out, revocation). */
  static erase(path: string): void {
    for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) if (existsSync(p)) rmSync(p, { force: true });
  }

  /** The schema version applied (the number of migrations). */
  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const from = this.schemaVersion;
    if (from > MIGRATIONS.length) throw new LocalStoreFailedError(`the database has schema ${from}, newer than this build (${MIGRATIONS.length})`);
    for (let v = from; v < MIGRATIONS.length; v += 1) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /**
   * Stores opened envelopes in one transaction. An opened message replaces a refusal at the same
   * timetoken; a refusal never replaces an opened message.
   */
  put(messages: readonly StoredMessage[]): void {
    this.check();
    const insert = this.db.prepare(
      `INSERT INTO messages (conversation_id, tt, outcome, message_id, sent_at, body_type, body, sender_user, sender_device, key_version, reject_code, reject_message, stored_at)
       VALUES (@conversation_id, @tt, @outcome, @message_id, @sent_at, @body_type, @body, @sender_user, @sender_device, @key_version, @reject_code, @reject_message, @stored_at)
       ON CONFLICT (conversation_id, tt) DO UPDATE SET
         outcome = excluded.outcome, message_id = excluded.message_id, sent_at = excluded.sent_at, body_type = excluded.body_type, body = excluded.body,
         sender_user = excluded.sender_user, sender_device = excluded.sender_device, key_version = excluded.key_version,
         reject_code = excluded.reject_code, reject_message = excluded.reject_message, stored_at = excluded.stored_at
       WHERE excluded.outcome = 'opened' OR messages.outcome = 'rejected'`,
    );
    const now = Date.now();
    const expiry = expiryOf(this.db);
    const stamp = this.db.prepare('UPDATE messages SET expires_at = ? WHERE conversation_id = ? AND tt = ?');
    const clock = expiryNow();
    try {
      this.db.transaction(() => {
        for (const m of messages) {
          if (!TIMETOKEN.test(m.timetoken)) continue;
          const o = m.outcome;
          const opened = o.kind === 'ok';
          // A message that has already disappeared (e.g. fetched in catch-up after its time) is never stored.
          const expiresAt = expiry(m.conversationId, m.timetoken, opened ? o.plaintext.sentAt : undefined);
          if (expiresAt !== null && expiresAt <= clock) continue;
          insert.run({
            conversation_id: m.conversationId,
            tt: pad(m.timetoken),
            outcome: opened ? 'opened' : 'rejected',
            message_id: opened ? o.plaintext.id : null,
            sent_at: opened ? o.plaintext.sentAt : null,
            body_type: opened ? o.plaintext.type : null,
            body: opened ? (o.plaintext.type === 'string' ? o.plaintext.body : JSON.stringify(o.plaintext.body)) : null,
            sender_user: opened ? o.senderUser : null,
            sender_device: opened ? o.senderDevice : null,
            key_version: opened ? o.keyVersion : null,
            reject_code: opened ? null : o.code,
            reject_message: opened ? null : o.message,
            stored_at: now,
          });
          if (expiresAt !== null) stamp.run(expiresAt, m.conversationId, pad(m.timetoken));
        }
      })();
    } catch (err) {
      throw failed(err);
    }
  }

  /** The newest `limit` messages of a conversation older than `before`, in timetoken order (oldest first). */
  page(conversationId: ConversationId, query: PageQuery): StoredMessage[] {
    this.check();
    const limit = Math.max(1, Math.min(100, Math.trunc(query.limit)));
    try {
      const rows =
        query.before === undefined
          ? this.db.prepare('SELECT * FROM messages WHERE conversation_id = ? ORDER BY tt DESC LIMIT ?').all(conversationId, limit)
          : this.db
              .prepare('SELECT * FROM messages WHERE conversation_id = ? AND tt < ? ORDER BY tt DESC LIMIT ?')
              .all(conversationId, pad(query.before), limit);
      return (rows as Row[]).reverse().map(fromRow);
    } catch (err) {
      throw failed(err);
    }
  }

  /** Records a conversation's verified disappearing-timer changes (expiry.ts); answers whether they changed. */
  setTimers(conversationId: ConversationId, changes: readonly TimerChange[]): boolean {
    this.check();
    try {
      return replaceTimers(this.db, conversationId, changes);
    } catch (err) {
      throw failed(err);
    }
  }

  /** Deletes the messages expired at `now` (expiry.ts); answers them. */
  deleteExpired(now: number = expiryNow()): ExpiredMessage[] {
    this.check();
    try {
      return deleteExpired(this.db, now);
    } catch (err) {
      throw failed(err);
    }
  }

  /** The earliest expiry still stored (ms), or null. */
  nextExpiry(): number | null {
    this.check();
    return nextExpiry(this.db);
  }

  /** Replaces the snapshot `name` with `json` (JSON text). */
  saveSnapshot(name: SnapshotName, json: string): void {
    this.check();
    try {
      this.db
        .prepare(
          'INSERT INTO snapshots (name, value, saved_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value, saved_at = excluded.saved_at',
        )
        .run(name, json, Date.now());
    } catch (err) {
      throw failed(err);
    }
  }

  /** The snapshot `name`, or null when none was saved. */
  loadSnapshot(name: SnapshotName): Snapshot | null {
    this.check();
    let row: { value: string; saved_at: number } | undefined;
    try {
      row = this.db.prepare('SELECT value, saved_at FROM snapshots WHERE name = ?').get(name) as typeof row;
    } catch (err) {
      throw failed(err);
    }
    return row === undefined ? null : { value: JSON.parse(row.value) as unknown, json: row.value, savedAt: row.saved_at };
  }

  /**
   * The stored messages around one (jump to a search hit): up to `limit` (≤ 100) messages, the one at
   * `timetoken` (when stored) with about as many older as newer ones, in timetoken order.
   */
  around(conversationId: ConversationId, timetoken: string, limit: number): StoredMessage[] {
    this.check();
    if (!TIMETOKEN.test(timetoken)) return [];
    const n = Math.max(1, Math.min(100, Math.trunc(limit)));
    const newer = Math.floor((n - 1) / 2);
    try {
      const tt = pad(timetoken);
      const upTo = this.db
        .prepare('SELECT * FROM messages WHERE conversation_id = ? AND tt <= ? ORDER BY tt DESC LIMIT ?')
        .all(conversationId, tt, n - newer) as Row[];
      const after = this.db
        .prepare('SELECT * FROM messages WHERE conversation_id = ? AND tt > ? ORDER BY tt ASC LIMIT ?')
        .all(conversationId, tt, newer) as Row[];
      return [...upTo.reverse(), ...after].map(fromRow);
    } catch (err) {
      throw failed(err);
    }
  }

  /**
   * Full-text search of the opened messages (docs/client.md "Search"), newest first. The query is user text,
   * never FTS5 syntax; an empty or too long one is `SearchQueryError` (`search_query_empty`, `search_query_too_long`).
   */
  search(query: string, options: SearchOptions): SearchHit[] {
    this.check();
    try {
      return searchStore(this.db, query, options);
    } catch (err) {
      throw err instanceof SearchQueryError ? err : failed(err);
    }
  }

  /** Keeps reactions and receipts of stored messages (annotationStore.ts); a bad batch is `AnnotationRefusedError`, nothing written. */
  putActions(conversationId: ConversationId, changes: readonly ActionChange[]): number {
    this.check();
    try {
      return putActions(this.db, conversationId, changes);
    } catch (err) {
      throw err instanceof AnnotationRefusedError ? err : failed(err);
    }
  }

  /** The stored reactions and receipts (kept and removed) of some messages of a conversation. */
  actions(conversationId: ConversationId, timetokens: readonly string[]): StoredAction[] {
    this.check();
    try {
      return actionsOf(this.db, conversationId, timetokens);
    } catch (err) {
      throw failed(err);
    }
  }

  /** The offline send queue kept in this database (outbox.ts). */
  outbox(limits?: OutboxLimits): Outbox {
    this.check();
    return new Outbox(this.db, limits);
  }

  /** Writes the WAL back into the main file and closes the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }

  private check(): void {
    if (this.closed) throw new LocalStoreFailedError('the store is closed');
  }
}
