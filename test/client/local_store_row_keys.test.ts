/**
 * The compact rows' keys and ids (src/client/store/messageRows.ts, docs/client.md "Local store"): a row's key
 * is timetoken × 100 + a slot, so equal timetokens in different conversations are different messages, time
 * order is key order, and a timetoken that does not fit the 63-bit key is refused with a typed error that
 * stores nothing of the call; message ids are kept as bytes only when that gives back the same text. Real
 * SQLCipher database in a temp folder; fast-check for the properties.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { LocalStore, LocalStoreTimetokenError, type StoredMessage } from '../../src/client/store';
import { decodeMessageId, encodeMessageId, rowIdRange, TIMETOKEN_LIMIT, timetokenOf } from '../../src/client/store/messageRows';

const dir = mkdtempSync(join(tmpdir(), 'seed-store-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const conv = (i: number) => `conv-keys-${String(i).padStart(4, '0')}` as ConversationId;

function message(conversationId: ConversationId, timetoken: string, body: string, id = randomBytes(16).toString('base64url')): StoredMessage {
  return {
    conversationId,
    timetoken,
    outcome: {
      kind: 'ok',
      plaintext: { id: id as MessageId, sentAt: 1_733_000_000_000, type: 'string', body },
      senderDevice: 'dev-alice-1' as DeviceId,
      senderUser: 'user-alice' as UserId,
      keyVersion: 1,
    },
  };
}

function open(): { store: LocalStore; path: string; key: Buffer } {
  const path = join(dir, `${randomBytes(4).toString('hex')}.db`);
  const key = randomBytes(32);
  return { store: LocalStore.open(path, key), path, key };
}

const bodies = (store: LocalStore, c: ConversationId) => store.page(c, { limit: 100 }).map((m) => (m.outcome.kind === 'ok' ? m.outcome.plaintext.body : null));

/** The typed refusal of a call, or 'stored'. */
function refusal(work: () => void): string {
  try {
    work();
    return 'stored';
  } catch (err) {
    expect(err).toBeInstanceOf(LocalStoreTimetokenError);
    return (err as LocalStoreTimetokenError).code;
  }
}

describe('row keys: timetoken × 100 + slot', () => {
  it('round-trips every timetoken below the limit and keeps time order (property)', () => {
    const timetoken = fc.bigInt({ min: 0n, max: TIMETOKEN_LIMIT - 1n });
    fc.assert(
      fc.property(timetoken, timetoken, (a, b) => {
        const ra = rowIdRange(a.toString());
        expect(timetokenOf(ra.first)).toBe(a.toString());
        expect(timetokenOf(ra.last)).toBe(a.toString());
        expect(ra.last - ra.first).toBe(99n);
        expect(ra.last).toBeLessThanOrEqual(9_223_372_036_854_775_807n);
        if (a < b) expect(ra.last).toBeLessThan(rowIdRange(b.toString()).first);
      }),
      { numRuns: 2000 },
    );
    // Leading zeros are the same timetoken.
    expect(rowIdRange('000123')).toEqual(rowIdRange('123'));
  });

  it('a timetoken that does not fit, or is not digits, is a typed error and the whole call stores nothing', () => {
    const { store } = open();
    const good = message(conv(1), '17330000000000000', 'a message that comes with a bad one');
    for (const bad of [TIMETOKEN_LIMIT.toString(), '99999999999999999999', '123456789012345678', '', 'abc', '12e3', '-5', '1'.repeat(21)]) {
      expect(
        refusal(() => store.put([good, message(conv(1), bad, 'from a relay that lies')])),
        bad,
      ).toBe('local_store_bad_timetoken');
    }
    expect(bodies(store, conv(1))).toEqual([]);
    // The largest timetoken that fits is stored and reads back.
    const largest = (TIMETOKEN_LIMIT - 1n).toString();
    store.put([good, message(conv(1), largest, 'the last timetoken that fits')]);
    expect(store.page(conv(1), { limit: 10 }).map((m) => m.timetoken)).toEqual([good.timetoken, largest]);
    expect(store.search('fits', { limit: 5 }).map((h) => h.timetoken)).toEqual([largest]);
    // Reads with a timetoken past the limit (the bridge allows 20 digits) read as "after everything".
    expect(store.page(conv(1), { before: '99999999999999999999', limit: 10 })).toHaveLength(2);
    expect(store.around(conv(1), '99999999999999999999', 3).map((m) => m.timetoken)).toEqual([good.timetoken, largest]);
    store.close();
  });

  it('equal timetokens in different conversations are different messages: paged, searched and deleted apart', () => {
    const { store } = open();
    const tt = '17330000000000000';
    store.put([message(conv(1), tt, 'first zeppelin'), message(conv(2), tt, 'second zeppelin')]);
    store.put([message(conv(3), tt, 'third zeppelin')]);
    // Stored again (a catch-up overlap): replaced in place, not a fourth slot.
    store.put([message(conv(2), tt, 'second zeppelin, edited')]);
    expect(bodies(store, conv(1))).toEqual(['first zeppelin']);
    expect(bodies(store, conv(2))).toEqual(['second zeppelin, edited']);
    expect(bodies(store, conv(3))).toEqual(['third zeppelin']);
    expect(store.search('zeppelin', { limit: 10 }).map((h) => h.conversationId)).toEqual([conv(3), conv(2), conv(1)]);
    expect(store.search('zeppelin', { limit: 10, conversationIds: [conv(2)] }).map((h) => h.snippet.text)).toEqual(['second zeppelin, edited']);
    expect(store.around(conv(1), tt, 5).map((m) => m.conversationId)).toEqual([conv(1)]);
    // One expires: the others stay, in the table and in the index.
    expect(store.setTimers(conv(2), [{ seq: 1, at: 0, seconds: 5 }])).toBe(true);
    expect(store.deleteExpired().map((g) => [g.conversationId, g.timetoken])).toEqual([[conv(2), tt]]);
    expect(store.search('zeppelin', { limit: 10 }).map((h) => h.conversationId)).toEqual([conv(3), conv(1)]);
    // Its slot is free again for another conversation.
    store.put([message(conv(4), tt, 'fourth zeppelin')]);
    expect(
      store
        .search('zeppelin', { limit: 10 })
        .map((h) => h.conversationId)
        .sort(),
    ).toEqual([conv(1), conv(3), conv(4)]);
    store.close();
  });

  it('a hundred conversations fit one timetoken; the 101st is a typed error and stores nothing of its call', () => {
    const { store } = open();
    const tt = '17330000000000077';
    store.put(Array.from({ length: 100 }, (_, i) => message(conv(i), tt, `crowded ${i}`)));
    expect(store.search('crowded', { limit: 100 })).toHaveLength(100);
    const other = message(conv(500), '17330000000000078', 'in the same call');
    expect(refusal(() => store.put([other, message(conv(100), tt, 'one too many')]))).toBe('local_store_bad_timetoken');
    expect(bodies(store, conv(100))).toEqual([]);
    expect(bodies(store, conv(500))).toEqual([]);
    // The names the refused call would have added are not kept either: a later write still works.
    store.put([other]);
    expect(bodies(store, conv(500))).toEqual(['in the same call']);
    store.close();
  });
});

describe('message ids: bytes when canonical base64url, else the text', () => {
  it('any id reads back as it was written (property)', () => {
    const { store } = open();
    const base64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 0, maxLength: 64 });
    const id = fc.oneof(
      base64url,
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url')),
    );
    let n = 0;
    fc.assert(
      fc.property(id, (text) => {
        expect(decodeMessageId(encodeMessageId(text))).toBe(text);
        n += 1;
        const tt = String(17_330_000_000_000_000n + BigInt(n));
        store.put([message(conv(9), tt, 'id test', text)]);
        const [stored] = store.around(conv(9), tt, 1);
        expect(stored?.outcome.kind === 'ok' && stored.outcome.plaintext.id).toBe(text);
      }),
      { numRuns: 400 },
    );
    store.close();
  });

  it('a 16-byte id (what newId makes) is kept as 16 bytes; a non-canonical or non-base64url one as its text', () => {
    const { store, path, key } = open();
    const canonical = randomBytes(16).toString('base64url');
    const nonCanonical = 'AAAAAAAAAAAAAAAAAAAAAB'; // 22 characters, but its last 4 bits are not zero
    const notBase64 = 'msg.with.dots';
    store.put([
      message(conv(1), '17330000000000001', 'a', canonical),
      message(conv(1), '17330000000000002', 'b', nonCanonical),
      message(conv(1), '17330000000000003', 'c', notBase64),
    ]);
    expect(store.page(conv(1), { limit: 5 }).map((m) => m.outcome.kind === 'ok' && m.outcome.plaintext.id)).toEqual([canonical, nonCanonical, notBase64]);
    store.close();
    const db = new Database(path, { readonly: true });
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.pragma(`key="x'${key.toString('hex')}'"`);
    expect(db.prepare('SELECT typeof(message_id) AS t, length(message_id) AS n FROM messages ORDER BY id').all()).toEqual([
      { t: 'blob', n: 16 },
      { t: 'text', n: 22 },
      { t: 'text', n: 13 },
    ]);
    db.close();
  });
});
