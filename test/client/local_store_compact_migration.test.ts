/**
 * Migration 6 (src/client/store/messageRows.ts, docs/client.md "Local store"): a history database made by the
 * previous release — the first five migrations exactly as they shipped, rows written with that release's SQL —
 * is opened by this build and reads back the same: every page, the messages around a hit, search (words,
 * diacritics, CJK, per conversation), the expiry stamps and timers, the offline queue and the snapshots; an
 * equal timetoken in two conversations stays two messages. The old tables and the rowid map are gone, the file
 * is rewritten (VACUUM) and a row that could not be carried (a timetoken past the 63-bit key) leaves no byte
 * in any decrypted page. Real SQLCipher database in a temp folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { LocalStore, MIGRATIONS, type StoredMessage } from '../../src/client/store';
import { registerSearchFunctions } from '../../src/client/store/searchIndex';
import { decryptedStoreBytes } from './sqlcipherScan';

const dir = mkdtempSync(join(tmpdir(), 'seed-store-migration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The schema the previous release left: migrations 1–5. */
const SHIPPED = 5;

const b64 = (n: number) => randomBytes(n).toString('base64url');
const [alpha, beta] = [b64(16) as ConversationId, b64(16) as ConversationId];
const [alice, bob] = [b64(16) as UserId, b64(16) as UserId];
const [aliceDevice, bobDevice] = [b64(16) as DeviceId, b64(16) as DeviceId];
const base = 17_330_000_000_000_000n;
const tt = (i: number) => String(base + BigInt(i) * 10_000_000n);
const sentAt = (i: number) => 1_733_000_000_000 + i * 1000;
const marker = `LOST-${randomBytes(6).toString('hex')}`;

function opened(conversationId: ConversationId, i: number, body: string, id: string = b64(16), from: 'alice' | 'bob' = 'alice'): StoredMessage {
  return {
    conversationId,
    timetoken: tt(i),
    outcome: {
      kind: 'ok',
      plaintext: { id: id as MessageId, sentAt: sentAt(i), type: 'string', body },
      senderUser: from === 'alice' ? alice : bob,
      senderDevice: from === 'alice' ? aliceDevice : bobDevice,
      keyVersion: 3,
    },
  };
}

/** What the previous release held: text and JSON bodies, a refusal, an equal timetoken in both conversations, odd ids. */
const history: StoredMessage[] = [
  opened(alpha, 1, 'The budget review is on Thursday'),
  opened(alpha, 2, 'Meet me at the Café de Flore at noon', 'msg-old-0002'), // canonical base64url of 9 bytes
  { ...opened(alpha, 3, ''), outcome: { kind: 'rejected', code: 'bad_signature', message: 'the signature does not verify' } },
  opened(alpha, 4, '明日の会議は東京で行います', 'AAAAAAAAAAB', 'bob'), // not canonical (trailing bits): kept as text
  opened(beta, 4, 'same timetoken, the other conversation: zeppelin', b64(16), 'bob'),
  {
    ...opened(beta, 5, ''),
    outcome: {
      kind: 'ok',
      plaintext: { id: b64(16) as MessageId, sentAt: sentAt(5), type: 'json', body: { poll: 'Lunch in Zürich?', options: ['yes', 'no'], n: 2 } },
      senderUser: alice,
      senderDevice: aliceDevice,
      keyVersion: 4,
    },
  },
  opened(beta, 6, 'we land in 東京 on Friday, then the café by the river'),
];
/** A row the previous release stored but this one cannot key (timetoken past 92233720368547757): dropped. */
const uncarried = { ...opened(alpha, 0, `${marker} from the far future`), timetoken: '99999999999999999999' };

/** The previous release's insert (localStore.ts at migration 5), verbatim. */
const OLD_INSERT = `INSERT INTO messages (conversation_id, tt, outcome, message_id, sent_at, body_type, body, sender_user, sender_device, key_version, reject_code, reject_message, stored_at)
   VALUES (@conversation_id, @tt, @outcome, @message_id, @sent_at, @body_type, @body, @sender_user, @sender_device, @key_version, @reject_code, @reject_message, @stored_at)`;

function rawDb(path: string, key: Buffer): Database.Database {
  const db = new Database(path);
  db.pragma(`cipher='sqlcipher'`);
  db.pragma('legacy=4');
  db.pragma(`key="x'${key.toString('hex')}'"`);
  return db;
}

/** A database as the previous release made and filled it. */
function previousRelease(path: string, key: Buffer, expiresAt: number): void {
  const db = rawDb(path, key);
  db.pragma('journal_mode = WAL');
  registerSearchFunctions(db); // the previous release registered the same function before writing
  for (let v = 0; v < SHIPPED; v += 1) {
    db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${v + 1}`);
  }
  const insert = db.prepare(OLD_INSERT);
  for (const m of [...history, uncarried]) {
    const o = m.outcome;
    const ok = o.kind === 'ok';
    insert.run({
      conversation_id: m.conversationId,
      tt: m.timetoken.padStart(20, '0'),
      outcome: ok ? 'opened' : 'rejected',
      message_id: ok ? o.plaintext.id : null,
      sent_at: ok ? o.plaintext.sentAt : null,
      body_type: ok ? o.plaintext.type : null,
      body: ok ? (o.plaintext.type === 'string' ? o.plaintext.body : JSON.stringify(o.plaintext.body)) : null,
      sender_user: ok ? o.senderUser : null,
      sender_device: ok ? o.senderDevice : null,
      key_version: ok ? o.keyVersion : null,
      reject_code: ok ? null : o.code,
      reject_message: ok ? null : o.message,
      stored_at: 1,
    });
  }
  // Conversation beta has a timer: its messages carry their expiry.
  db.prepare('INSERT INTO disappearing_timers (conversation_id, seq, at, seconds) VALUES (?, 1, 0, 86400)').run(beta);
  db.prepare('UPDATE messages SET expires_at = ? + (CAST(tt AS INTEGER) % 100000000000) WHERE conversation_id = ?').run(expiresAt, beta);
  db.prepare(
    `INSERT INTO outbox (message_id, conversation_id, sent_at, body_type, body, bytes, state, fail_code, fail_message, attempts, attempt_envelope, attempt_at, queued_at)
     VALUES ('out-0001', ?, 5, 'string', 'queued while offline', 20, 'queued', NULL, NULL, 1, '{"v":1}', 7, 9),
            ('out-0002', ?, 6, 'json', '{"a":1}', 7, 'failed', 'identity_changed', 'verify first', 2, NULL, NULL, 10)`,
  ).run(alpha, beta);
  db.prepare(`INSERT INTO snapshots (name, value, saved_at) VALUES ('conversations', ?, 42)`).run(JSON.stringify([{ conversationId: alpha, name: 'Work' }]));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

const of = (conversationId: ConversationId) => history.filter((m) => m.conversationId === conversationId);

describe('a database of the previous release opens and reads back the same (migration 6)', () => {
  const key = randomBytes(32);
  const path = join(dir, 'previous.db');
  const expiresAt = Date.now() + 3_600_000;
  previousRelease(path, key, expiresAt);
  const before = decryptedStoreBytes(path, key);
  const store = LocalStore.open(path, key);
  afterAll(() => store.close());

  it('the control: the previous release wrote the row that cannot be carried', () => {
    expect(before.includes(marker)).toBe(true);
  });

  it('is brought to the current schema: names, the compact table, no rowid map, no old columns', () => {
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    store.close();
    const db = rawDb(path, key);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[]).sort();
    expect(tables).toContain('names');
    expect(tables).not.toContain('search_rows');
    expect(tables).not.toContain('messages_compact');
    const columns = db.prepare(`SELECT name FROM pragma_table_info('messages')`).pluck().all();
    expect(columns).not.toContain('conversation_id');
    expect(columns).not.toContain('stored_at');
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'search_fts'`).pluck().get()).toMatch(/detail=none/);
    // Ids are bytes when canonical base64url, text otherwise.
    const ids = db.prepare(`SELECT typeof(message_id) AS t, length(message_id) AS n FROM messages WHERE outcome = 1 ORDER BY t, n`).all();
    expect(ids).toEqual([...Array.from({ length: 5 }, (_, i) => ({ t: 'blob', n: i === 0 ? 9 : 16 })), { t: 'text', n: 11 }]);
    // Rewritten after the migration (VACUUM): the old tables' pages are not kept as free pages.
    expect(db.pragma('freelist_count', { simple: true })).toBe(0);
    db.close();
  });

  it('every page reads back as it was written, in timetoken order; the equal timetoken stays in each conversation', () => {
    const reopened = LocalStore.open(path, key);
    expect(reopened.page(alpha, { limit: 100 })).toEqual(of(alpha));
    expect(reopened.page(beta, { limit: 100 })).toEqual(of(beta));
    expect(reopened.page(alpha, { before: tt(4), limit: 2 })).toEqual(of(alpha).slice(1, 3));
    expect(reopened.page(beta, { before: tt(4), limit: 10 })).toEqual([]);
    expect(reopened.around(beta, tt(5), 3)).toEqual(of(beta));
    expect(reopened.around(alpha, tt(4), 1)).toEqual([of(alpha)[3]]);
    reopened.close();
  });

  it('search finds the old messages: words, diacritics, CJK, JSON strings, per conversation, newest first', () => {
    const s = LocalStore.open(path, key);
    const found = (q: string, conversationIds?: ConversationId[]) =>
      s.search(q, { limit: 10, ...(conversationIds === undefined ? {} : { conversationIds }) }).map((h) => [h.conversationId, h.timetoken]);
    expect(found('budget')).toEqual([[alpha, tt(1)]]);
    expect(found('cafe')).toEqual([
      [beta, tt(6)],
      [alpha, tt(2)],
    ]);
    expect(found('東京')).toEqual([
      [beta, tt(6)],
      [alpha, tt(4)],
    ]);
    expect(found('会議は東京')).toEqual([[alpha, tt(4)]]);
    expect(found('zurich')).toEqual([[beta, tt(5)]]);
    expect(found('zeppelin', [alpha])).toEqual([]);
    expect(found('zeppelin', [beta])).toEqual([[beta, tt(4)]]);
    expect(found('signature')).toEqual([]); // a refusal is not indexed
    const [hit] = s.search('Thursday', { limit: 1 });
    const first = history[0]!.outcome;
    expect(hit).toMatchObject({ conversationId: alpha, messageId: first.kind === 'ok' ? first.plaintext.id : '', senderUser: alice, sentAt: sentAt(1) });
    s.close();
  });

  it('the expiry stamps and timers come across: the next expiry, and a sweep deletes exactly beta', () => {
    const s = LocalStore.open(path, key);
    const stamps = of(beta).map((m) => expiresAt + Number(BigInt(m.timetoken) % 100_000_000_000n));
    expect(s.nextExpiry()).toBe(Math.min(...stamps));
    expect(s.setTimers(beta, [{ seq: 1, at: 0, seconds: 86400 }])).toBe(false); // the same timer: nothing to redo
    s.close();
  });

  it('the offline queue and the snapshots are untouched', () => {
    const s = LocalStore.open(path, key);
    expect(s.outbox().list()).toEqual([
      {
        seq: 1,
        conversationId: alpha,
        plaintext: { id: 'out-0001', sentAt: 5, type: 'string', body: 'queued while offline' },
        state: 'queued',
        failure: null,
        attempts: 1,
        attempt: { envelope: { v: 1 }, at: 7 },
      },
      {
        seq: 2,
        conversationId: beta,
        plaintext: { id: 'out-0002', sentAt: 6, type: 'json', body: { a: 1 } },
        state: 'failed',
        failure: { code: 'identity_changed', message: 'verify first' },
        attempts: 2,
        attempt: null,
      },
    ]);
    expect(s.loadSnapshot('conversations')).toEqual({ value: [{ conversationId: alpha, name: 'Work' }], json: expect.any(String), savedAt: 42 });
    s.close();
  });

  it('the row that could not be carried is in no decrypted page', () => {
    const after = decryptedStoreBytes(path, key);
    expect(after.includes(marker)).toBe(false);
    expect(after.includes('same timetoken, the other conversation')).toBe(true); // the scan sees stored text (control)
  });

  it('writes after the migration keep working: a new message, a replaced refusal, an expired sweep', () => {
    const s = LocalStore.open(path, key);
    // Sent now, under beta's one-day timer: it expires after the old ones.
    const now = Date.now();
    const fresh = opened(beta, 7, 'a new message about the budget');
    const recent = {
      ...fresh,
      timetoken: String(BigInt(now) * 10_000n),
      outcome: { ...fresh.outcome, plaintext: { ...(fresh.outcome as { plaintext: object }).plaintext, sentAt: now } },
    } as StoredMessage;
    s.put([opened(alpha, 3, 'the opened zeppelin replaces the refusal'), recent]);
    expect(s.page(alpha, { limit: 100 }).map((m) => m.timetoken)).toEqual(of(alpha).map((m) => m.timetoken));
    expect(s.search('zeppelin', { limit: 10, conversationIds: [alpha] }).map((h) => h.timetoken)).toEqual([tt(3)]);
    expect(s.search('budget', { limit: 10 }).map((h) => [h.conversationId, h.timetoken])).toEqual([
      [beta, recent.timetoken],
      [alpha, tt(1)],
    ]);
    // The old stamps run to expiresAt + 6e7 ms; the new message expires a day from now.
    const gone = s.deleteExpired(expiresAt + 70_000_000);
    expect(gone.map((g) => [g.conversationId, g.timetoken])).toEqual(of(beta).map((m) => [beta, m.timetoken]));
    expect(s.page(beta, { limit: 100 }).map((m) => m.timetoken)).toEqual([recent.timetoken]);
    expect(s.search('zeppelin', { limit: 10, conversationIds: [beta] })).toEqual([]);
    expect(s.page(alpha, { limit: 100 })).toHaveLength(of(alpha).length);
    s.close();
  });
});
