/**
 * The local message store (docs/client.md "Local store"): one SQLite database per signed-in profile,
 * `history.db` in the profile's folder, encrypted at rest by better-sqlite3-multiple-ciphers in SQLCipher 4
 * format (AES-256-CBC pages with HMAC-SHA512, raw 256-bit key from the OS keychain, no passphrase KDF).
 * Every envelope main opens is kept with its metadata; the renderer reads pages of it back through main.
 * WAL journal; one connection, so one writer (better-sqlite3 is synchronous: statements never interleave).
 * The schema is a versioned migration list (`PRAGMA user_version`): messages, search (FTS5), snapshots, the
 * offline send queue, message expiry, and the compact rows of migration 6 (messageRows.ts: integer row keys,
 * interned ids), which keep the file within 2x the plaintext it holds.
 */
import { existsSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../common/ids';
import type { JsonValue, MessagePlaintext } from '../../common/protocol/plaintext';
import type { TimerChange } from '../../common/protocol/disappearing';
import { LocalStoreFailedError, LocalStoreLockedError } from './errors';
import { createVocabulary, registerSearchFunctions, SEARCH_MIGRATION, SearchQueryError, searchStore, type SearchHit, type SearchOptions } from './searchIndex';
import { deleteExpired, EXPIRY_MIGRATION, expiryNow, expiryOf, nextExpiry, replaceTimers, type ExpiredMessage } from './expiry';
import {
  COMPACT_MESSAGES_MIGRATION,
  decodeMessageId,
  encodeMessageId,
  LocalStoreTimetokenError,
  Names,
  registerRowFunctions,
  rowIdBound,
  rowIdRange,
  SLOTS,
} from './messageRows';
import { SNAPSHOTS_MIGRATION, type Snapshot, type SnapshotName } from './snapshots';
import { OUTBOX_MIGRATION, Outbox, type OutboxLimits } from './outbox';
import type { ChatAction } from '../../common/protocol/chatAction';
import type { NotAuthorError } from '../../common/protocol/errors';
import type { ChatState } from '../../common/messaging/ports';
import { allDrafts, DRAFTS_MIGRATION, saveDraft, type Draft } from './draftStore';
import { applyTo, CHAT_MIGRATION, chatStates, hideForMe, recordAction, stateOf, versionsOf, DELETED, HIDDEN } from './chatStore';
import {
  addLocalCopy,
  ATTACHMENT_ROW,
  ATTACHMENTS_MIGRATION,
  keepAttachment,
  keptAttachment,
  sweepAttachments,
  type ReleasedAttachment,
} from './attachmentStore';
import { decodeAttachmentMessage, type AttachmentMessage } from '../../common/protocol/attachmentMessage';
import type { AttachmentDescriptor } from '../../common/attachments/descriptor';
import { actionsOf, ANNOTATIONS_MIGRATION, AnnotationRefusedError, putActions, type ActionChange, type StoredAction } from './annotationStore';

/** The bodies the store keeps: text and JSON (binary bodies are not shown in this version). */
export type TextPlaintext = Exclude<MessagePlaintext, { type: 'binary' }>;

/** What the store keeps of one opened envelope: a message, or the typed reason it was refused. */
export type StoredOutcome =
  | {
      kind: 'ok';
      plaintext: TextPlaintext;
      senderDevice: DeviceId;
      senderUser: UserId;
      keyVersion: number;
      /** A reply, edit or delete (docs/protocol.md §7.7). Edits and deletes are applied, not kept as rows (chatStore.ts). */
      chat?: ChatAction;
      /** A file (docs/protocol.md §7.9): its descriptor is also kept for the sweep (attachmentStore.ts). */
      attachment?: AttachmentMessage;
      /** On reads: what edits and deletes did to the message. */
      state?: ChatState;
    }
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
  COMPACT_MESSAGES_MIGRATION, // compact rows: integer keys, interned ids, search index without positions (messageRows.ts)
  ANNOTATIONS_MIGRATION, // reactions and read receipts (annotationStore.ts); keyed on the message's row key
  CHAT_MIGRATION, // replies, edits, deletes for everyone and for me (chatStore.ts)
  DRAFTS_MIGRATION, // the composer's unsent text per conversation (draftStore.ts)
  ATTACHMENTS_MIGRATION, // the descriptors of files and their local decrypted copies (attachmentStore.ts)
];

const TIMETOKEN = /^\d{1,20}$/;
const OPENED = 1;
const JSON_BODY = 1;

/** The columns a read selects: the row with its timetoken as text (the key is too large for a JS number). */
const COLUMNS = `CAST(id / 100 AS TEXT) AS tt, conversation, outcome, message_id, sent_at, body_type, body, sender_user, sender_device,
  key_version, reject_code, reject_message, chat, chat_state`;

interface Row {
  tt: string;
  conversation: number;
  outcome: number;
  message_id: Buffer | string | null;
  sent_at: number | null;
  body_type: number | null;
  body: string | null;
  sender_user: number | null;
  sender_device: number | null;
  key_version: number | null;
  reject_code: string | null;
  reject_message: string | null;
  chat: number | null;
  chat_state: number | null;
}

function fromRow(r: Row, names: Names, db: Database.Database): StoredMessage {
  const base = { conversationId: names.name(r.conversation) as ConversationId, timetoken: r.tt };
  if (r.outcome !== OPENED) return { ...base, outcome: { kind: 'rejected', code: r.reject_code ?? 'rejected', message: r.reject_message ?? '' } };
  const id = decodeMessageId(r.message_id) as MessageId;
  const sentAt = r.sent_at ?? 0;
  const gone = r.chat_state === DELETED || r.chat_state === HIDDEN;
  const reply = r.chat === 1 && r.body_type === JSON_BODY && !gone;
  // A deleted message has no text left: it reads as an empty text.
  const plaintext: TextPlaintext =
    r.body_type === JSON_BODY && !gone
      ? { id, sentAt, type: 'json', body: JSON.parse(r.body ?? 'null') as JsonValue }
      : { id, sentAt, type: 'string', body: r.body ?? '' };
  const senderDevice = (r.sender_device === null ? null : names.name(r.sender_device)) as DeviceId;
  const senderUser = (r.sender_user === null ? null : names.name(r.sender_user)) as UserId;
  const b = plaintext.body as { replyTo?: unknown; text?: unknown } | null;
  const chat: ChatAction | undefined =
    reply && typeof b?.replyTo === 'string' && typeof b.text === 'string' ? { kind: 'reply', replyTo: b.replyTo as MessageId, text: b.text } : undefined;
  const state = stateOf(db, r.conversation, r.message_id ?? '', r.chat_state);
  const attachment = r.chat === ATTACHMENT_ROW && r.body_type === JSON_BODY && !gone ? storedAttachment(plaintext) : undefined;
  return {
    ...base,
    outcome: {
      kind: 'ok',
      plaintext,
      senderDevice,
      senderUser,
      keyVersion: r.key_version ?? 0,
      ...(chat === undefined ? {} : { chat }),
      ...(attachment === undefined ? {} : { attachment }),
      ...(state === null ? {} : { state }),
    },
  };
}

/** The file a stored attachment row holds (checked when it was opened; a row that no longer parses shows as its JSON). */
function storedAttachment(plaintext: TextPlaintext): AttachmentMessage | undefined {
  try {
    return decodeAttachmentMessage('attachment', plaintext);
  } catch {
    return undefined;
  }
}

/** The stored key of each slot of one timetoken, with its conversation and outcome. */
interface SlotRow {
  id: bigint;
  conversation: bigint;
  outcome: bigint;
  chat_state: bigint | null;
}

function failed(err: unknown): LocalStoreFailedError {
  return new LocalStoreFailedError(err instanceof Error ? err.message : String(err));
}

export class LocalStore {
  private closed = false;
  private readonly names: Names;
  private readonly statements: {
    readonly slots: Database.Statement;
    readonly insert: Database.Statement;
    readonly update: Database.Statement;
    readonly stamp: Database.Statement;
  };

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.migrate();
    createVocabulary(db);
    this.names = new Names(db);
    const values = `outcome = @outcome, message_id = @message_id, sent_at = @sent_at, body_type = @body_type, body = @body, sender_user = @sender_user,
       sender_device = @sender_device, key_version = @key_version, reject_code = @reject_code, reject_message = @reject_message`;
    this.statements = {
      slots: db.prepare('SELECT id, conversation, outcome, chat_state FROM messages WHERE id BETWEEN ? AND ?').safeIntegers(true),
      insert: db.prepare(
        `INSERT INTO messages (id, conversation, outcome, message_id, sent_at, body_type, body, sender_user, sender_device, key_version,
           reject_code, reject_message, expires_at, chat)
         VALUES (@id, @conversation, @outcome, @message_id, @sent_at, @body_type, @body, @sender_user, @sender_device, @key_version,
           @reject_code, @reject_message, @expires_at, @chat)`,
      ),
      update: db.prepare(`UPDATE messages SET ${values} WHERE id = @id`),
      stamp: db.prepare('UPDATE messages SET expires_at = ? WHERE id = ?'),
    };
  }

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
      registerRowFunctions(db);
      // Deleted rows (expired messages) are overwritten with zeros, not left in free pages (expiry.ts).
      db.pragma('secure_delete = ON');
      // Sorts, the migration's copy and VACUUM stay in memory: no temporary file ever holds a row.
      db.pragma('temp_store = MEMORY');
      return new LocalStore(db, path);
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
    // The compact rows just replaced an existing history: the file is rewritten without the old tables'
    // (zeroed) pages, so it shrinks now rather than as new messages reuse them (temp_store is MEMORY).
    const compact = MIGRATIONS.indexOf(COMPACT_MESSAGES_MIGRATION);
    if (from > 0 && from <= compact) this.db.exec('VACUUM');
  }

  /**
   * Stores opened envelopes in one transaction. An opened message replaces a refusal at the same
   * timetoken; a refusal never replaces an opened message. A timetoken the store cannot keep (not 1–20
   * digits, 92233720368547757 or more, or a 101st conversation at one timetoken) is `LocalStoreTimetokenError`
   * and nothing of the call is stored. An edit or a delete for everyone (docs/protocol.md §7.7) is applied to
   * its message (chatStore.ts), not kept as a row; one by someone other than the message's author is refused
   * — answered as `NotAuthorError` with its timetoken — and changes nothing.
   */
  put(messages: readonly StoredMessage[]): { timetoken: string; error: NotAuthorError }[] {
    this.check();
    const refused: { timetoken: string; error: NotAuthorError }[] = [];
    const keys = messages.map((m) => rowIdRange(m.timetoken));
    const expiry = expiryOf(this.db);
    const clock = expiryNow();
    const { slots, insert, update, stamp } = this.statements;
    try {
      this.db.transaction(() => {
        messages.forEach((m, i) => {
          const o = m.outcome;
          const opened = o.kind === 'ok';
          // A reaction is kept as an annotation of its target (keepActions), never as a row.
          if (o.kind === 'ok' && o.chat?.kind === 'reaction') return;
          if (o.kind === 'ok' && (o.chat?.kind === 'edit' || o.chat?.kind === 'delete')) {
            const row = {
              conversationId: m.conversationId,
              timetoken: m.timetoken,
              id: o.plaintext.id,
              sentAt: o.plaintext.sentAt,
              senderUser: o.senderUser,
              action: o.chat,
            };
            try {
              recordAction(this.db, this.names, row);
            } catch (err) {
              if ((err as { code?: unknown } | null)?.code !== 'not_author') throw err;
              refused.push({ timetoken: m.timetoken, error: err as NotAuthorError });
            }
            return;
          }
          // A message that has already disappeared (e.g. fetched in catch-up after its time) is never stored.
          const expiresAt = expiry(m.conversationId, m.timetoken, opened ? o.plaintext.sentAt : undefined);
          if (expiresAt !== null && expiresAt <= clock) return;
          const { first, last } = keys[i]!;
          const conversation = this.names.intern(m.conversationId);
          const held = slots.all(first, last) as SlotRow[];
          const values = {
            outcome: opened ? OPENED : 0,
            message_id: opened ? encodeMessageId(o.plaintext.id) : null,
            sent_at: opened ? o.plaintext.sentAt : null,
            body_type: opened ? (o.plaintext.type === 'json' ? JSON_BODY : 0) : null,
            // A file's body is written `{descriptor, caption?}` in this order whatever the sender's (the search index reads it so).
            body: opened ? (o.plaintext.type === 'string' ? o.plaintext.body : JSON.stringify(o.attachment ?? o.plaintext.body)) : null,
            sender_user: opened ? this.names.intern(o.senderUser) : null,
            sender_device: opened ? this.names.intern(o.senderDevice) : null,
            key_version: opened ? o.keyVersion : null,
            reject_code: opened ? null : o.code,
            reject_message: opened ? null : o.message,
          };
          const same = held.find((r) => r.conversation === BigInt(conversation));
          if (same !== undefined) {
            // A message deleted (for everyone or for me) never gets its text back from a second delivery.
            const gone = same.chat_state === BigInt(DELETED) || same.chat_state === BigInt(HIDDEN);
            if (!gone && (opened || same.outcome !== BigInt(OPENED))) update.run({ id: same.id, ...values });
            if (!gone && opened && o.attachment !== undefined) {
              this.db.prepare('UPDATE messages SET chat = ? WHERE id = ?').run(ATTACHMENT_ROW, same.id);
              keepAttachment(this.db, {
                conversationId: m.conversationId,
                messageId: o.plaintext.id,
                senderDevice: o.senderDevice,
                descriptor: o.attachment.descriptor,
              });
            }
            if (expiresAt !== null) stamp.run(expiresAt, same.id);
            if (opened && !gone) applyTo(this.db, conversation, values.message_id!);
            return;
          }
          const taken = new Set(held.map((r) => r.id));
          let id = first;
          while (taken.has(id)) id += 1n;
          if (id > last) throw new LocalStoreTimetokenError(m.timetoken, `${SLOTS} conversations already hold a message at it`);
          const chat = opened && o.chat?.kind === 'reply' ? 1 : opened && o.attachment !== undefined ? ATTACHMENT_ROW : null;
          insert.run({ id, conversation, ...values, expires_at: expiresAt, chat });
          if (opened && o.attachment !== undefined)
            keepAttachment(this.db, {
              conversationId: m.conversationId,
              messageId: o.plaintext.id,
              senderDevice: o.senderDevice,
              descriptor: o.attachment.descriptor,
            });
          // Edits and deletes that came first apply now (an edit before its original converges).
          if (opened) applyTo(this.db, conversation, values.message_id!);
        });
      })();
    } catch (err) {
      this.names.reload(); // names added by the rolled-back transaction are not in the file
      throw err instanceof LocalStoreTimetokenError ? err : failed(err);
    }
    return refused;
  }

  /** Deletes a message for this device only (docs/client.md "Edits and deletes"): its text leaves the store. */
  hideForMe(conversationId: ConversationId, messageId: MessageId): void {
    this.check();
    try {
      this.db.transaction(() => hideForMe(this.db, this.names, conversationId, messageId))();
    } catch (err) {
      this.names.reload();
      throw failed(err);
    }
  }

  /** The kept descriptor of a file message, its sending device and the local copies saved of it (attachmentStore.ts). */
  attachment(
    conversationId: ConversationId,
    messageId: MessageId,
  ): { descriptor: AttachmentDescriptor; senderDevice: DeviceId; localCopies: string[] } | undefined {
    this.check();
    return keptAttachment(this.db, conversationId, messageId);
  }

  /** Records a decrypted copy of a file saved on this device, to delete with the message; false when the message is not kept. */
  addLocalCopy(conversationId: ConversationId, messageId: MessageId, path: string): boolean {
    this.check();
    try {
      return addLocalCopy(this.db, conversationId, messageId, path);
    } catch (err) {
      throw failed(err);
    }
  }

  /** Takes out the files of messages deleted (for everyone or for me) or expired, and answers them (attachmentStore.ts). */
  sweepAttachments(): ReleasedAttachment[] {
    this.check();
    try {
      return this.db.transaction(() => sweepAttachments(this.db, this.names))();
    } catch (err) {
      throw failed(err);
    }
  }

  /** Saves a conversation's draft; an empty text deletes it (draftStore.ts). */
  saveDraft(conversationId: ConversationId, text: string, now: number): void {
    this.check();
    try {
      saveDraft(this.db, conversationId, text, now);
    } catch (err) {
      throw err instanceof AppError ? err : failed(err);
    }
  }

  /** The kept drafts, newest first. */
  drafts(): Draft[] {
    this.check();
    return allDrafts(this.db);
  }

  /** What edits and deletes did to some stored messages (message id → state; only those with one). */
  chatStates(conversationId: ConversationId, ids: readonly MessageId[]): Map<MessageId, ChatState & { hidden?: true }> {
    this.check();
    return chatStates(this.db, this.names, conversationId, ids);
  }

  /** The versions of an edited message, oldest (the original) first, with their author. */
  versions(conversationId: ConversationId, messageId: MessageId): { id: string; sentAt: number; text: string; author: UserId }[] {
    this.check();
    return versionsOf(this.db, this.names, conversationId, messageId);
  }

  /** The newest `limit` messages of a conversation older than `before`, in timetoken order (oldest first). */
  page(conversationId: ConversationId, query: PageQuery): StoredMessage[] {
    this.check();
    const limit = Math.max(1, Math.min(100, Math.trunc(query.limit)));
    if (query.before !== undefined && !TIMETOKEN.test(query.before)) throw new LocalStoreTimetokenError(query.before, 'not 1-20 decimal digits');
    const conversation = this.names.ref(conversationId);
    if (conversation === undefined) return [];
    try {
      const rows =
        query.before === undefined
          ? this.db.prepare(`SELECT ${COLUMNS} FROM messages WHERE conversation = ? AND chat_state IS NOT 3 ORDER BY id DESC LIMIT ?`).all(conversation, limit)
          : this.db
              .prepare(`SELECT ${COLUMNS} FROM messages WHERE conversation = ? AND id < ? AND chat_state IS NOT 3 ORDER BY id DESC LIMIT ?`)
              .all(conversation, rowIdBound(query.before).first, limit);
      return (rows as Row[]).reverse().map((r) => fromRow(r, this.names, this.db));
    } catch (err) {
      throw failed(err);
    }
  }

  /** Records a conversation's verified disappearing-timer changes (expiry.ts); answers whether they changed. */
  setTimers(conversationId: ConversationId, changes: readonly TimerChange[]): boolean {
    this.check();
    try {
      return replaceTimers(this.db, conversationId, this.names.ref(conversationId), changes);
    } catch (err) {
      throw failed(err);
    }
  }

  /** Deletes the messages expired at `now` (expiry.ts); answers them. */
  deleteExpired(now: number = expiryNow()): ExpiredMessage[] {
    this.check();
    try {
      return deleteExpired(this.db, now, (ref) => this.names.name(ref));
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
    const conversation = this.names.ref(conversationId);
    if (conversation === undefined) return [];
    const n = Math.max(1, Math.min(100, Math.trunc(limit)));
    const newer = Math.floor((n - 1) / 2);
    try {
      const { last } = rowIdBound(timetoken);
      const upTo = this.db
        .prepare(`SELECT ${COLUMNS} FROM messages WHERE conversation = ? AND id <= ? AND chat_state IS NOT 3 ORDER BY id DESC LIMIT ?`)
        .all(conversation, last, n - newer) as Row[];
      const after = this.db
        .prepare(`SELECT ${COLUMNS} FROM messages WHERE conversation = ? AND id > ? AND chat_state IS NOT 3 ORDER BY id ASC LIMIT ?`)
        .all(conversation, last, newer) as Row[];
      return [...upTo.reverse(), ...after].map((r) => fromRow(r, this.names, this.db));
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
      return searchStore(this.db, this.names, query, options);
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
