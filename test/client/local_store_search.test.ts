/**
 * Message search in the encrypted local store (docs/client.md "Search"): FTS5 over the opened messages,
 * Unicode-aware — a word, a word without its diacritics, a CJK term inside a sentence without spaces — in one
 * conversation or several, newest first, with highlighted snippets. The index follows `messages` by
 * triggers: a deleted or replaced row leaves it. The query is user text: hostile FTS5 syntax (quotes, `*`,
 * NEAR, OR, parentheses) is fuzzed and never throws anything but the typed `SearchQueryError`. Real SQLite
 * (better-sqlite3-multiple-ciphers, SQLCipher format) in a temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { LocalStore, MAX_SEARCH_QUERY, MIGRATIONS, SearchQueryError, searchScope, SearchScopeError, type StoredMessage } from '../../src/client/store';

const dir = mkdtempSync(join(tmpdir(), 'seed-store-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const work = 'conv-work-0001' as ConversationId;
const trip = 'conv-trip-0002' as ConversationId;
const left = 'conv-left-0003' as ConversationId;
const base = 17_330_000_000_000_000n;

function text(conversationId: ConversationId, i: number, body: string, sender = 'user-alice'): StoredMessage {
  return {
    conversationId,
    timetoken: String(base + BigInt(i) * 10_000n),
    outcome: {
      kind: 'ok',
      plaintext: { id: `msg-${String(i).padStart(6, '0')}` as MessageId, sentAt: 1_733_000_000_000 + i, type: 'string', body },
      senderDevice: 'dev-alice-1' as DeviceId,
      senderUser: sender as UserId,
      keyVersion: 1,
    },
  };
}

function open(): LocalStore {
  return LocalStore.open(join(dir, `${randomBytes(4).toString('hex')}.db`), randomBytes(32));
}

const seed: StoredMessage[] = [
  text(work, 1, 'The budget review is on Thursday'),
  text(work, 2, 'Meet me at the Café de Flore at noon'),
  text(work, 3, '明日の会議は東京で行います'),
  text(trip, 4, 'We land in 東京 on Friday, then the café by the river'),
  text(trip, 5, '今日は天気がいいですね'),
  text(left, 6, 'the café in the conversation I left'),
];

describe('search finds words, diacritics and CJK terms, newest first, with snippets', () => {
  const store = open();
  store.put(seed);
  const bodies = (q: string, conversationIds?: ConversationId[]) =>
    store.search(q, { limit: 20, ...(conversationIds === undefined ? {} : { conversationIds }) }).map((h) => h.snippet.text);

  it('a word, whatever its case', () => {
    expect(bodies('budget')).toEqual(['The budget review is on Thursday']);
    expect(bodies('THURSDAY')).toEqual(['The budget review is on Thursday']);
    expect(bodies('budget friday')).toEqual([]);
  });

  it('"cafe" finds "café" (and "café" finds "cafe"), newest first, highlighted where it stands', () => {
    const hits = store.search('cafe', { limit: 20, conversationIds: [work, trip] });
    expect(hits.map((h) => h.timetoken)).toEqual([seed[3]!.timetoken, seed[1]!.timetoken]);
    const [newest] = hits;
    expect(newest).toMatchObject({ conversationId: trip, messageId: 'msg-000004', senderUser: 'user-alice', sentAt: 1_733_000_000_004 });
    const { text: t, highlights } = newest!.snippet;
    expect(highlights.map(([s, e]) => t.slice(s, e))).toEqual(['café']);
    expect(bodies('CAFÉ', [work])).toEqual(['Meet me at the Café de Flore at noon']);
  });

  it('a two-character Japanese term inside a sentence without spaces (東京, 会議, 天気)', () => {
    expect(bodies('東京')).toEqual(['We land in 東京 on Friday, then the café by the river', '明日の会議は東京で行います']);
    const [hit] = store.search('会議', { limit: 5 });
    expect(hit?.snippet.highlights.map(([s, e]) => hit.snippet.text.slice(s, e))).toEqual(['会議']);
    expect(bodies('天気')).toEqual(['今日は天気がいいですね']);
    expect(bodies('東京で')).toEqual(['明日の会議は東京で行います']);
    expect(bodies('京都')).toEqual([]);
  });

  it('the last word of three letters or more matches as a prefix (search as you type)', () => {
    expect(bodies('budg')).toEqual(['The budget review is on Thursday']);
    expect(bodies('thurs')).toEqual(['The budget review is on Thursday']);
  });

  it('one conversation only; an empty scope, or a conversation not in it, gives nothing', () => {
    expect(bodies('東京', [work])).toEqual(['明日の会議は東京で行います']);
    expect(bodies('café', [work, trip])).not.toContain('the café in the conversation I left');
    expect(bodies('café', [])).toEqual([]);
    expect(bodies('conversation', [work, trip])).toEqual([]);
  });

  it('the limit bounds the hits', () => {
    expect(store.search('the', { limit: 1 })).toHaveLength(1);
  });
});

/** The database as another part of the app (a later migration, the sqlcipher tool) sees it: plain SQL, no JS functions. */
function rawDb(path: string, key: Buffer): Database.Database {
  const db = new Database(path);
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${key.toString('hex')}'"`);
  return db;
}

describe('the index follows the messages table by triggers', () => {
  const key = randomBytes(32);
  const path = join(dir, 'triggers.db');
  const count = (db: Database.Database, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it('a row deleted with plain SQL leaves the index: expiry and delete-for-everyone need nothing more', () => {
    let store = LocalStore.open(path, key);
    store.put(seed);
    expect(store.search('budget', { limit: 5 })).toHaveLength(1);
    expect(store.search('東京', { limit: 5 })).toHaveLength(2);
    store.close();

    const db = rawDb(path, key);
    expect(count(db, 'search_fts_docsize')).toBe(seed.length);
    // The row key is timetoken × 100 + slot; conversations are integers in `names`.
    db.prepare('DELETE FROM messages WHERE id BETWEEN ? * 100 AND ? * 100 + 99').run(BigInt(seed[0]!.timetoken), BigInt(seed[0]!.timetoken));
    db.prepare('DELETE FROM messages WHERE conversation = (SELECT id FROM names WHERE name = ?)').run(trip);
    expect(count(db, 'search_fts_docsize')).toBe(seed.length - 3);
    // The FTS5 index itself holds no entry for the deleted rows (not just the join hiding them).
    expect(db.prepare(`SELECT rowid FROM search_fts WHERE search_fts MATCH '"budget"'`).all()).toEqual([]);
    expect(db.prepare(`SELECT rowid FROM search_fts WHERE search_fts MATCH '"東京"'`).all()).toHaveLength(1);
    db.close();

    store = LocalStore.open(path, key);
    expect(store.search('budget', { limit: 5 })).toEqual([]);
    expect(store.search('東京', { limit: 5 }).map((h) => h.conversationId)).toEqual([work]);
    store.close();
  });

  it('a refusal never enters the index, and an opened message that replaces a refusal does', () => {
    const store = open();
    const tt = String(base + 99n);
    store.put([{ conversationId: work, timetoken: tt, outcome: { kind: 'rejected', code: 'bad_signature', message: 'searchable refusal words' } }]);
    expect(() => store.search('refusal', { limit: 5 })).not.toThrow();
    expect(store.search('refusal', { limit: 5 })).toEqual([]);
    store.put([{ ...text(work, 0, 'the opened zeppelin'), timetoken: tt }]);
    expect(store.search('zeppelin', { limit: 5 }).map((h) => h.timetoken)).toEqual([tt]);
    // Stored again (a catch-up overlap): still one hit, not two.
    store.put([{ ...text(work, 0, 'the opened zeppelin'), timetoken: tt }]);
    expect(store.search('zeppelin', { limit: 5 })).toHaveLength(1);
    store.close();
  });

  it('migration 2 indexes the messages a version-1 database already holds', () => {
    const p = join(dir, 'v1.db');
    const db = rawDb(p, key);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare(
      `INSERT INTO messages (conversation_id, tt, outcome, message_id, sent_at, body_type, body, sender_user, sender_device, key_version, stored_at)
       VALUES (?, ?, 'opened', 'msg-old-0001', 1, 'string', 'an old message about Zürich', 'user-alice', 'dev-alice-1', 1, 1)`,
    ).run(work, String(base).padStart(20, '0'));
    db.close();
    const store = LocalStore.open(p, key);
    expect(store.schemaVersion).toBeGreaterThanOrEqual(2);
    expect(store.search('zurich', { limit: 5 }).map((h) => h.messageId)).toEqual(['msg-old-0001']);
    store.close();
  });
});

describe('the index keeps no positions (detail=none), and finds what the index with positions found', () => {
  const key = randomBytes(32);
  const path = join(dir, 'positions.db');
  const store = LocalStore.open(path, key);
  const crowded = Array.from({ length: 300 }, (_, i) => `zq${i.toString(36).padStart(3, '0')}`);
  store.put([
    text(work, 1, "I don't know"),
    text(work, 2, 'Don went to the t-mobile shop'),
    text(work, 3, '東京と京都に行きます'),
    text(work, 4, '東京都庁の会議'),
    text(trip, 5, 'then there was the theatre, and they came'),
    text(trip, 6, `crowded ${crowded.slice(0, 150).join(' ')}`),
    text(trip, 7, `crowded ${crowded.slice(150).join(' ')}`),
  ]);
  const timetokens = (q: string) => store.search(q, { limit: 50 }).map((h) => h.timetoken);

  it('a phrase whose tokens are all there but apart does not match: "don\'t", 東京都', () => {
    expect(timetokens("don't")).toEqual([text(work, 1, '').timetoken]);
    expect(timetokens('東京都')).toEqual([text(work, 4, '').timetoken]);
    // A two-character term is one bigram: found across a word boundary too (京都 in 東京都庁), as before.
    expect(timetokens('京都')).toEqual([text(work, 4, '').timetoken, text(work, 3, '').timetoken]);
  });

  it("a prefix expanded to its terms finds exactly what FTS5's own prefix query finds, also past the expansion bound", () => {
    const db = rawDb(path, key);
    const native = (prefix: string) =>
      db.prepare(`SELECT CAST(rowid / 100 AS TEXT) FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC`).pluck().all(`"${prefix}"*`) as string[];
    for (const prefix of ['the', 'thea', 'don', 'zq0', 'zq', 'cro', 'xyz']) {
      expect(timetokens(prefix.length >= 3 ? prefix : `${prefix}0`), prefix).toEqual(native(prefix.length >= 3 ? prefix : `${prefix}0`));
    }
    // 300 terms start with "zq0": more than the expansion takes, so FTS5 expands it itself; same answer.
    expect(timetokens('zq0')).toEqual([text(trip, 7, '').timetoken, text(trip, 6, '').timetoken]);
    db.close();
  });
});

describe('the query is user text, never FTS5 syntax', () => {
  const store = open();
  store.put([...seed, text(work, 7, 'a "quoted" NEAR(x y) OR * (unbalanced AND NOT ^start col:on')]);

  it('FTS5 operators are words: they find the message that contains them and nothing else', () => {
    expect(store.search('NEAR(x', { limit: 5 }).map((h) => h.messageId)).toEqual(['msg-000007']);
    expect(store.search('"quoted', { limit: 5 }).map((h) => h.messageId)).toEqual(['msg-000007']);
    expect(store.search('budget OR flore', { limit: 5 })).toEqual([]);
    expect(store.search('col:on', { limit: 5 }).map((h) => h.messageId)).toEqual(['msg-000007']);
  });

  it('an empty, punctuation-only or too long query is a typed SearchQueryError', () => {
    for (const q of ['', '   ', '"', '*', '()', ' " * ( ) : ^ ']) {
      expect(() => store.search(q, { limit: 5 })).toThrow(SearchQueryError);
      try {
        store.search(q, { limit: 5 });
      } catch (e) {
        expect((e as SearchQueryError).code).toBe('search_query_empty');
      }
    }
    expect(() => store.search('a'.repeat(MAX_SEARCH_QUERY + 1), { limit: 5 })).toThrow(expect.objectContaining({ code: 'search_query_too_long' }));
    expect(() => store.search(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '), { limit: 5 })).toThrow(
      expect.objectContaining({ code: 'search_query_too_long' }),
    );
  });

  it('fuzzed hostile queries answer hits or a SearchQueryError, never another error', () => {
    const hostile = fc.constantFrom(
      '"',
      '*',
      '(',
      ')',
      'NEAR',
      'NEAR(',
      'OR',
      'AND',
      'NOT',
      '^',
      ':',
      '-',
      '+',
      '{',
      '}',
      '\\',
      "'",
      '\u0000',
      '東',
      '京',
      'café',
    );
    const piece = fc.oneof(hostile, fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), fc.constantFrom('', ' '), (parts, sep) => {
        const q = parts.join(sep);
        try {
          const hits = store.search(q, { limit: 5 });
          for (const h of hits) for (const [s, e] of h.snippet.highlights) expect(0 <= s && s < e && e <= h.snippet.text.length).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(SearchQueryError);
        }
      }),
      { numRuns: 1500 },
    );
  });
});

describe('the client scopes a search to the conversations the user is in now', () => {
  const member = { ids: new Set([work, trip]) };
  it('all of them, or the one named; one the user left is search_not_member', async () => {
    expect(await searchScope(undefined, async () => member, undefined)).toEqual([work, trip]);
    expect(await searchScope(trip, async () => member, undefined)).toEqual([trip]);
    await expect(searchScope(left, async () => member, undefined)).rejects.toBeInstanceOf(SearchScopeError);
  });
  it('the last list stands in only when the key service cannot be reached', async () => {
    const offline = Object.assign(new Error('offline'), { category: 'transport' });
    const refused = Object.assign(new Error('no'), { category: 'auth' });
    expect(await searchScope(undefined, () => Promise.reject(offline), member)).toEqual([work, trip]);
    await expect(searchScope(undefined, () => Promise.reject(offline), undefined)).rejects.toBe(offline);
    await expect(searchScope(undefined, () => Promise.reject(refused), member)).rejects.toBe(refused);
  });
});
