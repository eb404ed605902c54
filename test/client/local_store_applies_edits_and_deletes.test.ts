/**
 * Edits and deletes in the local store (docs/client.md "Edits and deletes", src/client/store/chatStore.ts):
 * a delete for everyone by the author takes the text out of the row, every version and the search index —
 * searching for its words finds nothing and no decrypted page or WAL frame of the file holds them
 * (sqlcipherScan.ts); an edit or a delete by anyone else is refused with `NotAuthorError` and changes
 * nothing; an edit before its original, twice, or an old edit replayed after a newer one all converge to the
 * same text. Real keychain (gnome-keyring under scripts/with-services.sh), real SQLCipher database.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import { createKeychainStoreKey, LocalHistory, STORE_KEY_ACCOUNT, type StoredMessage } from '../../src/client/store';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { ChatAction } from '../../src/common/protocol/chatAction';
import { NotAuthorError } from '../../src/common/protocol/errors';
import { decryptedStoreBytes } from './sqlcipherScan';

const service = `seed-messenger.chat-${randomBytes(4).toString('hex')}`;
const ALICE = 'user-alice' as UserId;
const MALLORY = 'user-mallory' as UserId;
const word = (name: string) => `${name}${randomBytes(5).toString('hex')}`;
const newId = () => randomBytes(16).toString('base64url') as MessageId;
let tt = 17_500_000_000_000_000n;
const nextTt = () => String((tt += 10_000n));

function message(c: ConversationId, id: MessageId, body: string, sender = ALICE, sentAt = 1_000): StoredMessage {
  return {
    conversationId: c,
    timetoken: nextTt(),
    outcome: { kind: 'ok', plaintext: { id, sentAt, type: 'string', body }, senderDevice: `dev-${sender}` as DeviceId, senderUser: sender, keyVersion: 1 },
  };
}

function action(c: ConversationId, chat: Extract<ChatAction, { kind: 'edit' | 'delete' }>, sender: UserId, sentAt: number, id = newId()): StoredMessage {
  return {
    conversationId: c,
    timetoken: nextTt(),
    outcome: {
      kind: 'ok',
      plaintext: { id, sentAt, type: 'json', body: { ...chat } as never },
      senderDevice: `dev-${sender}` as DeviceId,
      senderUser: sender,
      keyVersion: 1,
      chat,
    },
  };
}

async function setup(name: string) {
  const dir = mkdtempSync(join(tmpdir(), `seed-chat-${name}-`));
  const key = createKeychainStoreKey(createKeytarStore(service));
  await key.clear();
  const history = new LocalHistory(dir, key);
  const bytes = async () => decryptedStoreBytes(history.path, (await key.load())!);
  const page = async (c: ConversationId) => (await history.page(c, { limit: 100 })).map((m) => m.outcome);
  const search = async (q: string) => (await history.search(q, { limit: 10 })).length;
  return { history, bytes, page, search };
}

afterAll(async () => {
  await keytar.deletePassword(service, STORE_KEY_ACCOUNT);
});

describe('the local store applies edits and deletes for everyone', () => {
  it('a delete for everyone by the author leaves no text in the rows, the versions, the search index or any page of the file', async () => {
    const s = await setup('delete');
    const c = `conv-${randomBytes(6).toString('hex')}` as ConversationId;
    const id = newId();
    const [original, edited] = [word('ORIGINALSECRET'), word('EDITEDSECRET')];
    await s.history.put([message(c, id, `hello ${original}`)]);
    await s.history.put([action(c, { kind: 'edit', target: id, text: `hello ${edited}` }, ALICE, 2_000)]);
    expect(await s.search(edited)).toBe(1);
    expect((await s.bytes()).includes(original)).toBe(true); // the scan sees stored text (control: version 0)

    await s.history.put([action(c, { kind: 'delete', target: id }, ALICE, 3_000)]);
    const [gone] = await s.page(c);
    expect(gone).toMatchObject({ kind: 'ok', plaintext: { body: '' }, state: { deleted: true } });
    expect(await s.search(original)).toBe(0);
    expect(await s.search(edited)).toBe(0);
    expect(await s.history.versions(c, id)).toEqual([]);
    await s.history.close(); // the WAL is written back; then every page of the file is read
    const scanned = await s.bytes();
    expect(scanned.includes(original)).toBe(false);
    expect(scanned.includes(edited)).toBe(false);

    // A second delivery of the original (scroll-back from PubNub) never brings the text back.
    const again = message(c, id, `hello ${original}`);
    await s.history.put([again]);
    expect((await s.page(c)).map((o) => (o.kind === 'ok' ? o.plaintext.body : null))).toEqual(['', `hello ${original}`]);
  });

  it("another member's edit or delete of Alice's message is refused with NotAuthorError and changes nothing", async () => {
    const s = await setup('forged');
    const c = `conv-${randomBytes(6).toString('hex')}` as ConversationId;
    const id = newId();
    const text = word('ALICETEXT');
    await s.history.put([message(c, id, text)]);
    const refused = await s.history.put([
      action(c, { kind: 'edit', target: id, text: 'mallory was here' }, MALLORY, 2_000),
      action(c, { kind: 'delete', target: id }, MALLORY, 2_001),
    ]);
    expect(refused.map((r) => r.error)).toEqual([expect.any(NotAuthorError), expect.any(NotAuthorError)]);
    expect(refused.map((r) => r.error.code)).toEqual(['not_author', 'not_author']);
    const [kept] = await s.page(c);
    expect(kept).toMatchObject({ kind: 'ok', plaintext: { body: text } });
    expect(kept!.kind === 'ok' && kept!.state).toBeFalsy();
    expect(await s.search(text)).toBe(1);
    expect(await s.history.versions(c, id)).toEqual([]);
  });

  it('a forged edit and delete that arrive before the original are dropped when it comes', async () => {
    const s = await setup('forged-early');
    const c = `conv-${randomBytes(6).toString('hex')}` as ConversationId;
    const id = newId();
    const text = word('EARLYTEXT');
    expect(
      await s.history.put([action(c, { kind: 'edit', target: id, text: 'forged' }, MALLORY, 2_000), action(c, { kind: 'delete', target: id }, MALLORY, 2_001)]),
    ).toEqual([]);
    await s.history.put([message(c, id, text)]);
    expect(await s.page(c)).toMatchObject([{ kind: 'ok', plaintext: { body: text } }]);
    expect(await s.search(text)).toBe(1);
  });

  it('edits converge whatever the order: before the original, twice, and an older one replayed after a newer one', async () => {
    const s = await setup('order');
    const c = `conv-${randomBytes(6).toString('hex')}` as ConversationId;
    const id = newId();
    const v1 = action(c, { kind: 'edit', target: id, text: 'version one' }, ALICE, 2_000);
    const v2 = action(c, { kind: 'edit', target: id, text: 'version two' }, ALICE, 3_000);
    await s.history.put([v2]); // the newer edit first, before the original
    await s.history.put([message(c, id, 'version zero')]);
    await s.history.put([v1, v2]); // the older one afterwards, and the newer one again
    await s.history.put([{ ...v1, timetoken: nextTt() }]); // a replay of the old edit at a later timetoken
    const [m] = await s.page(c);
    expect(m).toMatchObject({ kind: 'ok', plaintext: { body: 'version two' }, state: { edited: { sentAt: 3_000 } } });
    expect((await s.history.versions(c, id)).map((v) => v.text)).toEqual(['version zero', 'version one', 'version two']);
    expect(await s.search('version two')).toBe(1);
    expect(await s.search('zero')).toBe(0);
  });

  it('delete for me takes the text out of this device and hides the message', async () => {
    const s = await setup('for-me');
    const c = `conv-${randomBytes(6).toString('hex')}` as ConversationId;
    const id = newId();
    const text = word('FORMETEXT');
    await s.history.put([message(c, id, text, MALLORY)]);
    await s.history.hideForMe(c, id);
    expect(await s.page(c)).toEqual([]);
    expect(await s.search(text)).toBe(0);
    expect((await s.history.chatStates(c, [id])).get(id)).toEqual({ hidden: true });
    await s.history.close();
    expect((await s.bytes()).includes(text)).toBe(false);
  });
});
