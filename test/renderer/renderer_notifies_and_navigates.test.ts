/**
 * Scenario: Alice uses the renderer (store, lifecycle, desktop wiring, the renderer's pubnub set-up) and
 * Bob a plain messaging pipeline, over a real relay with the real `pubnub` SDK and real envelopes. The
 * bridge runs the REAL contract dispatcher and event hub; `showNotification` / `setUnreadCount` are main's
 * real handlers over the recording shell and the default policy; session, conversations and sealing are a
 * stand-in handler set (`standInHandlersForUnwiredChannels`) whose crypto is the messaging tests' real
 * test device. History is not announced; a live message in another conversation is, with no text under
 * the default policy; the click opens the conversation; the badge follows the unread count; deep links
 * and trust events reach the UI.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import type { ConversationId, UserId } from '../../src/common/ids';
import type { ConversationSummary } from '../../src/common/ipc/schemas/conversations';
import type { NotificationArgs } from '../../src/common/ipc/schemas/notifications';
import type { Session } from '../../src/common/ipc/schemas/session';
import { mergePolicyLayers } from '../../src/common/policy/merge';
import { createNotificationHandlers } from '../../src/main/desktop/notifications';
import { RecordingShell } from '../../src/main/desktop/shell';
import { createDispatcher, type Handlers } from '../../src/main/ipc/dispatch';
import { createEventHub, type EventHub } from '../../src/main/ipc/eventHub';
import { createPolicyHolder } from '../../src/main/services/policyHolder';
import { createBridgeClient, createBridgeEvents } from '../../src/renderer/src/bridge/client';
import { startRendererMessaging } from '../../src/renderer/src/chat/rendererMessaging';
import type { StoreEnv } from '../../src/renderer/src/state/env';
import { connectApp } from '../../src/renderer/src/state/lifecycle';
import { createAppStore, type AppStore } from '../../src/renderer/src/state/store';
import {
  cleanup,
  conversation,
  participant,
  PUB,
  startTestRelay,
  SUB,
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

const CODE = '7K3M9P2QRT';

const summary = (id: ConversationId, kind: 'direct' | 'group', name: string, alice: Participant, bob: Participant) =>
  twoMemberSummary(id, alice, bob, { kind, name });

interface World {
  list: ConversationSummary[];
  trust: Record<string, 'unverified' | 'verified' | 'changed'>;
  listCalls: number;
  session: Session;
  sessionGate: Promise<void>;
}

/** Handlers for the channels this scenario does not run over the real core; crypto by a real test device. */
function standInHandlersForUnwiredChannels(alice: Participant, origin: string, world: World): Handlers {
  return {
    session: async () => (await world.sessionGate, world.session),
    transportConfig: async () => ({ origin, ssl: false, subscribeKey: SUB, publishKey: PUB, userId: alice.user.userId, token: null }),
    listConversations: async () => ((world.listCalls += 1), [...world.list]),
    listDevices: async () => [],
    contactTrust: async (userId) => ({ userId, state: world.trust[userId] ?? 'unverified', ownCode: '1'.repeat(30) }),
    ...participantSealing(alice),
  };
}

interface App {
  store: AppStore;
  shell: RecordingShell;
  hub: EventHub;
  asked: NotificationArgs[];
  world: World;
  setActive(active: boolean): void;
}

async function rendererAlice(
  alice: Participant,
  origin: string,
  list: ConversationSummary[],
  options: { signedIn?: boolean; sessionGate?: Promise<void> } = {},
): Promise<App> {
  const device = alice.user.devices[0]!;
  const session: Session =
    options.signedIn === false
      ? { state: 'signedOut', serverUrl: 'http://127.0.0.1:1', localStack: true }
      : {
          state: 'signedIn',
          serverUrl: 'http://127.0.0.1:1',
          localStack: true,
          user: { userId: alice.user.userId, username: 'alice', displayName: 'Alice' },
          deviceId: device.deviceId,
          deviceName: 'Desktop',
        };
  const world: World = { list: [...list], trust: {}, listCalls: 0, session, sessionGate: options.sessionGate ?? Promise.resolve() };
  const shell = new RecordingShell();
  const hub = createEventHub();
  const policy = await createPolicyHolder(async () => mergePolicyLayers({}));
  const notifications = createNotificationHandlers({ shell, policy, events: hub });
  const asked: NotificationArgs[] = [];
  const handlers: Handlers = {
    ...standInHandlersForUnwiredChannels(alice, origin, world),
    showNotification: async (args) => (asked.push(args), notifications.showNotification(args)),
    setUnreadCount: notifications.setUnreadCount,
  };
  const router = createEventRouter();
  disposers.push(hub.attach((message) => router.deliver(message)));
  disposers.push(alice.crypto.onKeyAvailable((conversationId, keyVersion) => hub.emit('keyAvailable', { conversationId, keyVersion })));
  const raw = buildBridge(createDispatcher(handlers), router.subscribe);
  const bridge = createBridgeClient(raw);
  const events = createBridgeEvents(raw);
  const storage = new Map<string, string>();
  let active = true;
  const env: StoreEnv = {
    events,
    now: () => Date.now(),
    isActive: () => active,
    startChat: async (self) => {
      const { port } = await startRendererMessaging({
        bridge,
        events,
        self,
        storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
      });
      return port;
    },
    desktop: bridge,
  };
  const store = createAppStore(bridge, env);
  disposers.push(connectApp(store, env));
  disposers.push(() => store.getState().stopChat());
  return { store, shell, hub, asked, world, setActive: (a) => (active = a) };
}

describe('renderer asks main for notifications and follows navigate / trustChanged (real relay, real pubnub)', () => {
  it('announces live messages only, without their text by default; a click opens the conversation; the badge follows', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-notify-0001', [alice, bob]);
    const team = await conversation('grp-notify-0001', [alice, bob]);
    await bob.messaging.join([dm, team]);
    await bob.messaging.send(dm, { type: 'string', body: 'sent before alice opened the app' });

    const app = await rendererAlice(alice, relay.origin, [summary(dm, 'direct', 'dm', alice, bob), summary(team, 'group', 'Team Falcon', alice, bob)]);
    const { store, shell } = app;
    await waitFor('both conversations live', () => store.getState().chat.views[dm]?.live === true && store.getState().chat.views[team]?.live === true);
    await waitFor('the badge counts the unread history message', () => shell.unreadCount === 1);
    expect(app.asked).toEqual([]);

    await bob.messaging.send(dm, { type: 'string', body: 'the secret plan' });
    await waitFor('main was asked for a notification', () => shell.notifications.length === 1);
    expect(app.asked).toEqual([{ conversationId: dm, conversationTitle: 'Bob', senderUserId: bob.user.userId, senderName: 'Bob', text: 'the secret plan' }]);
    expect(shell.notifications).toMatchObject([{ title: 'Bob', body: 'New message' }]);
    expect(JSON.stringify(shell.notifications)).not.toContain('secret');
    await waitFor('the badge counts both', () => shell.unreadCount === 2);

    shell.notifications[0]?.click();
    await waitFor('the click opened the conversation', () => store.getState().conversations.selectedId === dm);
    // The timeline reports what it shows (chatSlice `markSeen`; here the newest message, as the view would at the bottom).
    const newest = [...(store.getState().chat.views[dm]?.items ?? [])].reverse().find((i) => i.kind === 'message' && i.timetoken !== undefined);
    if (newest?.kind !== 'message' || newest.timetoken === undefined) throw new Error('no message to read');
    await store.getState().markSeen(dm, newest.timetoken, true);
    await waitFor('reading it clears the badge', () => shell.unreadCount === 0);

    await bob.messaging.send(dm, { type: 'string', body: 'while you look at it' });
    await waitFor(
      'alice has it',
      () => store.getState().chat.views[dm]?.items.some((i) => i.kind === 'message' && i.message.body === 'while you look at it') === true,
    );
    expect(app.asked).toHaveLength(1);

    app.setActive(false);
    await bob.messaging.send(dm, { type: 'string', body: 'while you are away' });
    await bob.messaging.send(team, { type: 'string', body: 'in the group' });
    await waitFor('both announced', () => app.asked.length === 3);
    expect(
      app.asked
        .slice(1)
        .map((a) => `${a.conversationTitle}: ${a.text}`)
        .sort(),
    ).toEqual(['Bob: while you are away', 'Team Falcon: in the group']);
    expect(shell.notifications.map((n) => n.title)).toContain('Bob in Team Falcon');
  });

  it('navigate: device-link code pre-filled in the devices panel; unknown conversation reloads the list; trustChanged reloads trust', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-navigate-01', [alice, bob]);
    const app = await rendererAlice(alice, relay.origin, [summary(dm, 'direct', 'dm', alice, bob)]);
    const { store, hub, world } = app;
    await waitFor('signed in with the list', () => store.getState().conversations.status === 'ready');

    hub.emit('navigate', { kind: 'link-device', code: CODE });
    expect(store.getState().ui.panel).toBe('devices');
    expect(store.getState().devices.prefillCode).toBe(CODE);
    expect(store.getState().devices.approval.confirmation).toBeNull();
    store.getState().resetDeviceApproval();
    expect(store.getState().devices.prefillCode).toBeNull();

    const later = await conversation('dm-navigate-02', [alice, bob]);
    const calls = world.listCalls;
    hub.emit('navigate', { kind: 'conversation', conversationId: 'conv-unknown-01' as ConversationId });
    await waitFor('the list was reloaded', () => world.listCalls > calls);
    expect(store.getState().conversations.selectedId).toBeNull();
    expect(store.getState().ui.panel).toBe('devices');

    world.list.push(summary(later, 'direct', 'dm', alice, bob));
    store.getState().showArea('channels');
    hub.emit('navigate', { kind: 'conversation', conversationId: later });
    await waitFor('a conversation main knows but the UI did not yet', () => store.getState().conversations.selectedId === later);
    expect(store.getState().ui.panel).toBe('none');
    expect(store.getState().broadcast.area).toBe('conversations');

    await waitFor('trust of the members loaded', () => store.getState().trust.byUser[bob.user.userId]?.state === 'unverified');
    world.trust[bob.user.userId] = 'changed';
    hub.emit('trustChanged', { userId: bob.user.userId as UserId });
    await waitFor('trust reloaded for that contact', () => store.getState().trust.byUser[bob.user.userId]?.state === 'changed');
  });

  it('navigate waits for the session; signed out, a device link is ignored', async () => {
    const relay = await startTestRelay();
    const alice = await participant(relay, 'alice');
    const bob = await participant(relay, 'bob');
    const dm = await conversation('dm-navigate-03', [alice, bob]);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const early = await rendererAlice(alice, relay.origin, [summary(dm, 'direct', 'dm', alice, bob)], { sessionGate: gate });
    early.hub.emit('navigate', { kind: 'conversation', conversationId: dm });
    expect(early.store.getState().conversations.selectedId).toBeNull();
    open();
    await waitFor('opened once signed in', () => early.store.getState().conversations.selectedId === dm);

    const out = await rendererAlice(alice, relay.origin, [], { signedIn: false });
    await waitFor('session known', () => out.store.getState().session.status === 'ready');
    out.hub.emit('navigate', { kind: 'link-device', code: CODE });
    expect(out.store.getState().ui.panel).toBe('none');
    expect(out.store.getState().devices.prefillCode).toBeNull();
  });
});
