/**
 * PubNub Files parts belong to their uploader (docs/protocol.md §20.10, docs/threat-model.md "Attachments"): on
 * the relay with Access Manager, through the real `pubnub` SDK, with tokens the key service's real gateway
 * grants (the same channels and patterns as its token route: `conv.<id>` read+write, the conversation's files
 * channels read, the user's own files channels read+write+delete), Alice sends a file with a thumbnail to Bob.
 * The attacks: Bob, a member, deletes Alice's parts — refused with `attachment_store_access_denied`, the parts
 * still there; Carol, not a member, and Bob once removed, download and list — refused. Then the clean-up: when
 * Alice deletes the message for everyone, or it expires (the expiry clock moved, no sleeping), her device
 * deletes the parts and a scan of the relay's Files storage no longer finds them. Parts sent before
 * (two-field references on `conv.<id>`) still download; a forward copies to the forwarder's own channel.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import keytar from 'keytar';
import type PubNub from 'pubnub';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conversationStores, copyAttachment, uploaderTag, type ConversationStores } from '../../src/client/attachments/conversationStores';
import { downloadFile } from '../../src/client/attachments/downloadFile';
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
import {
  conversationFilesPatterns,
  conversationPubnubChannel,
  filesPubnubChannel,
  inboxPubnubChannel,
  MAX_GRANT_PATTERN_LENGTH,
} from '../../src/common/pubnubChannels';
import { PubNubFilesStore } from '../../src/node/attachments/pubnubFilesStore';
import { createNodeCryptoProvider } from '../../src/node/crypto/nodeProvider';
import { filesGrant } from '../../src/server/pubnub/filesGrant';
import { createSdkGateway } from '../../src/server/pubnub/sdkGateway';
import { PUB, SECRET, SUB, cleanup, client, startTestRelay } from '../relay/helpers';
import { collect } from './streams';

const provider = createNodeCryptoProvider();
const limits = attachmentSendLimits({ attachmentMaxSize: 'unlimited', attachmentBlockedTypes: null });
const service = `seed-messenger.pnfiles-${randomBytes(4).toString('hex')}`;
const ALICE = { user: `alice-${randomBytes(4).toString('hex')}` as UserId, device: 'dev-alice-1' as DeviceId };
const BOB = { user: `bob-${randomBytes(4).toString('hex')}` as UserId, device: 'dev-bob-01' as DeviceId };
const CAROL = { user: `carol-${randomBytes(4).toString('hex')}` as UserId, device: 'dev-carol-1' as DeviceId };
const dirs: string[] = [];
const histories: LocalHistory[] = [];
let relay: Awaited<ReturnType<typeof startTestRelay>>;
let gateway: ReturnType<typeof createSdkGateway>;

beforeAll(async () => {
  relay = await startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
  gateway = createSdkGateway({ origin: relay.origin, ssl: false, publishKey: PUB, subscribeKey: SUB, secretKey: SECRET }, () => Date.now());
});
afterEach(async () => {
  for (const h of histories.splice(0)) await h.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(async () => {
  await cleanup();
  await keytar.deletePassword(service, STORE_KEY_ACCOUNT).catch(() => undefined);
});

function temp(label: string): string {
  const d = mkdtempSync(join(tmpdir(), `seed-pnfiles-${label}-`));
  dirs.push(d);
  return d;
}

const conversation = () => `conv-${randomBytes(8).toString('base64url')}` as ConversationId;

/** A user's SDK client holding the token the key service's token route would grant for `conversations`. */
async function member(who: typeof ALICE, conversations: readonly ConversationId[]): Promise<{ pubnub: PubNub; stores: ConversationStores }> {
  const readWrite = conversations.map(conversationPubnubChannel);
  const { token } = await gateway.grant(who.user, { readWrite, read: [inboxPubnubChannel(who.user)], ...filesGrant(who.user, readWrite) });
  const pubnub = client(relay, who.user);
  pubnub.setToken(token);
  const stores = conversationStores({ kind: 'pubnub-files' }, { pubnub: async () => pubnub, ensureAccess: async () => undefined, userId: () => who.user });
  return { pubnub, stores };
}

/** Every object the relay keeps in its Files storage (as an attacker with its disk sees them). */
function relayObjects(): Buffer[] {
  const directory = join(relay.dataDir, 'files');
  return readdirSync(directory)
    .filter((name) => !name.endsWith('.partial'))
    .map((name) => readFileSync(join(directory, name)));
}

/** Alice uploads a 300 kB file with a thumbnail; answers its descriptor, the plaintext and each stored object's ciphertext. */
async function aliceSends(stores: ConversationStores, c: ConversationId) {
  const store = await stores.of(c);
  const bytes = randomBytes(300_000);
  const descriptor = await uploadFile(
    { provider, store },
    limits,
    { bytes, fileName: 'report.pdf' },
    {
      thumbnail: { bytes: randomBytes(2_000), mediaType: 'image/png', width: 32, height: 32 },
    },
  );
  const refs = [...descriptor.parts, ...(descriptor.thumbnail?.parts ?? [])].map((p) => p.ref);
  const objects = await Promise.all(refs.map(async (ref) => Buffer.from(await collect(store.get(ref)))));
  return { descriptor, bytes, refs, objects };
}

const held = (objects: readonly Buffer[]) => {
  const kept = relayObjects();
  return objects.filter((o) => kept.some((k) => k.equals(o))).length;
};

async function bobDownloads(stores: ConversationStores, c: ConversationId, descriptor: AttachmentDescriptor, bytes: Buffer): Promise<void> {
  const out = join(temp('bob'), 'report.pdf');
  await downloadFile({ provider, store: await stores.of(c) }, descriptor, out);
  expect(readFileSync(out).equals(bytes)).toBe(true);
}

let tt = BigInt(Date.now()) * 10_000n;
function stored(c: ConversationId, by: typeof ALICE, id: MessageId, body: unknown, extra: object): StoredMessage {
  tt += 10_000n;
  const outcome = {
    kind: 'ok',
    plaintext: { id, sentAt: Number(tt / 10_000n), type: 'json', body },
    senderDevice: by.device,
    senderUser: by.user,
    keyVersion: 1,
  };
  return { conversationId: c, timetoken: String(tt), outcome: { ...outcome, ...extra } as StoredMessage['outcome'] };
}

/** Alice's device keeps the file message in its local store (SQLCipher, key in the keychain); answers what it releases. */
async function aliceKeeps(c: ConversationId, descriptor: AttachmentDescriptor) {
  const key = createKeychainStoreKey(createKeytarStore(service));
  await key.clear();
  const history = new LocalHistory(temp('profile'), key);
  histories.push(history);
  const released: ReleasedAttachment[] = [];
  history.onAttachmentsReleased((r) => released.push(...r));
  const id = randomBytes(16).toString('base64url') as MessageId;
  await history.put([stored(c, ALICE, id, { descriptor }, { attachment: { descriptor } })]);
  const action = (a: ChatAction) => stored(c, ALICE, randomBytes(16).toString('base64url') as MessageId, {}, { chat: a });
  return { history, released, id, action };
}

describe('PubNub Files parts belong to their uploader and leave with their message', { timeout: 60_000 }, () => {
  it('the parts go to the uploader’s own files channel; a member reads them but cannot delete them; a non-member or a removed member cannot read or list them', async () => {
    const c = conversation();
    const alice = await member(ALICE, [c]);
    const bob = await member(BOB, [c]);
    const carol = await member(CAROL, [conversation()]);
    const { descriptor, bytes, refs, objects } = await aliceSends(alice.stores, c);
    const tag = uploaderTag(ALICE.user);
    for (const ref of refs) expect(ref).toMatch(new RegExp(`^${tag}\\.[0-9a-f-]{36}\\.[A-Za-z0-9_-]{43}$`));
    expect((await alice.pubnub.listFiles({ channel: filesPubnubChannel(c, tag) })).data).toHaveLength(refs.length);
    expect(held(objects)).toBe(refs.length);
    await bobDownloads(bob.stores, c, descriptor, bytes);

    // Bob, a member, with his own token: the delete is refused and nothing goes.
    const bobs = await bob.stores.of(c);
    for (const ref of refs) await expect(bobs.delete(ref)).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
    await expect(
      bob.pubnub.deleteFile({ channel: filesPubnubChannel(c, tag), id: refs[0]!.split('.')[1]!, name: refs[0]!.split('.')[2]! }),
    ).rejects.toMatchObject({
      status: { statusCode: 403 },
    });
    // Nor can he upload to Alice's channel (his uploads go to his own).
    await expect(bob.pubnub.sendFile({ channel: filesPubnubChannel(c, tag), file: { data: Buffer.from('x'), name: 'x' } })).rejects.toMatchObject({
      status: { statusCode: 403 },
    });
    expect(held(objects)).toBe(refs.length);
    await bobDownloads(bob.stores, c, descriptor, bytes);

    // Carol is not in the conversation: no download, no list, no delete.
    const carols = new PubNubFilesStore({
      pubnub: carol.pubnub,
      channel: conversationPubnubChannel(c),
      uploads: { tag: uploaderTag(CAROL.user), channelOf: (t) => filesPubnubChannel(c, t) },
    });
    await expect(collect(carols.get(refs[0]!))).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
    await expect(carols.exists(refs[0]!)).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
    await expect(carols.delete(refs[0]!)).rejects.toMatchObject({ code: 'attachment_store_access_denied' });

    // Bob removed: his next token has no conversation, and so no read on its files channels.
    const removed = await member(BOB, []);
    const removedStore = new PubNubFilesStore({
      pubnub: removed.pubnub,
      channel: conversationPubnubChannel(c),
      uploads: { tag: uploaderTag(BOB.user), channelOf: (t) => filesPubnubChannel(c, t) },
    });
    await expect(collect(removedStore.get(refs[0]!))).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
    expect(held(objects)).toBe(refs.length);
  });

  it('Alice deletes the message for everyone: her device deletes the parts and the relay’s Files storage no longer holds them', async () => {
    const c = conversation();
    const alice = await member(ALICE, [c]);
    const bob = await member(BOB, [c]);
    const { descriptor, objects } = await aliceSends(alice.stores, c);
    expect(alice.stores.deletesOwnObjects).toBe(true);
    const kept = await aliceKeeps(c, descriptor);
    await kept.history.put([kept.action({ kind: 'delete', target: kept.id })]);
    expect(kept.released).toMatchObject([{ messageId: kept.id, reason: 'deleted', senderDevice: ALICE.device }]);
    // Bob's device, told of the same delete, deletes nothing of Alice's (and could not).
    expect((await releaseAttachments(kept.released, BOB.device, await bob.stores.of(c))).failures).toEqual([]);
    expect(held(objects)).toBe(objects.length);
    expect((await releaseAttachments(kept.released, ALICE.device, await alice.stores.of(c))).failures).toEqual([]);
    expect(held(objects)).toBe(0);
    expect((await alice.pubnub.listFiles({ channel: filesPubnubChannel(c, uploaderTag(ALICE.user)) })).data).toHaveLength(0);
  });

  it('a disappearing file expires on Alice’s device (the clock moved): the parts leave the relay', async () => {
    const c = conversation();
    const alice = await member(ALICE, [c]);
    const { descriptor, objects } = await aliceSends(alice.stores, c);
    const kept = await aliceKeeps(c, descriptor);
    await kept.history.setTimers(c, [{ seq: 1, at: expiryNow() - 60_000, seconds: 300 }]);
    expect(kept.released).toEqual([]);
    advanceExpiryClockForTests(6 * 60_000);
    await kept.history.sweep();
    expect(kept.released).toMatchObject([{ messageId: kept.id, reason: 'expired' }]);
    expect(held(objects)).toBe(objects.length);
    expect((await releaseAttachments(kept.released, ALICE.device, await alice.stores.of(c))).failures).toEqual([]);
    expect(held(objects)).toBe(0);
  });

  it('parts sent before (on the conversation channel) still download; a delete leaves them to the retention without an error', async () => {
    const c = conversation();
    const alice = await member(ALICE, [c]);
    const bob = await member(BOB, [c]);
    const before = new PubNubFilesStore({ pubnub: alice.pubnub, channel: conversationPubnubChannel(c) });
    const bytes = randomBytes(50_000);
    const descriptor = await uploadFile({ provider, store: before }, limits, { bytes, fileName: 'old.pdf' });
    const ref = descriptor.parts[0]!.ref;
    expect(ref).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    await bobDownloads(bob.stores, c, descriptor, bytes);
    const store = await alice.stores.of(c);
    await expect(store.delete(ref)).resolves.toBeUndefined();
    await expect(store.exists(ref)).resolves.toBe(true);
  });

  it('a member of many conversations reads the files of each (several conversations to a pattern) and of no other', async () => {
    const c = conversation();
    const many = [...Array.from({ length: 60 }, conversation), c, ...Array.from({ length: 60 }, conversation)];
    const alice = await member(ALICE, [c]);
    const bob = await member(BOB, many);
    const { descriptor, bytes } = await aliceSends(alice.stores, c);
    await bobDownloads(bob.stores, c, descriptor, bytes);
    const patterns = conversationFilesPatterns(many);
    expect(patterns.length).toBeLessThan(many.length / 5);
    for (const p of patterns) expect(p.length).toBeLessThanOrEqual(MAX_GRANT_PATTERN_LENGTH);
    const tag = uploaderTag(ALICE.user);
    const matches = (name: string) => patterns.some((p) => new RegExp(`^(?:${p})$`, 'u').test(name));
    for (const id of many) expect(matches(filesPubnubChannel(id, tag))).toBe(true);
    const outside = conversation();
    expect(matches(filesPubnubChannel(outside, tag))).toBe(false);
    expect(matches(filesPubnubChannel(`${c}x`, tag))).toBe(false);
    expect(matches(`files.${c}.${tag}.x`)).toBe(false);
    expect(matches(conversationPubnubChannel(c))).toBe(false);
  });

  it('a forward copies the parts to the forwarder’s own files channel of the target conversation', async () => {
    const c = conversation();
    const target = conversation();
    const alice = await member(ALICE, [c, target]);
    const bob = await member(BOB, [c]);
    const carol = await member(CAROL, [target]);
    const { descriptor, bytes } = await aliceSends(alice.stores, c);
    const copy = await copyAttachment(await alice.stores.of(c), await alice.stores.of(target), descriptor);
    expect(copy.sha256).toBe(descriptor.sha256);
    const listed = await alice.pubnub.listFiles({ channel: filesPubnubChannel(target, uploaderTag(ALICE.user)) });
    expect(listed.data).toHaveLength(copy.parts.length + (copy.thumbnail?.parts.length ?? 0));
    await bobDownloads(carol.stores, target, copy, bytes);
    // Bob is not in the target conversation: the copy is not his to read.
    const bobsView = new PubNubFilesStore({
      pubnub: bob.pubnub,
      channel: conversationPubnubChannel(target),
      uploads: { tag: uploaderTag(BOB.user), channelOf: (t) => filesPubnubChannel(target, t) },
    });
    await expect(collect(bobsView.get(copy.parts[0]!.ref))).rejects.toMatchObject({ code: 'attachment_store_access_denied' });
    // Alice may delete her copy; the original stays.
    await (await alice.stores.of(target)).delete(copy.parts[0]!.ref);
    await expect((await alice.stores.of(target)).exists(copy.parts[0]!.ref)).resolves.toBe(false);
    await expect((await alice.stores.of(c)).exists(descriptor.parts[0]!.ref)).resolves.toBe(true);
  });
});
