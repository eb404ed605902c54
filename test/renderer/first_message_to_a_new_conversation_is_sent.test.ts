/**
 * Found by trying the app as a new user: a message typed right after creating a conversation was shown
 * "Not sent" (access denied), because the renderer's PubNub token was issued before the conversation
 * existed. The chat slice now fetches a fresh token and sends once more. Here the race is made certain:
 * Alice's pipeline runs with the token of a user without conversations, the DM is created behind the
 * store's back, and the first message is sent before the store ever joins it. Real contract dispatcher,
 * main handlers, client core, keychain, key service and relay (embedded local stack), real `pubnub` SDK.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createBridgeClient, createBridgeEvents, type BridgeClient } from '../../src/renderer/src/bridge/client';
import { startRendererMessaging } from '../../src/renderer/src/chat/rendererMessaging';
import type { ChatPort, StoreEnv } from '../../src/renderer/src/state/env';
import { createAppStore, type AppStore } from '../../src/renderer/src/state/store';

const home = mkdtempSync(join(tmpdir(), 'seed-renderer-first-'));
const suffix = randomBytes(3).toString('hex');
const facts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

interface Profile {
  deps: MainDeps;
  bridge: BridgeClient;
  userId: UserId;
  deviceId: DeviceId;
}

async function profile(name: string): Promise<Profile> {
  const deps = await bootstrapMain({ facts, home, profile: `${name}-${suffix}`, network: 'app' });
  const router = createEventRouter();
  deps.events.attach((m) => router.deliver(m));
  const bridge = createBridgeClient(buildBridge(createDispatcher(createHandlers(deps)), router.subscribe));
  const session = await bridge.register({ username: `${name}${suffix}`, displayName: name, password: 'correct horse battery', deviceName: `${name} laptop` });
  if (session.state !== 'signedIn') throw new Error('registration did not sign in');
  return { deps, bridge, userId: session.user.userId as UserId, deviceId: session.deviceId as DeviceId };
}

let alice: Profile;
let bob: Profile;
let port: ChatPort | undefined;

beforeAll(async () => {
  alice = await profile('alice');
  bob = await profile('bob');
}, 90_000);

afterAll(async () => {
  await port?.dispose();
  for (const p of [bob, alice]) if (p && 'close' in p.deps.messenger) await p.deps.messenger.close();
});

describe('the first message to a conversation created a moment ago', { timeout: 60_000 }, () => {
  it('is sent after one token refresh, not left "Not sent"', async () => {
    const router = createEventRouter();
    alice.deps.events.attach((m) => router.deliver(m));
    const raw = buildBridge(createDispatcher(createHandlers(alice.deps)), router.subscribe);
    const events = createBridgeEvents(raw);
    const storage = new Map<string, string>();
    // The pipeline starts now, so its token lists no conversation (Alice has none yet).
    port = (
      await startRendererMessaging({
        bridge: alice.bridge,
        events,
        self: { userId: alice.userId, deviceId: alice.deviceId },
        storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
      })
    ).port;
    const started = port;
    const env: StoreEnv = { events, now: () => Date.now(), isActive: () => true, startChat: async () => started };
    const store: AppStore = createAppStore(alice.bridge, env);
    await store.getState().startChat({ userId: alice.userId, deviceId: alice.deviceId });

    const dm = (await alice.bridge.createConversation({ kind: 'direct', memberUserIds: [bob.userId], historyPolicy: 'shared' }))
      .conversationId as ConversationId;
    store.getState().setDraft(dm, 'first words');
    await store.getState().sendDraft(dm);

    const mine = port.view(dm).items.filter((i) => i.kind === 'message');
    expect(mine.map((i) => (i.kind === 'message' ? [i.message.body, i.delivery?.state] : null))).toEqual([['first words', 'sent']]);
  });
});
