/**
 * Issue [store], cold start: the conversation list the last verified answer left in main's store is asked
 * at the same time as the session (`keptConversations`, answered from the local store, no network), so the
 * list shows as soon as the session says signed in; the verified `listConversations`, which may wait on the
 * key service, replaces it when it comes. The real contract dispatcher, bridge client, store and lifecycle;
 * main's side is a stand-in handler set whose verified list is held back until the test releases it.
 * Main's first paint of the same list (src/common/view/firstPaint.ts) stays until this list is in the store,
 * and goes as soon as the session says nobody is signed in.
 */
import { describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createBridgeClient, createBridgeEvents } from '../../src/renderer/src/bridge/client';
import { firstViewReady, removeFirstPaint } from '../../src/renderer/src/model/firstPaint';
import { conversationsSelectors } from '../../src/renderer/src/state/conversationsSlice';
import { connectApp } from '../../src/renderer/src/state/lifecycle';
import { createAppStore, type AppStore } from '../../src/renderer/src/state/store';

const ME = 'user-me-0001' as UserId;
const BOB = 'user-bob-001' as UserId;

function summary(id: string, name: string): ConversationSummary {
  return {
    conversationId: id as ConversationId,
    kind: 'group',
    name,
    channel: `conv.${id}`,
    historyPolicy: 'shared',
    keyVersion: 1,
    needsRotation: false,
    myRole: 'owner',
    members: [
      { userId: ME, username: 'me', displayName: 'Me', role: 'owner', joinedAt: 0 },
      { userId: BOB, username: 'bob', displayName: 'Bob', role: 'member', joinedAt: 0 },
    ],
  };
}

const session = {
  state: 'signedIn' as const,
  serverUrl: 'http://127.0.0.1:1',
  localStack: true,
  user: { userId: ME, username: 'me', displayName: 'Me' },
  deviceId: 'device-me-001' as DeviceId,
  deviceName: 'Desktop',
};

function world(kept: ConversationSummary[]) {
  let release: (list: ConversationSummary[]) => void = () => {};
  const verified = new Promise<ConversationSummary[]>((resolve) => (release = resolve));
  const calls: string[] = [];
  const handlers: Handlers = {
    session: async () => (calls.push('session'), session),
    keptConversations: async () => (calls.push('keptConversations'), kept),
    listConversations: async () => (calls.push('listConversations'), verified),
    listDevices: async () => [],
  };
  const router = createEventRouter();
  const raw = buildBridge(createDispatcher(handlers), router.subscribe);
  const events = createBridgeEvents(raw);
  const store = createAppStore(createBridgeClient(raw), { events, now: () => Date.now(), isActive: () => true, startChat: null });
  const stop = connectApp(store, { events, now: () => Date.now(), isActive: () => true, startChat: null });
  return { store, calls, release, stop };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((r) => setTimeout(r, 2));
  if (!check()) throw new Error(`never happened: ${what}`);
}

const names = (store: AppStore) => conversationsSelectors.list(store.getState()).map((c) => c.name);

describe('the kept conversation list paints before the verified answer', () => {
  it('rows from the store while listConversations waits; the verified list replaces them', async () => {
    const { store, calls, release, stop } = world([summary('conv-aaaa-01', 'Launch'), summary('conv-bbbb-02', 'Design')]);
    try {
      await until('the kept list is shown', () => names(store).length === 2);
      expect(names(store)).toEqual(['Launch', 'Design']);
      expect(conversationsSelectors.status(store.getState())).toBe('ready');
      // The kept list is asked with the session, not after it.
      expect(calls.indexOf('keptConversations')).toBeLessThan(calls.indexOf('listConversations'));
      expect(calls.slice(0, 2).sort()).toEqual(['keptConversations', 'session']);
      // The verified answer differs (a conversation left elsewhere, one renamed): it wins.
      release([summary('conv-aaaa-01', 'Launch (renamed)')]);
      await until('the verified list replaces the kept one', () => names(store)[0] === 'Launch (renamed)');
      expect(names(store)).toEqual(['Launch (renamed)']);
    } finally {
      stop();
    }
  });

  it('a kept list that comes after the verified answer changes nothing', async () => {
    let answerKept: (list: ConversationSummary[]) => void = () => {};
    const lateKept = new Promise<ConversationSummary[]>((resolve) => (answerKept = resolve));
    let verifiedAnswers = 0;
    const handlers: Handlers = {
      session: async () => session,
      keptConversations: async () => lateKept,
      listConversations: async () => ((verifiedAnswers += 1), [summary('conv-aaaa-01', 'Verified')]),
      listDevices: async () => [],
    };
    const raw = buildBridge(createDispatcher(handlers), createEventRouter().subscribe);
    const events = createBridgeEvents(raw);
    const env = { events, now: () => Date.now(), isActive: () => true, startChat: null };
    const store = createAppStore(createBridgeClient(raw), env);
    const stop = connectApp(store, env);
    try {
      // A list already shown (as after a sign-in in this window): the session's load asks the verified list only.
      store.setState((s) => ({ conversations: { ...s.conversations, list: [summary('conv-aaaa-01', 'Shown')], status: 'ready' } }));
      await until('the verified list is shown', () => verifiedAnswers === 1 && names(store)[0] === 'Verified');
      // The kept answer comes late and stale: it must not replace what the server verified.
      answerKept([summary('conv-old-0001', 'Stale')]);
      await lateKept;
      await new Promise((r) => setTimeout(r, 20));
      expect(names(store)).toEqual(['Verified']);
    } finally {
      stop();
    }
  });
});

describe("main's first paint gives way to the renderer's first view", () => {
  it('stays while the session is unknown, goes when the kept list is in the store (the verified answer still held back)', async () => {
    const { store, release, stop } = world([summary('conv-aaaa-01', 'Launch')]);
    try {
      expect(firstViewReady(store.getState())).toBe(false);
      await until('the kept list is shown', () => names(store).length === 1);
      expect(firstViewReady(store.getState())).toBe(true);
    } finally {
      release([]);
      stop();
    }
  });

  it('goes at once when nobody is signed in, and when the app core cannot be reached', () => {
    const base = { system: { status: 'ready' }, conversations: { list: [], status: 'idle' } };
    const at = (session: unknown) => firstViewReady({ ...base, session } as never);
    expect(at({ current: null, status: 'loading' })).toBe(false);
    expect(at({ current: { state: 'signedOut' }, status: 'ready' })).toBe(true);
    expect(at({ current: null, status: 'error' })).toBe(true);
    expect(at({ current: session, status: 'ready' })).toBe(false);
    expect(firstViewReady({ ...base, system: { status: 'error' }, session: { current: null, status: 'loading' } } as never)).toBe(true);
  });

  it('removes the block by its id, and nothing when it is not there', () => {
    let removed = 0;
    removeFirstPaint({ getElementById: (id: string) => (id === 'first-paint' ? ({ remove: () => (removed += 1) } as unknown as HTMLElement) : null) });
    removeFirstPaint({ getElementById: () => null });
    expect(removed).toBe(1);
  });
});
