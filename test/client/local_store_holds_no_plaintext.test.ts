/**
 * The attacker has the profile folder (a stolen laptop's disk, a backup) but not the OS keychain. The local
 * store (src/client/store) must give them nothing: the database file and its WAL hold neither a message
 * nor a conversation id in clear, the file does not open without the key (typed `local_store_locked`,
 * nothing changed), and the key lives in the keychain (gnome-keyring under scripts/with-services.sh), in
 * no file. With the key the same file reads back in order, paged by timetoken.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import keytar from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import {
  LocalHistory,
  LocalStore,
  LocalStoreLockedError,
  MIGRATIONS,
  STORE_KEY_ACCOUNT,
  createKeychainStoreKey,
  type StoredMessage,
} from '../../src/client/store';
import { fromBase64Url } from '../../src/common/encoding/base64url';

const service = `seed-messenger.store-${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'seed-local-store-'));
const marker = `ZEBRA-${randomBytes(6).toString('hex')}`;
const conversationId = `conv-${randomBytes(8).toString('hex')}` as ConversationId;

function message(i: number): StoredMessage {
  return {
    conversationId,
    timetoken: String(17_300_000_000_000_000n + BigInt(i) * 10_000n),
    outcome: {
      kind: 'ok',
      plaintext: { id: randomBytes(16).toString('base64url') as MessageId, sentAt: 1_730_000_000_000 + i, type: 'string', body: `${marker} number ${i}` },
      senderDevice: 'dev-alice' as DeviceId,
      senderUser: 'user-alice' as UserId,
      keyVersion: 1,
    },
  };
}

/** Every file of the profile folder, with its bytes. */
function filesOf(folder: string): { path: string; bytes: Buffer }[] {
  return readdirSync(folder)
    .map((name) => join(folder, name))
    .filter((p) => statSync(p).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

afterAll(async () => {
  await keytar.deletePassword(service, STORE_KEY_ACCOUNT);
});

describe('the local store holds no plaintext and does not open without its key', () => {
  const key = createKeychainStoreKey(createKeytarStore(service));
  const history = new LocalHistory(dir, key);

  it('neither the database nor its WAL holds a message or a conversation id in clear', async () => {
    await history.put(Array.from({ length: 30 }, (_, i) => message(i)));
    // While open the pages are still in the WAL: it is encrypted too.
    const whileOpen = filesOf(dir);
    expect(whileOpen.map((f) => f.path)).toContain(`${history.path}-wal`);
    await history.close();
    for (const { path, bytes } of [...whileOpen, ...filesOf(dir)]) {
      expect(bytes.includes(marker), `${path} holds the message text`).toBe(false);
      expect(bytes.includes(conversationId), `${path} holds the conversation id`).toBe(false);
      expect(bytes.subarray(0, 16).toString('latin1'), `${path} is not a plain SQLite file`).not.toBe('SQLite format 3\0');
    }
  });

  it('opened without the key (or with another key) it is unreadable: a typed error, the file unchanged', () => {
    const before = readFileSync(history.path);
    const plain = new Database(history.path);
    expect(() => plain.prepare('SELECT * FROM messages').all()).toThrow(/not a database/);
    plain.close();
    let refused: unknown;
    try {
      LocalStore.open(history.path, new Uint8Array(randomBytes(32)));
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(LocalStoreLockedError);
    expect(refused).toMatchObject({ code: 'local_store_locked' });
    expect(readFileSync(history.path).equals(before)).toBe(true);
  });

  it('the key is 256 random bits in the keychain and in no file', async () => {
    const stored = await keytar.getPassword(service, STORE_KEY_ACCOUNT);
    expect(stored).not.toBeNull();
    const raw = Buffer.from(fromBase64Url(stored!));
    expect(raw.length).toBe(32);
    for (const { path, bytes } of filesOf(dir)) {
      for (const form of [raw, Buffer.from(raw.toString('hex')), Buffer.from(stored!)]) expect(bytes.includes(form), `${path} holds the key`).toBe(false);
    }
  });

  it('with the key it reads back in timetoken order, newest page first, paged by timetoken', async () => {
    const newest = await history.page(conversationId, { limit: 10 });
    expect(newest.map((m) => m.outcome.kind === 'ok' && m.outcome.plaintext.body)).toEqual(Array.from({ length: 10 }, (_, i) => `${marker} number ${20 + i}`));
    const older = await history.page(conversationId, { before: newest[0]!.timetoken, limit: 10 });
    expect(older.map((m) => m.timetoken)).toEqual(Array.from({ length: 10 }, (_, i) => message(10 + i).timetoken));
    const store = LocalStore.open(history.path, (await key.load())!);
    expect(store.schemaVersion).toBe(MIGRATIONS.length);
    store.close();
    await history.close();
    expect(existsSync(history.path)).toBe(true);
  });
});
