/**
 * Issue [store], Offline: sends made while the relay is out of reach are queued durably in main's encrypted
 * store and go out when it returns — in order per conversation, once as receivers see it, sealed with the
 * key version current when they go out. Real parts: key service (SQLite), relay (stopped and started again
 * on its port), keychain (gnome-keyring), contract dispatcher, main handlers, client core, and the
 * renderer's pipeline with the real `pubnub` SDK for the reader.
 *
 * Alice (owner), Bob and Carol share a group. The relay STOPS. Alice queues two messages and Carol one;
 * Alice's main restarts (the queue is still there); Alice removes Carol, which rotates the key. The relay
 * comes back: Alice's two go out under the new version, Bob reads them once, in order; Carol's is refused
 * with a typed reason and nothing of hers is published. Then a publish whose answer is lost (a mock wrapper
 * around the real SDK's publish that throws a timeout after the relay stored the message) is not published
 * again. The queue's bounds and a compromised renderer's requests are refused with typed errors.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationId, MessageId, UserId } from '../../src/common/ids';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import type { OutboxLimits } from '../../src/client';
import { startKeyService, type KeyService } from '../../src/server/index';
import { startRelay, type RunningRelay } from '../../src/relay/index';
import type { ChatPort } from '../../src/renderer/src/state/env';
import { createHandlers } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { endSession, openMainSession, startSessionChat, type OwnStackSession } from './ownStackSessions';

const home = mkdtempSync(join(tmpdir(), 'seed-offline-queue-'));
const suffix = randomBytes(3).toString('hex');
const secretKey = randomBytes(32).toString('base64url');
const keys = { publishKey: 'pub-c-offline', subscribeKey: 'sub-c-offline' };

let relay: RunningRelay | undefined;
let keyService: KeyService;
let relayPort: number;

const startTheRelay = async (port: number) => startRelay({ port, dataDir: join(home, 'relay'), secretKey, ...keys });

type Session = OwnStackSession;

/** One main session of a profile, as bootstrapMain builds it; the queue is tried only when asked (no timers). */
function mainSession(name: string, outboxLimits?: OutboxLimits): Promise<Session> {
  return openMainSession(name, {
    home,
    profile: `${name}-${suffix}`,
    keyServiceUrl: keyService.url,
    relayUrl: `http://127.0.0.1:${relayPort}`,
    host: { outboxRetryDelaysMs: [], ...(outboxLimits ? { outboxLimits } : {}) },
    log: { error: () => undefined, warn: () => undefined },
  });
}

const startChat = startSessionChat;

/** What main's queue holds for a conversation, as the renderer lists it: body and state. */
async function queued(s: Session, id: ConversationId): Promise<{ body: unknown; state: string; code: string | null }[]> {
  return (await s.bridge.listOutbox(id)).map((e) => ({ body: e.plaintext.body, state: e.state, code: e.failure?.code ?? null }));
}

function plaintext(body: string) {
  return { id: randomBytes(12).toString('base64url') as MessageId, sentAt: Date.now(), type: 'string' as const, body };
}

function bodies(chat: ChatPort, id: ConversationId): string[] {
  return chat.view(id).items.flatMap((i) => (i.kind === 'message' && i.message.type === 'string' ? [i.message.body] : []));
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`never happened: ${what}`);
}

/** The core's own PubNub client of a session (the queue publishes with it). */
async function corePubnub(s: Session): Promise<PubNub> {
  const client = await s.host.current();
  await client.messaging();
  return (client as unknown as { chat: { transport: { pubnub: PubNub } } }).chat.transport.pubnub;
}

/** Every envelope the relay stored on a channel (raw history, read with a session's token). */
async function rawHistory(s: Session, id: ConversationId): Promise<{ timetoken: string; message: unknown }[]> {
  const pubnub = await corePubnub(s);
  const channel = conversationPubnubChannel(id);
  const r = await pubnub.fetchMessages({ channels: [channel], count: 100, stringifiedTimeToken: true });
  return (r.channels[channel] ?? []).map((m) => ({ timetoken: String(m.timetoken), message: m.message }));
}

let alice: Session;
let bob: Session;
let carol: Session;
let group: ConversationId;
let carolId: UserId;

beforeAll(async () => {
  relay = await startTheRelay(0);
  relayPort = relay.port;
  keyService = await startKeyService({ port: 0, dataDir: join(home, 'keyservice'), pubnub: { origin: relay.origin, ssl: false, ...keys, secretKey } });
  alice = await mainSession('alice');
  bob = await mainSession('bob');
  carol = await mainSession('carol');
  const signUp = (s: Session, display: string) =>
    s.bridge.register({ username: `${s.name}${suffix}`, displayName: display, password: 'correct horse battery', deviceName: `${display} laptop` });
  const [, b, c] = [await signUp(alice, 'Alice'), await signUp(bob, 'Bob'), await signUp(carol, 'Carol')];
  if (b.state !== 'signedIn' || c.state !== 'signedIn') throw new Error('registration did not sign in');
  carolId = c.user.userId as UserId;
  group = (await alice.bridge.createConversation({ kind: 'group', name: 'Plans', memberUserIds: [b.user.userId, carolId], historyPolicy: 'shared' }))
    .conversationId as ConversationId;
  // Everyone has seen the conversation (its membership is pinned on each device) and a first message.
  for (const s of [alice, bob, carol]) await s.bridge.listConversations();
  const aliceChat = await startChat(alice);
  await aliceChat.join([group]);
  expect((await aliceChat.send(group, { type: 'string', body: 'hello all' })).state).toBe('sent');
  await startChat(bob);
  await bob.chat!.join([group]);
  await until('Bob sees the first message', () => bodies(bob.chat!, group).length === 1);
}, 120_000);

afterAll(async () => {
  for (const s of [carol, bob, alice]) if (s) await endSession(s).catch(() => undefined);
  await keyService?.close();
  await relay?.close();
});

describe('offline sends wait in the encrypted queue', { timeout: 120_000 }, () => {
  const first = plaintext('queued one');
  const second = plaintext('queued two');
  const carols = plaintext('from carol, offline');

  it('with the relay stopped, sends are queued in main and wait', async () => {
    await relay!.close();
    relay = undefined;
    await alice.bridge.queueMessage(group, first);
    await alice.bridge.queueMessage(group, second);
    await carol.bridge.queueMessage(group, carols);
    for (const s of [alice, carol]) await (await s.host.current()).flushOutbox();
    expect(await queued(alice, group)).toEqual([
      { body: 'queued one', state: 'queued', code: null },
      { body: 'queued two', state: 'queued', code: null },
    ]);
    expect(alice.events.filter((e) => e.name === 'outboxChanged').at(-1)?.payload).toMatchObject({ conversationId: group, delivered: [], waiting: true });
  });

  it('the queue survives a restart of main (closed and reopened store)', async () => {
    await endSession(alice);
    alice = await mainSession('alice');
    expect(await alice.bridge.session()).toMatchObject({ state: 'signedIn' });
    expect((await queued(alice, group)).map((e) => e.body)).toEqual(['queued one', 'queued two']);
  });

  it('while offline, Alice removes Carol: the key rotates', async () => {
    const before = (await alice.bridge.listConversations()).find((c) => c.conversationId === group)!.keyVersion;
    const after = await alice.bridge.removeMember({ conversationId: group, userId: carolId });
    expect(after.keyVersion).toBeGreaterThan(before);
  });

  it('the relay returns: Alice’s two go out in order under the new key, Bob reads each once', async () => {
    relay = await startTheRelay(relayPort);
    const current = (await alice.bridge.listConversations()).find((c) => c.conversationId === group)!.keyVersion;
    await (await alice.host.current()).flushOutbox();
    expect(await queued(alice, group)).toEqual([]);
    const delivered = alice.events.filter((e) => e.name === 'outboxChanged').at(-1)?.payload as { delivered: { messageId: string }[]; waiting: boolean };
    expect(delivered.waiting).toBe(false);
    expect(delivered.delivered.map((d) => d.messageId)).toEqual([first.id, second.id]);

    const chat = bob.chat!;
    expect(await chat.refreshAccess?.()).toBeDefined();
    await chat.catchUp(group);
    await until('Bob reads both', () => bodies(chat, group).length >= 3);
    expect(bodies(chat, group)).toEqual(['hello all', 'queued one', 'queued two']);
    const mine = chat.view(group).items.filter((i) => i.kind === 'message' && (i.id === first.id || i.id === second.id));
    expect(mine.map((i) => (i.kind === 'message' ? i.keyVersion : 0))).toEqual([current, current]);
    // Exactly once on the relay too: one envelope each.
    expect((await rawHistory(alice, group)).length).toBe(3);
  });

  it('Carol’s queued send is refused with a typed reason and nothing of hers is published', async () => {
    await (await carol.host.current()).flushOutbox();
    const [entry] = await queued(carol, group);
    expect(entry).toMatchObject({ body: 'from carol, offline', state: 'failed' });
    expect(entry!.code).toBe('not_a_member');
    expect((await rawHistory(alice, group)).length).toBe(3);
    // She can delete it; Retry would be refused the same way.
    expect(await carol.bridge.deleteQueued(group, carols.id)).toEqual([]);
  });

  it('a publish whose answer was lost is not published again (found in history on the next try)', async () => {
    const lost = plaintext('answer lost');
    const pubnub = await corePubnub(alice);
    const real = pubnub.publish.bind(pubnub);
    let publishes = 0;
    // Mock wrapper around the real SDK's publish: the relay stores the message, the answer never arrives.
    pubnub.publish = (async (params: PubNub.Publish.PublishParameters) => {
      publishes += 1;
      await real(params);
      throw Object.assign(new Error('timeout'), { status: { category: 'PNTimeoutCategory' } });
    }) as typeof pubnub.publish;
    try {
      await alice.bridge.queueMessage(group, lost);
      // The first try publishes (no answer: it waits); the next finds the envelope in history.
      await (await alice.host.current()).flushOutbox();
      await (await alice.host.current()).flushOutbox();
    } finally {
      pubnub.publish = real;
    }
    expect(publishes).toBe(1);
    expect(await queued(alice, group)).toEqual([]);
    expect((await rawHistory(alice, group)).length).toBe(4);
    const change = alice.events.filter((e) => e.name === 'outboxChanged').at(-1)?.payload as { delivered: { messageId: string }[] };
    expect(change.delivered.map((d) => d.messageId)).toEqual([lost.id]);
    await bob.chat!.catchUp(group);
    await until('Bob reads it', () => bodies(bob.chat!, group).includes('answer lost'));
    expect(bodies(bob.chat!, group).filter((b) => b === 'answer lost')).toHaveLength(1);
  });

  it('a full queue is a typed error that queues nothing', async () => {
    const small = await mainSession('bob', { maxEntries: 2, maxBytes: 1_000_000 });
    await relay!.close();
    relay = undefined;
    try {
      await small.bridge.queueMessage(group, plaintext('b1'));
      await small.bridge.queueMessage(group, plaintext('b2'));
      await expect(small.bridge.queueMessage(group, plaintext('b3'))).rejects.toMatchObject({ code: 'outbox_full' });
      expect((await queued(small, group)).map((e) => e.body)).toEqual(['b1', 'b2']);
      const bytes = await mainSession('bob', { maxEntries: 100, maxBytes: 10 });
      await expect(bytes.bridge.queueMessage(group, plaintext('more than ten bytes'))).rejects.toMatchObject({ code: 'outbox_full' });
      await endSession(bytes);
      for (const e of await small.bridge.listOutbox(group)) await small.bridge.deleteQueued(group, e.plaintext.id);
    } finally {
      await endSession(small);
      relay = await startTheRelay(relayPort);
    }
  });

  it('a compromised renderer’s requests to the queue are refused with typed errors and change nothing', async () => {
    const raw = createDispatcher(createHandlers(alice.deps));
    const refused = async (channel: string, args: unknown[]) => {
      const r = await raw(channel, args);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error.code;
    };
    const ok = plaintext('fine');
    expect(await refused('queueMessage', [group, { ...ok, type: 'binary', body: [1, 2, 3] }])).toBe('invalid_arguments');
    expect(await refused('queueMessage', ['../etc', ok])).toBe('invalid_arguments');
    expect(await refused('queueMessage', [group, { ...ok, id: 'x' }])).toBe('invalid_arguments');
    expect(await refused('queueMessage', [group, { ...ok, sentAt: -1 }])).toBe('invalid_arguments');
    expect(await refused('queueMessage', [group, ok, 'extra'])).toBe('invalid_arguments');
    expect(await refused('queueMessage', [group, { ...ok, body: 'x'.repeat(30_000) }])).toBe('too_large');
    // A conversation this device never saw (a made-up id): nothing is queued.
    expect(await refused('queueMessage', [randomBytes(12).toString('base64url'), ok])).toBe('outbox_unknown_conversation');
    expect(await refused('deleteQueued', [group, ok.id])).toBe('outbox_unknown_entry');
    expect(await refused('retryQueued', [group, ok.id])).toBe('outbox_unknown_entry');
    // The same message id twice (a replayed request): refused, the first stays alone.
    await relay!.close();
    relay = undefined;
    try {
      await alice.bridge.queueMessage(group, ok);
      expect(await refused('queueMessage', [group, { ...ok, body: 'replaced?' }])).toBe('outbox_duplicate');
      // A queued (not stopped) entry cannot be "retried" into a second copy.
      expect(await refused('retryQueued', [group, ok.id])).toBe('outbox_unknown_entry');
      expect(await queued(alice, group)).toEqual([{ body: 'fine', state: 'queued', code: null }]);
      expect(await alice.bridge.deleteQueued(group, ok.id)).toEqual([]);
    } finally {
      relay = await startTheRelay(relayPort);
    }
  });
});
