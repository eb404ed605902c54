/**
 * Jump to a search hit (docs/desktop.md "Search"): the chat slice's `revealMessage` drives a real messaging
 * pipeline (real relay, real `pubnub` SDK) whose stored history is a real encrypted `LocalStore` holding
 * 2,100 messages Bob read earlier. A hit within the newest 2,000 is loaded into the timeline page by page
 * from the store — the timeline stays contiguous, from the newest back to the hit — and marked; one further
 * back is `beyond` (nothing marked, the timeline stops at the bound); a timetoken the store no longer holds
 * is `missing`. Through the search slice, a hit that is shown closes the dialog; one that is not keeps the
 * context view with its reason. Main's `messageContext` is a stand-in handler over the same store (the real
 * one is covered by test/main/compromised_renderer_cannot_search_beyond_its_conversations.test.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStore, type StoredMessage } from '../../src/client';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, DeviceId, MessageId, UserId } from '../../src/common/ids';
import type { SearchHitView } from '../../src/common/ipc/schemas/search';
import type { StoredHistory } from '../../src/common/messaging/ports';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createBridgeClient } from '../../src/renderer/src/bridge/client';
import { REVEAL_MAX } from '../../src/renderer/src/state/chatSlice';
import type { ChatPort } from '../../src/renderer/src/state/env';
import { jumpStatusText } from '../../src/renderer/src/state/searchSlice';
import { createAppStore } from '../../src/renderer/src/state/store';
import { cleanup, conversation, participant, restart, startTestRelay, stop, type Participant } from '../messaging/harness';

afterEach(cleanup);

const COUNT = 2_100;
const base = 17_330_000_000_000_000n;
const tt = (i: number) => String(base + BigInt(i) * 10_000n);

function stored(conversationId: ConversationId, i: number): StoredMessage {
  return {
    conversationId,
    timetoken: tt(i),
    outcome: {
      kind: 'ok',
      plaintext: { id: randomBytes(16).toString('base64url') as MessageId, sentAt: 1_733_000_000_000 + i, type: 'string', body: `message ${i}` },
      senderDevice: 'dev-alice-1' as DeviceId,
      senderUser: 'user-alice' as UserId,
      keyVersion: 1,
    },
  };
}

function portOf(p: Participant): ChatPort {
  const m = p.messaging;
  return {
    join: (ids) => m.join(ids),
    leave: (ids) => m.leave(ids),
    catchUp: (id) => m.catchUp(id),
    loadOlder: (id) => m.loadOlder(id),
    send: (id, content) => m.send(id, content),
    retry: (id, messageId) => m.retry(id, messageId),
    setTyping: (id, typing) => m.setTyping(id, typing),
    markRead: (id, timetoken) => m.markRead(id, timetoken),
    react: (id, timetoken, value) => m.react(id, timetoken, value),
    unreact: (id, timetoken, value) => m.unreact(id, timetoken, value),
    view: (id) => m.view(id),
    onChange: (listener) => m.onChange(listener),
    onError: (listener) => m.onError(listener),
    dispose: () => m.dispose(),
  };
}

async function setup() {
  const relay = await startTestRelay();
  const alice = await participant(relay, 'alice');
  const bob = await participant(relay, 'bob');
  const dm = await conversation('dm-jump-to-a-hit', [alice, bob]);
  const store = LocalStore.open(join(mkdtempSync(join(tmpdir(), 'seed-jump-')), 'history.db'), randomBytes(32));
  for (let i = 0; i < COUNT; i += 500) store.put(Array.from({ length: Math.min(500, COUNT - i) }, (_, k) => stored(dm, i + k)));
  const history: StoredHistory = { page: async (conversationId, query) => store.page(conversationId, query) };
  restart(bob, relay, { stored: history });
  const app = createAppStore(
    createBridgeClient(
      buildBridge(
        createDispatcher({
          // Stand-in for main's handler: the stored messages around the hit, from the same store.
          messageContext: async (a) => store.around(a.conversationId, a.timetoken, a.limit).map((m) => ({ timetoken: m.timetoken, outcome: m.outcome })),
        }),
        createEventRouter().subscribe,
      ),
    ),
    { events: { on: () => () => {} }, now: () => Date.now(), isActive: () => false, startChat: null },
  );
  app.getState().attachChat(portOf(bob));
  await app.getState().joinConversations([dm]);
  const timetokens = () => bob.messaging.view(dm).items.map((i) => i.timetoken);
  const done = async () => {
    await stop(bob);
    store.close();
  };
  return { dm, bob, app, store, timetokens, done };
}

const hit = (conversationId: ConversationId, i: number): SearchHitView => ({
  conversationId,
  timetoken: tt(i),
  messageId: 'msg-hit' as MessageId,
  senderUser: 'user-alice' as UserId,
  sentAt: 1_733_000_000_000 + i,
  snippet: { text: `message ${i}`, highlights: [[0, 7]] },
});

describe('a search hit jumps into the timeline', { timeout: 120_000 }, () => {
  it('loads stored pages back to a hit within the bound and marks it; the timeline is contiguous', async () => {
    const { dm, app, timetokens, done } = await setup();
    const target = COUNT - 1_500;
    expect(timetokens()).not.toContain(tt(target));
    expect(await app.getState().revealMessage(dm, tt(target))).toBe('shown');
    expect(app.getState().chat.reveal).toMatchObject({ conversationId: dm, timetoken: tt(target) });
    const shown = timetokens();
    expect(shown).toContain(tt(target));
    // Every message from the oldest loaded to the newest, in order, none missing.
    const first = Number((BigInt(shown[0]!) - base) / 10_000n);
    expect(shown).toEqual(Array.from({ length: COUNT - first }, (_, k) => tt(first + k)));
    expect(first).toBeLessThanOrEqual(target);
    await done();
  });

  it(`a hit more than ${REVEAL_MAX} messages back is beyond: nothing marked, the timeline stops at the bound`, async () => {
    const { dm, app, timetokens, done } = await setup();
    expect(await app.getState().revealMessage(dm, tt(10))).toBe('beyond');
    expect(app.getState().chat.reveal).toBeNull();
    expect(timetokens()).not.toContain(tt(10));
    expect(timetokens().length).toBeGreaterThanOrEqual(REVEAL_MAX);
    expect(timetokens().length).toBeLessThan(REVEAL_MAX + 25);
    await done();
  });

  it('a timetoken the store does not hold is missing', async () => {
    const { dm, app, done } = await setup();
    const between = String(BigInt(tt(COUNT - 30)) + 1n);
    expect(await app.getState().revealMessage(dm, between)).toBe('missing');
    expect(app.getState().chat.reveal).toBeNull();
    await done();
  });

  it('through search: a hit shown closes the dialog; one beyond the bound keeps the context view and says why', async () => {
    const { dm, app, done } = await setup();
    const s = app.getState();
    s.openMessageSearch(dm);
    await s.openHit(hit(dm, COUNT - 100));
    expect(app.getState().search.mode).toBe('closed');
    expect(app.getState().search.revealed?.timetoken).toBe(tt(COUNT - 100));
    expect(app.getState().chat.reveal?.timetoken).toBe(tt(COUNT - 100));

    s.openMessageSearch(dm);
    await s.openHit(hit(dm, 5));
    const context = app.getState().search.context;
    expect(app.getState().search.mode).toBe('messages');
    expect(context?.jump).toBe('beyond');
    expect(context?.messages.map((m) => m.timetoken)).toContain(tt(5));
    expect(jumpStatusText(context!.jump)).toMatch(/more than 2,000 messages back/);
    await done();
  });
});
