/**
 * Scenario: Alice uses the renderer (store, lifecycle, chat slice, view models, the bridge MessageCrypto and
 * the renderer's pubnub set-up) and Bob a plain messaging pipeline; they talk over a real relay with the
 * real `pubnub` SDK and real envelopes. The main-side handlers for session, conversations, transport and
 * sealing are not wired into the composition root yet, so the bridge runs the REAL contract dispatcher
 * (argument and result schemas) over a stand-in handler set (`standInHandlersForUnwiredChannels`) whose
 * sealing and opening is the messaging tests' real test crypto device.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import type { Handlers } from '../../src/main/ipc/dispatch';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createBridgeClient, createBridgeEvents } from '../../src/renderer/src/bridge/client';
import { startRendererMessaging } from '../../src/renderer/src/chat/rendererMessaging';
import { conversationRows } from '../../src/renderer/src/model/conversationRows';
import { chatSelectors } from '../../src/renderer/src/state/chatSlice';
import { timelineRows, typingLine } from '../../src/renderer/src/model/timelineRows';
import type { StoreEnv } from '../../src/renderer/src/state/env';
import { connectApp } from '../../src/renderer/src/state/lifecycle';
import { createAppStore, type AppStore } from '../../src/renderer/src/state/store';
import {
  cleanup,
  conversation,
  participant,
  PUB,
  rotate,
  startTestRelay,
  SUB,
  texts,
  waitFor,
  type Participant,
  participantSealing,
  twoMemberSummary,
} from '../messaging/harness';

const disposers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
  await cleanup();
});

const summary = (id: ConversationId, alice: Participant, bob: Participant) => twoMemberSummary(id, alice, bob, { name: 'dm' });

/** Handlers for channels the composition root does not wire yet; sealing and opening by a real test device. */
function standInHandlersForUnwiredChannels(alice: Participant, origin: string, list: ConversationSummary[], counts: { transportConfig: number }): Handlers {
  const device = alice.user.devices[0]!;
  const session = {
    state: 'signedIn' as const,
    serverUrl: 'http://127.0.0.1:1',
    localStack: true,
    user: { userId: alice.user.userId, username: 'alice', displayName: 'Alice' },
    deviceId: device.deviceId,
    deviceName: 'Desktop',
  };
  return {
    session: async () => session,
    transportConfig: async () => {
      counts.transportConfig += 1;
      return { origin, ssl: false, subscribeKey: SUB, publishKey: PUB, userId: alice.user.userId, token: null };
    },
    listConversations: async () => [...list],
    listDevices: async () => [],
    contactTrust: async (userId) => ({ userId, state: 'unverified', ownCode: '1'.repeat(30) }),
    ...participantSealing(alice),
  };
}

interface RendererAlice {
  store: AppStore;
  /** Every read receipt the store asked the pipeline for (conversation, up to which message). */
  receipts: { id: ConversationId; timetoken: string | undefined }[];
  list: ConversationSummary[];
  counts: { transportConfig: number };
  deliver(message: unknown): void;
}

async function rendererAlice(alice: Participant, origin: string, dm: ConversationSummary): Promise<RendererAlice> {
  const router = createEventRouter();
  const list = [dm];
  const counts = { transportConfig: 0 };
  const raw = buildBridge(createDispatcher(standInHandlersForUnwiredChannels(alice, origin, list, counts)), router.subscribe);
  disposers.push(
    alice.crypto.onKeyAvailable((conversationId, keyVersion) => router.deliver({ name: 'keyAvailable', payload: { conversationId, keyVersion } })),
  );
  const bridge = createBridgeClient(raw);
  const events = createBridgeEvents(raw);
  const storage = new Map<string, string>();
  const receipts: RendererAlice['receipts'] = [];
  const env: StoreEnv = {
    events,
    now: () => Date.now(),
    isActive: () => true,
    startChat: async (self) => {
      const { port } = await startRendererMessaging({
        bridge,
        events,
        self,
        storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
      });
      return {
        ...port,
        markRead: (id, timetoken) => {
          receipts.push({ id, timetoken });
          return port.markRead(id, timetoken);
        },
      };
    },
  };
  const store = createAppStore(bridge, env);
  disposers.push(connectApp(store, env));
  disposers.push(() => store.getState().stopChat());
  return { store, receipts, list, counts, deliver: (message) => router.deliver(message) };
}

const rows = (store: AppStore, id: ConversationId) => {
  const s = store.getState();
  return timelineRows(
    s.chat.views[id],
    [],
    s.conversations.list[0]?.members ?? [],
    s.session.current?.state === 'signedIn' ? s.session.current.user.userId : null,
  );
};

describe('renderer chat over a stand-in bridge for unwired channels (real relay, real pubnub, real envelopes)', () => {
  it('alice in the renderer and bob on a pipeline talk both ways; HTML stays text; pending resolves; typing, unread, reactions', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-renderer-ui', [alice, bob]);
    await bob.messaging.join([dm]);
    const { store, receipts } = await rendererAlice(alice, relay.origin, summary(dm, alice, bob));

    await waitFor('alice signed in, chat on, dm joined and live', () => store.getState().chat.views[dm]?.live === true);
    expect(store.getState().conversations.list.map((c) => c.conversationId)).toEqual([dm]);

    const hostile = '<img src=x onerror="alert(1)"> <script>alert(2)</script>\nsecond line';
    store.getState().setDraft(dm, hostile);
    await store.getState().sendDraft(dm);
    expect(store.getState().chat.drafts[dm]).toBe('');
    await waitFor('bob receives it', () => texts(bob, dm).length === 1);
    expect(texts(bob, dm)).toEqual([hostile]);
    await waitFor('alice sees it sent', () => rows(store, dm).some((r) => r.kind === 'message' && r.delivery === 'sent'));
    expect(rows(store, dm)).toMatchObject([{ kind: 'message', author: 'You', mine: true, text: hostile }]);
    // Seeing only one's own message sends no receipt.
    const own = rows(store, dm)[0];
    if (own?.kind !== 'message' || own.timetoken === undefined) throw new Error('no timetoken');
    await store.getState().markSeen(dm, own.timetoken, true);
    expect(receipts).toEqual([]);

    await bob.messaging.send(dm, { type: 'string', body: 'hi alice' });
    await waitFor('alice receives bob', () => rows(store, dm).length === 2);
    expect(rows(store, dm)[1]).toMatchObject({ kind: 'message', author: 'Bob', mine: false, text: 'hi alice', delivery: null });
    const listed = conversationRows(store.getState().conversations.list, store.getState().chat.views, alice.user.userId, '');
    expect(listed).toMatchObject([{ title: 'Bob', preview: 'hi alice', unread: 1 }]);
    expect(chatSelectors.totalUnread(store.getState())).toBe(1);

    // Opening the conversation (the window active) marks nothing: only the timeline reports what was on screen.
    store.getState().selectConversation(dm);
    await store.getState().catchUp();
    expect(receipts).toEqual([]);
    expect(store.getState().chat.views[dm]?.unread).toBe(1);
    const seen = rows(store, dm)[1];
    if (seen?.kind !== 'message' || seen.timetoken === undefined) throw new Error('no timetoken');
    // Receipts off: the local marker moves (no unread left) and nothing goes out.
    await store.getState().markSeen(dm, seen.timetoken, false);
    expect(store.getState().chat.views[dm]?.unread).toBe(0);
    expect(chatSelectors.totalUnread(store.getState())).toBe(0);
    expect(receipts).toEqual([]);
    // Receipts on: one receipt, up to the message that was seen (not "the newest").
    await store.getState().markSeen(dm, seen.timetoken, true);
    expect(receipts).toEqual([{ id: dm, timetoken: seen.timetoken }]);
    await waitFor('bob sees alice read his message', () =>
      bob.messaging.view(dm).items.some((i) => i.kind === 'message' && i.readBy.includes(alice.user.userId)),
    );
    await waitFor('trust of the members loaded', () => store.getState().trust.byUser[bob.user.userId]?.state === 'unverified');

    await bob.messaging.setTyping(dm, true);
    await waitFor(
      'typing shown',
      () => typingLine(store.getState().chat.views[dm], store.getState().conversations.list[0]!.members, alice.user.userId) === 'Bob is typing…',
    );

    const bobsMessage = rows(store, dm)[1];
    if (bobsMessage?.kind !== 'message' || bobsMessage.timetoken === undefined) throw new Error('no timetoken');
    await store.getState().toggleReaction(dm, bobsMessage.timetoken, '👍', false);
    await waitFor('bob sees the reaction', () =>
      bob.messaging.view(dm).items.some((i) => i.kind === 'message' && i.reactions.some((r) => r.value === '👍' && r.actors.includes(alice.user.userId))),
    );
    await waitFor('alice sees her reaction', () =>
      rows(store, dm).some((r) => r.kind === 'message' && r.reactions.some((c) => c.value === '👍' && c.mine && c.count === 1)),
    );

    const v2 = await rotate(dm, [alice, bob], [bob]);
    await bob.messaging.send(dm, { type: 'string', body: 'sealed with version 2' });
    await waitFor('a cannot-decrypt placeholder', () => rows(store, dm).some((r) => r.kind === 'pending'));
    const pending = rows(store, dm).find((r) => r.kind === 'pending')!;
    expect(pending.text).toBe('Waiting for the key to decrypt this message (key version 2)');
    expect(rows(store, dm).some((r) => r.kind === 'keyChange' && r.text === 'The conversation key was rotated (version 1 → 2)')).toBe(true);

    await v2.deliver(alice);
    await waitFor('the placeholder resolves in place', () => rows(store, dm).some((r) => r.kind === 'message' && r.text === 'sealed with version 2'));
    const resolved = rows(store, dm).find((r) => r.kind === 'message' && r.text === 'sealed with version 2')!;
    expect(resolved.key).toBe(pending.key);
    expect(rows(store, dm).some((r) => r.kind === 'pending')).toBe(false);
  });

  it('every join fetches a fresh transport token first (a later conversation too); signing out stops the pipeline', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-renderer-first', [alice, bob]);
    const later = await conversation('dm-renderer-later', [alice, bob]);
    const app = await rendererAlice(alice, relay.origin, summary(dm, alice, bob));
    await waitFor('first conversation live', () => app.store.getState().chat.views[dm]?.live === true);
    expect(app.counts.transportConfig).toBe(2);

    app.list.push(summary(later, alice, bob));
    app.deliver({ name: 'conversationsChanged', payload: { conversationId: later, reason: 'member_added' } });
    await waitFor('the new conversation is live', () => app.store.getState().chat.views[later]?.live === true);
    expect(app.counts.transportConfig).toBe(3);
    await bob.messaging.send(later, { type: 'string', body: 'in the new one' });
    await waitFor('alice receives in the new conversation', () => rows(app.store, later).some((r) => r.kind === 'message' && r.text === 'in the new one'));

    app.deliver({ name: 'sessionChanged', payload: { state: 'signedOut', serverUrl: 'http://127.0.0.1:1', localStack: true } });
    await waitFor('chat off', () => app.store.getState().chat.status === 'off');
    expect(app.store.getState().conversations.list).toEqual([]);
    expect(app.store.getState().chat.views).toEqual({});
  });
});
