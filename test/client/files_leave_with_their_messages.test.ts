/**
 * Files go with their messages (docs/client.md "Files"): in the real encrypted local store (SQLCipher, key in
 * gnome-keyring under scripts/with-services.sh) and a real local-directory attachment store, a file message
 * keeps its descriptor; when its author deletes it for everyone, or it disappears, the decrypted copies this
 * device saved are deleted and — only when this device sent it — the store's objects too. A delete for me
 * deletes the local copy and leaves the objects. A delete by someone other than the author changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { releaseAttachments } from '../../src/client/attachments/releaseAttachments';
import { uploadFile } from '../../src/client/attachments/uploadFile';
import { createKeytarStore } from '../../src/client/keychain/keychain';
import { advanceExpiryClockForTests, createKeychainStoreKey, LocalHistory, STORE_KEY_ACCOUNT, type StoredMessage } from '../../src/client/store';
import type { ReleasedAttachment } from '../../src/client/store/attachmentStore';
import { expiryNow } from '../../src/client/store/expiry';
import type { AttachmentDescriptor } from '../../src/common/attachments/descriptor';
import { attachmentSendLimits } from '../../src/common/attachments/sendPolicy';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { ChatAction } from '../../src/common/protocol/chatAction';
import { LocalAttachmentStore } from '../../src/node/attachments/store';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';

const provider = createNodeCryptoProvider();
const service = `seed-messenger.files-${randomBytes(4).toString('hex')}`;
const ALICE = { user: 'user-alice' as UserId, device: 'dev-alice' as DeviceId };
const BOB = { user: 'user-bob' as UserId, device: 'dev-bob' as DeviceId };
const limits = attachmentSendLimits({ attachmentMaxSize: 'unlimited', attachmentBlockedTypes: null });
const dirs: string[] = [];
const histories: LocalHistory[] = [];

afterEach(async () => {
  for (const h of histories.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  await keytar.deletePassword(service, STORE_KEY_ACCOUNT).catch(() => undefined);
});

function temp(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `seed-files-${label}-`));
  dirs.push(d);
  return d;
}

let tt = BigInt(Date.now()) * 10_000n;
function stored(conversationId: ConversationId, by: typeof ALICE, id: MessageId, body: unknown, extra: object): StoredMessage {
  tt += 10_000n;
  return {
    conversationId,
    timetoken: String(tt),
    outcome: {
      kind: 'ok',
      plaintext: { id, sentAt: Number(tt / 10_000n), type: 'json', body: body as never },
      senderDevice: by.device,
      senderUser: by.user,
      keyVersion: 1,
      ...extra,
    },
  };
}

/** Alice's device: its store, an attachment store, and a file message from `by` with a saved local copy. */
async function setup(by: typeof ALICE) {
  const key = createKeychainStoreKey(createKeytarStore(service));
  await key.clear();
  const history = new LocalHistory(temp('profile'), key);
  histories.push(history);
  const objectsDir = temp('objects');
  const store = new LocalAttachmentStore({ directory: objectsDir, maxPartSize: 64 * 1024 });
  const released: ReleasedAttachment[] = [];
  history.onAttachmentsReleased((r) => released.push(...r));
  const source = join(temp('source'), 'photo.png');
  writeFileSync(source, randomBytes(150_000));
  const descriptor: AttachmentDescriptor = await uploadFile({ provider, store }, limits, { path: source });
  const c = `conv-files-${randomBytes(6).toString('hex')}` as ConversationId;
  const id = randomBytes(16).toString('base64url') as MessageId;
  await history.put([stored(c, by, id, { descriptor }, { attachment: { descriptor } })]);
  const copy = join(temp('downloads'), 'photo.png');
  writeFileSync(copy, 'decrypted copy');
  expect(await history.addLocalCopy(c, id, copy)).toBe(true);
  const page = await history.page(c, { limit: 10 });
  expect(page[0]?.outcome).toMatchObject({ kind: 'ok', attachment: { descriptor } });
  const action = (a: ChatAction, who: typeof ALICE) => stored(c, who, randomBytes(16).toString('base64url') as MessageId, {}, { chat: a });
  return { history, store, objectsDir, released, descriptor, c, id, copy, action };
}

describe('files leave with their messages', () => {
  it("the author's delete for everyone deletes the local copy and the sender's objects", async () => {
    const s = await setup(ALICE);
    expect(readdirSync(s.objectsDir).length).toBe(s.descriptor.parts.length);
    await s.history.put([s.action({ kind: 'delete', target: s.id }, ALICE)]);
    expect(s.released).toMatchObject([{ messageId: s.id, reason: 'deleted', senderDevice: ALICE.device }]);
    expect((await releaseAttachments(s.released, ALICE.device, s.store)).failures).toEqual([]);
    expect(existsSync(s.copy)).toBe(false);
    expect(readdirSync(s.objectsDir)).toEqual([]);
    expect(await s.history.attachment(s.c, s.id)).toBeUndefined();
  });

  it("another member's file deleted for everyone: the local copy goes, their objects are theirs to delete", async () => {
    const s = await setup(BOB);
    await s.history.put([s.action({ kind: 'delete', target: s.id }, BOB)]);
    await releaseAttachments(s.released, ALICE.device, s.store);
    expect(existsSync(s.copy)).toBe(false);
    expect(readdirSync(s.objectsDir).length).toBe(s.descriptor.parts.length);
  });

  it('a delete by someone other than the author releases nothing', async () => {
    const s = await setup(ALICE);
    await s.history.put([s.action({ kind: 'delete', target: s.id }, BOB)]);
    expect(s.released).toEqual([]);
    expect(await s.history.attachment(s.c, s.id)).toBeDefined();
  });

  it('delete for me deletes the local copy only', async () => {
    const s = await setup(ALICE);
    await s.history.hideForMe(s.c, s.id);
    expect(s.released).toMatchObject([{ reason: 'hidden' }]);
    await releaseAttachments(s.released, ALICE.device, s.store);
    expect(existsSync(s.copy)).toBe(false);
    expect(readdirSync(s.objectsDir).length).toBe(s.descriptor.parts.length);
  });

  it("a disappearing file goes when its time is up: the copy and the sender's objects", async () => {
    const s = await setup(ALICE);
    await s.history.setTimers(s.c, [{ seq: 1, at: expiryNow() - 60_000, seconds: 300 }]);
    expect(s.released).toEqual([]);
    advanceExpiryClockForTests(6 * 60_000);
    await s.history.sweep();
    expect(s.released).toMatchObject([{ messageId: s.id, reason: 'expired' }]);
    await releaseAttachments(s.released, ALICE.device, s.store);
    expect(existsSync(s.copy)).toBe(false);
    expect(readdirSync(s.objectsDir)).toEqual([]);
  });
});
