/**
 * Disappearing messages in the local store (docs/client.md "Disappearing messages"): once a message's
 * time under its conversation's verified timer is up, it is deleted from the encrypted database — and its
 * text is in no page of the file (free pages and unused cell space included) and in no WAL frame, which
 * the test checks by decrypting every page itself (sqlcipherScan.ts) and scanning the bytes. A message
 * fetched in catch-up that has already expired is never written; a device that was closed when messages
 * expired deletes them on its next start, before anything is read. Real keychain (gnome-keyring under
 * scripts/with-services.sh), real SQLCipher database; the expiry clock is moved forward with the
 * test-only `advanceExpiryClockForTests` instead of waiting.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import {
  advanceExpiryClockForTests,
  createKeychainStoreKey,
  LocalHistory,
  STORE_KEY_ACCOUNT,
  type ExpiredMessage,
  type StoredMessage,
} from '../../src/client/store';
import { expiryNow } from '../../src/client/store/expiry';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import { decryptedStoreBytes } from './sqlcipherScan';

const service = `seed-messenger.expiry-${randomBytes(4).toString('hex')}`;
const MIN = 60_000;
const conv = (name: string) => `conv-${name}-${randomBytes(6).toString('hex')}` as ConversationId;
const marker = (name: string) => `${name}-${randomBytes(6).toString('hex')}`;

/** A message sent at `sentAt` (ms), with the relay's timetoken of the same instant. */
function message(conversationId: ConversationId, sentAt: number, body: string): StoredMessage {
  return {
    conversationId,
    timetoken: String(BigInt(sentAt) * 10_000n + 1n),
    outcome: {
      kind: 'ok',
      plaintext: { id: randomBytes(16).toString('base64url') as MessageId, sentAt, type: 'string', body },
      senderDevice: 'dev-alice' as DeviceId,
      senderUser: 'user-alice' as UserId,
      keyVersion: 1,
    },
  };
}

async function setup(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `seed-expiry-${name}-`));
  const key = createKeychainStoreKey(createKeytarStore(service));
  await key.clear();
  const history = new LocalHistory(dir, key);
  const expired: ExpiredMessage[] = [];
  history.onExpired((gone) => expired.push(...gone));
  const bytes = async () => decryptedStoreBytes(history.path, (await key.load())!);
  const bodies = async (c: ConversationId) => (await history.page(c, { limit: 100 })).map((m) => (m.outcome.kind === 'ok' ? m.outcome.plaintext.body : null));
  return { dir, key, history, expired, bytes, bodies };
}

afterAll(async () => {
  await keytar.deletePassword(service, STORE_KEY_ACCOUNT);
});

describe('disappearing messages leave the local store', () => {
  it('an expired message is deleted, and its text is in no page and no WAL frame; a live one stays until its time', async () => {
    const s = await setup('delete');
    const c = conv('timer');
    const other = conv('no-timer');
    const now = expiryNow();
    const [old, fresh, kept] = [marker('OLDSECRET'), marker('FRESHSECRET'), marker('KEPTSECRET')];
    await s.history.put([message(c, now - 10 * MIN, old), message(c, now, fresh), message(other, now - 10 * MIN, kept)]);
    expect((await s.bytes()).includes(old)).toBe(true); // the scan sees stored text (control)

    // The 5-minute timer, set 20 minutes ago, arrives with the verified chain: the 10-minute-old message is gone.
    await s.history.setTimers(c, [{ seq: 1, at: now - 20 * MIN, seconds: 300 }]);
    expect(await s.bodies(c)).toEqual([fresh]);
    expect(s.expired.map((e) => e.conversationId)).toEqual([c]);
    let scanned = await s.bytes();
    expect(scanned.includes(old), 'the deleted text lingers in the file or the WAL').toBe(false);
    expect(scanned.includes(fresh)).toBe(true);

    // Six minutes later (the test clock), the other one is due too; a conversation without a timer keeps its messages.
    advanceExpiryClockForTests(6 * MIN);
    await expect.poll(() => s.expired.length).toBe(2);
    expect(await s.bodies(c)).toEqual([]);
    expect(await s.bodies(other)).toEqual([kept]);
    scanned = await s.bytes();
    expect(scanned.includes(fresh), 'the deleted text lingers in the file or the WAL').toBe(false);
    expect(scanned.includes(kept)).toBe(true);
    const wal = `${s.history.path}-wal`;
    expect(!existsSync(wal) || statSync(wal).size === 0, 'the WAL was checkpointed and truncated after deleting').toBe(true);
    await s.history.close();
  });

  it('a message fetched in catch-up that has already expired is never stored', async () => {
    const s = await setup('catchup');
    const c = conv('catchup');
    const now = expiryNow();
    await s.history.setTimers(c, [{ seq: 1, at: now - 60 * MIN, seconds: 300 }]);
    const [late, timely, before] = [marker('LATESECRET'), marker('TIMELYSECRET'), marker('BEFORETIMER')];
    await s.history.put([message(c, now - 10 * MIN, late), message(c, now - MIN, timely), message(c, now - 90 * MIN, before)]);
    // Sent before the timer was set: no timer applies to it; sent 10 minutes ago under 5 minutes: never kept.
    expect(await s.bodies(c)).toEqual([before, timely]);
    expect((await s.bytes()).includes(late), 'the expired text was written to the file or the WAL').toBe(false);
    expect(s.expired).toEqual([]);
    await s.history.close();
  });

  it('a device that was closed when its messages expired deletes them on its next start, before anything is read', async () => {
    const s = await setup('offline');
    const c = conv('offline');
    const now = expiryNow();
    await s.history.setTimers(c, [{ seq: 1, at: now - MIN, seconds: 300 }]);
    const text = marker('OFFLINESECRET');
    await s.history.put([message(c, now, text)]);
    await s.history.close();
    advanceExpiryClockForTests(10 * MIN); // the app is closed meanwhile
    expect((await s.bytes()).includes(text)).toBe(true);

    // The next start: the client sweeps at sign-in, before any window reads.
    const restarted = new LocalHistory(s.dir, s.key);
    const expired: ExpiredMessage[] = [];
    restarted.onExpired((gone) => expired.push(...gone));
    await restarted.sweepIfPresent();
    await expect.poll(() => expired.length).toBe(1);
    expect((await s.bytes()).includes(text), 'the expired text is still in the file or the WAL').toBe(false);
    expect(await restarted.page(c, { limit: 10 })).toEqual([]);
    await restarted.close();

    // A profile without a database gets none from the sweep.
    const empty = new LocalHistory(mkdtempSync(join(tmpdir(), 'seed-expiry-none-')), s.key);
    expect(await empty.sweepIfPresent()).toEqual([]);
    expect(existsSync(empty.path)).toBe(false);
  });
});

describe('disappearing messages leave a full-text index too', () => {
  it('the words of an expired message are in no page of the search index (FTS5, kept by triggers on messages)', async () => {
    const s = await setup('fts');
    const c = conv('fts');
    const now = expiryNow();
    await s.history.put([message(c, now, 'opening the store')]);
    // The store's own search index (migration 2): contentless FTS5, kept in step by triggers on `messages`.
    const [secret, kept] = [`zebra${randomBytes(5).toString('hex')}`, `yak${randomBytes(5).toString('hex')}`];
    // Sixty live messages around one that has expired: the index keeps segments that still hold live rows.
    const many = Array.from({ length: 60 }, (_, i) =>
      i === 30 ? message(c, now - 10 * MIN, `filler words ${secret}`) : message(c, now - MIN + i, `filler words number ${i}`),
    );
    // One transaction each, as messages arrive: the index grows segment by segment.
    for (const m of [...many, message(c, now, `stays ${kept}`)]) await s.history.put([m]);
    expect((await s.bytes()).includes(secret)).toBe(true);
    await s.history.setTimers(c, [{ seq: 1, at: now - 20 * MIN, seconds: 300 }]);
    const scanned = await s.bytes();
    expect(scanned.includes(secret), 'the expired words linger in the full-text index').toBe(false);
    expect(scanned.includes(kept)).toBe(true);
    await s.history.close();
  });
});
