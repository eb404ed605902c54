/**
 * The compact message rows of the local store (docs/client.md "Local store", issue [store]: the database at
 * most 2x the plaintext it holds). Migration 6 (`COMPACT_MESSAGES_MIGRATION`) rebuilds `messages` so that a
 * row carries little besides its body:
 *
 * - **Key** `id = timetoken × 100 + slot`: an integer (the table's rowid, so no separate key index), in time
 *   order; the slot (0–99) tells apart the rare equal timetoken in two conversations. The same integer is the
 *   search index's rowid (searchIndex.ts), so a hit finds its message with no map between the two. A
 *   timetoken of 92233720368547757 or more does not fit in 63 bits with its slot: `LocalStoreTimetokenError`.
 * - **Names**: conversation, user and device ids are stored once each in `names` and referred to by a small
 *   integer; `Names` keeps the map in memory (loaded at open), so a write or a read does not look them up.
 * - **Message id**: the bytes of an id that is canonical base64url (every id `newId` makes: 16 random bytes,
 *   22 characters, stored as a 16-byte blob), else the text as it came (`encodeMessageId`).
 * - `outcome` and `body_type` as 0/1 (SQLite stores the integers 0 and 1 in no bytes at all); no `stored_at`.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../common/errors';

/** Slots per timetoken: how many conversations may hold a message at the same timetoken. */
export const SLOTS = 100n;
/** The first timetoken that does not fit: (2^63 − 1 − 99) / 100 rounded down is 92233720368547757 (year 2262). */
export const TIMETOKEN_LIMIT = 92_233_720_368_547_757n;
const LARGEST_ID = 9_223_372_036_854_775_807n;
const TIMETOKEN = /^\d{1,20}$/;

/**
 * A timetoken the store cannot keep: not 1–20 decimal digits, 92233720368547757 or more (it would not fit
 * the 63-bit row key with its slot), or the 101st message at one timetoken. Nothing of the call was stored.
 */
export class LocalStoreTimetokenError extends AppError {
  constructor(
    readonly timetoken: string,
    detail: string,
  ) {
    super('local_store_bad_timetoken', `the local message store cannot keep timetoken ${JSON.stringify(timetoken.slice(0, 40))}: ${detail}`, 'validation');
  }
}

/** The row keys a timetoken may take: [first, last] (slots 0–99). Throws `LocalStoreTimetokenError`. */
export function rowIdRange(timetoken: string): { readonly first: bigint; readonly last: bigint } {
  if (typeof timetoken !== 'string' || !TIMETOKEN.test(timetoken)) throw new LocalStoreTimetokenError(String(timetoken), 'not 1-20 decimal digits');
  const tt = BigInt(timetoken);
  if (tt >= TIMETOKEN_LIMIT) throw new LocalStoreTimetokenError(timetoken, `timetokens from ${TIMETOKEN_LIMIT} on do not fit the 63-bit row key`);
  return { first: tt * SLOTS, last: tt * SLOTS + SLOTS - 1n };
}

/**
 * For reads: the row keys strictly before (`first`) and up to the end of (`last`) a timetoken of 1–20
 * digits, clamped to the largest key, so a timetoken past the limit reads as "after everything".
 */
export function rowIdBound(timetoken: string): { readonly first: bigint; readonly last: bigint } {
  const tt = BigInt(timetoken);
  const clamp = (id: bigint) => (id > LARGEST_ID ? LARGEST_ID : id);
  return { first: clamp(tt * SLOTS), last: clamp(tt * SLOTS + SLOTS - 1n) };
}

/** The timetoken of a row key as decimal text (SQL: `CAST(id / 100 AS TEXT)`). */
export function timetokenOf(id: bigint): string {
  return (id / SLOTS).toString();
}

/** A message id as stored: the bytes when the text is their canonical base64url, else the text itself. */
export function encodeMessageId(id: string): Buffer | string {
  if (id.length === 0 || id.length % 4 === 1 || !/^[A-Za-z0-9_-]+$/.test(id)) return id;
  const bytes = Buffer.from(id, 'base64url');
  return bytes.toString('base64url') === id ? bytes : id;
}

/** A stored message id back as text (`encodeMessageId` reversed). */
export function decodeMessageId(stored: Buffer | Uint8Array | string | null): string {
  if (stored === null) return '';
  return typeof stored === 'string' ? stored : Buffer.from(stored).toString('base64url');
}

/**
 * Conversation, user and device ids by small integers (the `names` table), cached both ways in memory. A name
 * is added inside the caller's transaction; if that transaction fails, `reload()` forgets what it added.
 */
export class Names {
  private readonly byName = new Map<string, number>();
  private readonly byRef = new Map<number, string>();
  private readonly insert: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO names (name) VALUES (?)');
    this.reload();
  }

  /** Reads the whole table again (after a failed transaction, or another connection's writes). */
  reload(): void {
    this.byName.clear();
    this.byRef.clear();
    for (const r of this.db.prepare('SELECT id, name FROM names').all() as { id: number; name: string }[]) this.remember(r.id, r.name);
  }

  /** The integer of a name already stored, or undefined. */
  ref(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** The integer of a name, stored now when it is new (call inside a write transaction). */
  intern(name: string): number {
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    const id = Number(this.insert.run(name).lastInsertRowid);
    this.remember(id, name);
    return id;
  }

  /** The name of an integer (read back from a row). */
  name(ref: number): string {
    let name = this.byRef.get(ref);
    if (name === undefined) {
      this.reload();
      name = this.byRef.get(ref);
    }
    if (name === undefined) throw new Error(`names: no name ${ref}`);
    return name;
  }

  private remember(id: number, name: string): void {
    this.byName.set(name, id);
    this.byRef.set(id, name);
  }
}

/** The SQL function migration 6 converts message ids with (every connection registers it; localStore.ts). */
export function registerRowFunctions(db: Database.Database): void {
  db.function('seed_message_id', { deterministic: true }, (id: unknown) => (typeof id === 'string' ? encodeMessageId(id) : id === undefined ? null : id));
}

/**
 * Migration 6: the compact `messages` table (above), its data carried across from migration 1's table (a
 * message whose timetoken does not fit, or the 101st at one timetoken, cannot be carried and is dropped), the
 * old table, its triggers, `search_rows` and the old `search_fts` dropped (their pages zeroed by
 * `secure_delete`), and the search index made again over the new rows: FTS5 with `detail=none` (rowids
 * only: the query ANDs its tokens and checks phrases on the body, searchIndex.ts), leaves of 3,900 bytes so
 * each fits one SQLCipher page (4,096 less the 80-byte reserve; FTS5's default 4,050 spilled every leaf
 * into an overflow page), kept in step by triggers on the row key. Self-contained: it reads only what
 * migrations 1–5 made, and says every statement itself (never edit it: append).
 */
export const COMPACT_MESSAGES_MIGRATION = `
  CREATE TABLE names (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE      -- a conversation, user or device id
  );
  INSERT INTO names (name)
    SELECT conversation_id FROM messages
    UNION SELECT sender_user FROM messages WHERE sender_user IS NOT NULL
    UNION SELECT sender_device FROM messages WHERE sender_device IS NOT NULL;
  CREATE TABLE messages_compact (
    id INTEGER PRIMARY KEY,        -- timetoken * 100 + slot (0-99): time order; also the search index's rowid
    conversation INTEGER NOT NULL, -- names.id
    outcome INTEGER NOT NULL CHECK (outcome IN (0, 1)),  -- 1 opened, 0 rejected
    message_id BLOB,               -- the id's bytes when it is canonical base64url, else its text
    sent_at INTEGER,
    body_type INTEGER CHECK (body_type IN (0, 1)),      -- 0 text, 1 JSON
    body TEXT,                     -- the text, or the JSON body as JSON text
    sender_user INTEGER,           -- names.id
    sender_device INTEGER,         -- names.id
    key_version INTEGER,
    expires_at INTEGER,            -- ms since the epoch; NULL: does not expire (expiry.ts)
    reject_code TEXT,
    reject_message TEXT
  );
  INSERT INTO messages_compact (id, conversation, outcome, message_id, sent_at, body_type, body, sender_user, sender_device, key_version,
                                expires_at, reject_code, reject_message)
    SELECT o.id, (SELECT n.id FROM names n WHERE n.name = o.conversation_id), CASE o.outcome WHEN 'opened' THEN 1 ELSE 0 END,
           seed_message_id(o.message_id), o.sent_at, CASE o.body_type WHEN 'json' THEN 1 WHEN 'string' THEN 0 END, o.body,
           (SELECT n.id FROM names n WHERE n.name = o.sender_user), (SELECT n.id FROM names n WHERE n.name = o.sender_device),
           o.key_version, o.expires_at, o.reject_code, o.reject_message
    FROM (SELECT CAST(tt AS INTEGER) * 100 + (row_number() OVER (PARTITION BY tt ORDER BY conversation_id)) - 1 AS id,
                 row_number() OVER (PARTITION BY tt ORDER BY conversation_id) AS slot_count, *
          FROM messages WHERE CAST(tt AS INTEGER) < 92233720368547757) o
    WHERE o.slot_count <= 100
    ORDER BY o.id;
  DROP TABLE search_rows;
  DROP TABLE search_fts;
  DROP TABLE messages;
  ALTER TABLE messages_compact RENAME TO messages;
  CREATE INDEX messages_by_conversation ON messages (conversation);  -- with the rowid: (conversation, id) order
  CREATE INDEX messages_expiry ON messages (expires_at) WHERE expires_at IS NOT NULL;
  CREATE VIRTUAL TABLE search_fts USING fts5(
    text, content='', contentless_delete=1, detail=none, tokenize='unicode61 remove_diacritics 2'
  );
  INSERT INTO search_fts (search_fts, rank) VALUES ('pgsz', 3900);
  CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN new.outcome = 1 AND new.body IS NOT NULL BEGIN
    INSERT INTO search_fts (rowid, text) VALUES (new.id, seed_search_text(new.body_type, new.body));
  END;
  CREATE TRIGGER messages_search_delete AFTER DELETE ON messages WHEN old.outcome = 1 AND old.body IS NOT NULL BEGIN
    DELETE FROM search_fts WHERE rowid = old.id;
  END;
  CREATE TRIGGER messages_search_update AFTER UPDATE OF id, outcome, body_type, body ON messages
  WHEN old.id IS NOT new.id OR old.outcome IS NOT new.outcome OR old.body_type IS NOT new.body_type OR old.body IS NOT new.body BEGIN
    DELETE FROM search_fts WHERE rowid = old.id AND old.outcome = 1 AND old.body IS NOT NULL;
    INSERT INTO search_fts (rowid, text) SELECT new.id, seed_search_text(new.body_type, new.body) WHERE new.outcome = 1 AND new.body IS NOT NULL;
  END;
  INSERT INTO search_fts (rowid, text) SELECT id, seed_search_text(body_type, body) FROM messages WHERE outcome = 1 AND body IS NOT NULL;
`;
