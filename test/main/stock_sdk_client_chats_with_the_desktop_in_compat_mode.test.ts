/**
 * Stock-SDK compatibility mode (docs/messaging.md "Stock PubNub SDK clients"; docs/protocol.md §8.4), over
 * the embedded local stack (real key service, real relay with tokens enforced) and the real `pubnub`
 * package. Bob's "phone" is a stock SDK client: `CryptoModule.aesCbcCryptoModule({cipherKey})` with the
 * conversation key as cipherKey and Bob's transport token — no envelope, no signature. Alice's desktop
 * (policy `stockSdkCompat` on) runs the renderer's pipeline over the contract and reads it marked "Not
 * signed", from "Unverified sender"; she sends back in stock format and the stock client decrypts it.
 * Attacks: Carol's desktop (policy off, the default) refuses it with `stock_sdk_disabled`, keeps nothing
 * and cannot send in that format; a stock message under another key is `bad_tag`, never shown; the marker
 * is on the stored row, so a stock message can never be shown as signed, edited or deleted as anyone's.
 */
import { randomBytes } from 'node:crypto';
import PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../src/client';
import type { SignedIn } from '../../src/client/signedIn';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import { createMessaging, type Messaging } from '../../src/common/messaging/messaging';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import { cipherKeyFor } from '../../src/common/protocol/pubnub/acrh';
import { isUnsignedSender, UNSIGNED_SENDER_DEVICE, UNSIGNED_SENDER_USER } from '../../src/common/protocol/pubnub/stock';
import type { ClientHost } from '../../src/main/desktop/clientHost';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { BridgeMessageCrypto } from '../../src/renderer/src/chat/bridgeMessageCrypto';
import type { BridgeClient } from '../../src/renderer/src/bridge/client';
import { rowOf, UNVERIFIED_SENDER } from '../../src/renderer/src/model/timelineRows';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-stock');
const { suffix } = world;
const password = 'correct horse battery';

let alice: DesktopProfile;
let bob: DesktopProfile;
let carol: DesktopProfile;
let ids: { alice: string; bob: string; carol: string };
let conv: ConversationId;
const opened: PubNub[] = [];
let pipeline: Messaging | undefined;

interface Access {
  origin: string;
  ssl: boolean;
  publishKey: string;
  subscribeKey: string;
  userId: string;
  token: string;
}

async function register(p: DesktopProfile, name: string): Promise<string> {
  const s = (await p.call('register', { username: `${name.toLowerCase()}${suffix}`, displayName: name, password, deviceName: `${name} laptop` })) as {
    user: { userId: string };
  };
  return s.user.userId;
}

async function coreOf(p: DesktopProfile): Promise<Client> {
  return (p.deps.messenger as { host: ClientHost }).host.current();
}

/** The conversation key of a version as Bob's phone would hold it (test only: read from Bob's desktop core). */
async function conversationKey(p: DesktopProfile, version: number): Promise<Uint8Array> {
  const account = (await coreOf(p)) as unknown as { account: SignedIn };
  return account.account.ring.get(conv, version);
}

/** A stock `pubnub` SDK client on the relay, with the token of `p`'s user and the crypto module keyed by `cipherKey`. */
async function stockClient(p: DesktopProfile, cipherKey: string): Promise<PubNub> {
  return sdkClientOf(p, PubNub.CryptoModule!.aesCbcCryptoModule({ cipherKey }));
}

/** An SDK client on the relay with the token of `p`'s user (closed after the test). */
async function sdkClientOf(p: DesktopProfile, cryptoModule?: ConstructorParameters<typeof PubNub>[0]['cryptoModule']): Promise<PubNub> {
  const access = (await p.call('transportConfig')) as Access;
  const pubnub = new PubNub({
    publishKey: access.publishKey,
    subscribeKey: access.subscribeKey,
    userId: access.userId,
    origin: access.origin,
    ssl: access.ssl,
    ...(cryptoModule === undefined ? {} : { cryptoModule }),
  });
  pubnub.setToken(access.token);
  opened.push(pubnub);
  return pubnub;
}

/** The renderer's pipeline of a desktop profile: its own SDK client (no crypto module) and MessageCrypto over the contract. */
async function rendererPipeline(p: DesktopProfile, userId: string): Promise<Messaging> {
  const pubnub = await sdkClientOf(p);
  const bridge = new Proxy({} as BridgeClient, {
    get:
      (_t, name: string) =>
      (...args: unknown[]) =>
        p.call(name, ...args),
  });
  return createMessaging({
    pubnub,
    crypto: new BridgeMessageCrypto(bridge, { on: () => () => undefined }),
    cursors: { load: async () => undefined, save: async () => undefined },
    self: { userId: userId as UserId, deviceId: 'desktop-device-0' as DeviceId },
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
  });
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The newest message of the conversation as the relay's history holds it, without any crypto module. */
async function lastPublished(p: DesktopProfile): Promise<{ payload: unknown; timetoken: string }> {
  const access = (await p.call('transportConfig')) as Access;
  const raw = new PubNub({ publishKey: access.publishKey, subscribeKey: access.subscribeKey, userId: access.userId, origin: access.origin, ssl: access.ssl });
  raw.setToken(access.token);
  opened.push(raw);
  const page = await raw.fetchMessages({ channels: [conversationPubnubChannel(conv)], count: 1 });
  const last = page.channels[conversationPubnubChannel(conv)]!.at(-1)!;
  return { payload: last.message, timetoken: String(last.timetoken) };
}

const stockOn = () => createPolicyHolder(async () => mergePolicyLayers({ machine: { stockSdkCompat: true } }));

beforeAll(async () => {
  alice = await world.profile('alice', { policy: await stockOn() });
  bob = await world.profile('bob', { policy: await stockOn() });
  carol = await world.profile('carol');
  ids = { alice: await register(alice, 'Alice'), bob: await register(bob, 'Bob'), carol: await register(carol, 'Carol') };
  const summary = (await alice.call('createConversation', {
    kind: 'group',
    name: 'Field team',
    memberUserIds: [ids.bob, ids.carol],
    historyPolicy: 'shared',
  })) as {
    conversationId: ConversationId;
  };
  conv = summary.conversationId;
}, 90_000);

afterAll(async () => {
  await pipeline?.dispose();
  for (const p of opened.splice(0)) p.destroy(true);
  await world.closeAll();
});

describe('stock-SDK compatibility mode', () => {
  it('the policy is off by default and on only where the organisation set it', async () => {
    expect(((await carol.call('policy')) as { values: { stockSdkCompat: boolean } }).values.stockSdkCompat).toBe(false);
    expect(((await alice.call('policy')) as { values: { stockSdkCompat: boolean } }).values.stockSdkCompat).toBe(true);
  });

  it("a stock SDK client and Alice's desktop exchange messages both ways, marked not signed", async () => {
    const key = await conversationKey(bob, 1);
    const phone = await stockClient(bob, cipherKeyFor(key));
    key.fill(0);
    const phoneSeen: unknown[] = [];
    const sub = phone.channel(conversationPubnubChannel(conv)).subscription();
    sub.addListener({ message: (m) => phoneSeen.push(m.message) });
    sub.subscribe();

    pipeline = await rendererPipeline(alice, ids.alice);
    await pipeline.join([conv]);

    // Stock SDK → desktop: its CryptoModule encrypts; the relay sees only "PNED…ACRH" base64.
    const sent = await phone.publish({ channel: conversationPubnubChannel(conv), message: { text: 'hello from the stock SDK' } });
    await waitFor('the stock message in alice’s view', () =>
      pipeline!.view(conv).items.some((i) => i.kind === 'message' && i.message.type === 'string' && i.message.body === 'hello from the stock SDK'),
    );
    const item = pipeline.view(conv).items.find((i) => i.kind === 'message' && i.message.body === 'hello from the stock SDK')!;
    expect(item.kind === 'message' && item.senderUser).toBe(UNSIGNED_SENDER_USER);
    expect(item.kind === 'message' && item.senderDevice).toBe(UNSIGNED_SENDER_DEVICE);
    expect(item.kind === 'message' && item.timetoken).toBe(String(sent.timetoken));
    // What the window shows: the marker and "Unverified sender", never a member's name, never "mine".
    const row = rowOf(item, [{ userId: ids.bob as UserId, displayName: 'Bob' }], ids.alice);
    expect(row).toMatchObject({ kind: 'message', unsigned: true, author: UNVERIFIED_SENDER, mine: false });

    // The raw published message is a string; Alice's store keeps it marked.
    const raw = await lastPublished(alice);
    expect(typeof raw.payload).toBe('string');
    expect(raw.payload as string).toMatch(/^UE5FRAFBQ1JIE/);
    const page = (await alice.call('historyPage', conv, { limit: 10 })) as { timetoken: string; outcome: { kind: string; senderDevice?: string } }[];
    const stored = page.find((m) => m.timetoken === String(sent.timetoken))!;
    expect(stored.outcome).toMatchObject({ kind: 'ok', senderDevice: UNSIGNED_SENDER_DEVICE, senderUser: UNSIGNED_SENDER_USER });
    expect(isUnsignedSender(stored.outcome as { senderDevice: string })).toBe(true);

    // Desktop → stock SDK: Alice sends in stock format; the phone's CryptoModule decrypts it.
    const back = (await alice.call('sendStockMessage', conv, 'hi from the desktop, unsigned')) as { timetoken: string; keyVersion: number };
    expect(back.keyVersion).toBe(1);
    await waitFor('the phone decrypts the desktop’s message', () => phoneSeen.some((m) => (m as { text?: string }).text === 'hi from the desktop, unsigned'));
    expect(phoneSeen).toContainEqual({ text: 'hi from the desktop, unsigned' });
    // Alice's own window shows it unsigned too (that is what every reader sees).
    await waitFor('alice sees her unsigned message', () =>
      pipeline!.view(conv).items.some((i) => i.kind === 'message' && i.message.body === 'hi from the desktop, unsigned' && isUnsignedSender(i)),
    );
    sub.unsubscribe();
  });

  it('nobody can edit or delete a stock message for everyone: no author matches the marker', async () => {
    const item = pipeline!.view(conv).items.find((i) => i.kind === 'message' && i.message.body === 'hello from the stock SDK')!;
    expect(item.kind).toBe('message');
    if (item.kind !== 'message') return;
    await expect(pipeline!.edit(conv, item.id, 'rewritten')).rejects.toMatchObject({ code: 'not_author' });
    await expect(pipeline!.deleteForEveryone(conv, item.id)).rejects.toMatchObject({ code: 'not_author' });
  });

  it('with the policy off (Carol), a stock message is refused with a typed code, not kept, and stock sends are refused', async () => {
    const raw = await lastPublished(carol);
    expect(typeof raw.payload).toBe('string');
    const outcome = await carol.call('openStockMessage', conv, raw.payload, { timetoken: raw.timetoken });
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'stock_sdk_disabled' });
    const page = (await carol.call('historyPage', conv, { limit: 100 })) as { timetoken: string }[];
    expect(page.map((m) => m.timetoken)).not.toContain(raw.timetoken);
    await expect(carol.call('sendStockMessage', conv, 'sneaky')).rejects.toMatchObject({ code: 'stock_sdk_disabled' });
    // Her renderer's pipeline shows it as refused, never as text.
    const carolPipeline = await rendererPipeline(carol, ids.carol);
    try {
      await carolPipeline.join([conv]);
      await waitFor('carol’s history is opened', () => carolPipeline.view(conv).items.length >= 2);
      const texts = carolPipeline.view(conv).items.flatMap((i) => (i.kind === 'message' ? [i.message.body] : []));
      expect(texts).not.toContain('hello from the stock SDK');
      expect(texts).not.toContain('hi from the desktop, unsigned');
    } finally {
      await carolPipeline.dispose();
    }
  });

  it('a stock message under another key is refused with bad_tag and never shown', async () => {
    const intruder = await stockClient(bob, cipherKeyFor(new Uint8Array(randomBytes(32))));
    const sent = await intruder.publish({ channel: conversationPubnubChannel(conv), message: { text: 'forged with a guessed key' } });
    const raw = await lastPublished(alice);
    expect(raw.timetoken).toBe(String(sent.timetoken));
    const outcome = await alice.call('openStockMessage', conv, raw.payload, { timetoken: raw.timetoken });
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'bad_tag' });
    await waitFor('alice’s pipeline settles the forged message', () =>
      pipeline!.view(conv).items.some((i) => i.kind === 'rejected' && i.timetoken === String(sent.timetoken)),
    );
    const texts = pipeline!.view(conv).items.flatMap((i) => (i.kind === 'message' ? [i.message.body] : []));
    expect(texts).not.toContain('forged with a guessed key');
  });

  it('a malformed stock payload is a typed refusal, and an envelope is never read as a stock message', async () => {
    expect(await alice.call('openStockMessage', conv, 'not base64 at all!', { timetoken: '17000000000000000' })).toMatchObject({
      kind: 'rejected',
      code: 'malformed',
    });
    await expect(alice.call('openStockMessage', conv, { v: 1 }, { timetoken: '17000000000000000' })).rejects.toMatchObject({ code: 'invalid_arguments' });
  });
});
