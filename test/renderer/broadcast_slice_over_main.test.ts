/**
 * The renderer's broadcast slice over the real contract dispatcher, the real main handlers and client core,
 * and the embedded local stack (key service, default key manager, relay), with main's events routed to the
 * store as the web host does: the create form refuses bad input before main sees it and shows main's typed
 * error for an unreachable custom key manager; Alice creates, publishes and grants Bob; Bob sees the key
 * manager before following, follows, and only the newest window of posts is opened until he asks for
 * older ones; live posts arrive through `broadcastChanged`; a non-publisher's post is refused with a
 * typed code; after Alice removes Bob his copy of her next post is not readable (subscriber_revoked)
 * while the older ones stay readable; unfollowing empties his view.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelId, UserId } from '../../src/common/ids';
import { buildBridge, createEventRouter } from '../../src/common/ipc/bridge';
import { bootstrapMain } from '../../src/main/bootstrap';
import { createHandlers, type MainDeps } from '../../src/main/composition';
import { createDispatcher } from '../../src/main/ipc/dispatch';
import { createBridgeClient, createBridgeEvents, type BridgeClient } from '../../src/renderer/src/bridge/client';
import { BROADCAST_PAGE } from '../../src/renderer/src/model/broadcastRows';
import { broadcastSelectors } from '../../src/renderer/src/state/broadcastSlice';
import { createAppStore, type AppStore } from '../../src/renderer/src/state/store';

const home = mkdtempSync(join(tmpdir(), 'seed-renderer-bcast-'));
const suffix = randomBytes(3).toString('hex');
const facts = { name: 'Seed Messenger', version: '0.1.0', platform: 'linux', runtime: 'node' as const, runtimeVersion: '20' };

interface Profile {
  deps: MainDeps;
  bridge: BridgeClient;
  store: AppStore;
  userId: UserId;
  stop: () => void;
}

async function profile(name: string): Promise<Profile> {
  const deps = await bootstrapMain({ facts, home, profile: `${name}-${suffix}`, network: 'app' });
  const router = createEventRouter();
  deps.events.attach((m) => router.deliver(m));
  const raw = buildBridge(createDispatcher(createHandlers(deps)), router.subscribe);
  const bridge = createBridgeClient(raw);
  const store = createAppStore(bridge, { events: createBridgeEvents(raw), now: () => Date.now(), isActive: () => true, startChat: null });
  const session = await bridge.register({ username: `${name}${suffix}`, displayName: name, password: 'correct horse battery', deviceName: `${name} laptop` });
  if (session.state !== 'signedIn') throw new Error('registration did not sign in');
  store.getState().showArea('channels');
  const stop = store.getState().watchBroadcast();
  await store.getState().openChannelsFor(session.user.userId);
  return { deps, bridge, store, userId: session.user.userId as UserId, stop };
}

const b = (p: Profile) => p.store.getState().broadcast;
const states = (p: Profile, id: ChannelId) =>
  (b(p).messages[id] ?? []).map((m) => (m.state === 'opened' ? m.text : m.state === 'notReadable' ? `!${m.errorCode}` : 'sealed'));

let alice: Profile;
let bob: Profile;
let channelId: ChannelId;

beforeAll(async () => {
  alice = await profile('alice');
  bob = await profile('bob');
}, 90_000);

afterAll(async () => {
  for (const p of [bob, alice]) {
    p?.stop();
    if (p && 'close' in p.deps.messenger) await p.deps.messenger.close();
  }
});

describe('broadcast slice over the main services', { timeout: 60_000 }, () => {
  it('the create form refuses bad input before main, and shows main’s typed error', async () => {
    const s = alice.store.getState();
    expect(await s.createChannel('   ', '')).toBeNull();
    expect(b(alice).formError).toMatchObject({ field: 'name' });
    expect(await s.createChannel('News', 'ftp://km.example.com')).toBeNull();
    expect(b(alice).formError).toMatchObject({ field: 'keyManagerUrl' });
    expect(await s.createChannel('News', 'http://127.0.0.1:1')).toBeNull();
    expect(b(alice).formError).toBeNull();
    expect(b(alice).error?.code).toBe('key_manager_unreachable');
    await s.loadChannels();
    expect(b(alice).channels).toEqual([]);
  });

  it('Alice creates a channel, publishes, and grants Bob subscriber', async () => {
    const s = alice.store.getState();
    const created = await s.createChannel('Company news', '');
    expect(created).toMatchObject({ name: 'Company news', owner: true, following: true });
    channelId = created!.channelId;
    expect(b(alice).selectedId).toBe(channelId);
    expect(broadcastSelectors.selected(alice.store.getState())?.keyManagerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/km$/);
    s.setChannelDraft(channelId, '  first post  ');
    await s.publishChannelDraft(channelId);
    expect(b(alice).drafts[channelId]).toBeUndefined();
    await expect.poll(() => states(alice, channelId), { timeout: 20_000 }).toEqual(['first post']);
    await s.setChannelRole(channelId, bob.userId, 'subscriber', true);
    expect(b(alice).notice).toBe('Granted subscriber.');
    for (let i = 1; i <= BROADCAST_PAGE + 4; i++) await alice.bridge.publishToChannel({ channelId, text: `post ${i}` });
  });

  it('Bob sees the key manager before following; only the newest window opens until he asks for more', async () => {
    const s = bob.store.getState();
    await s.loadChannels();
    const listed = b(bob).channels.find((c) => c.channelId === channelId);
    expect(listed).toMatchObject({ subscriber: true, following: false, owner: false });
    expect(listed?.keyManagerUrl).toBe(broadcastSelectors.selected(alice.store.getState())?.keyManagerUrl);
    s.selectChannel(channelId);
    expect(b(bob).messages[channelId]).toBeUndefined();
    await s.followChannel(channelId);
    const all = BROADCAST_PAGE + 5;
    await expect.poll(() => states(bob, channelId).length, { timeout: 20_000 }).toBe(all);
    await expect.poll(() => states(bob, channelId).filter((x) => x !== 'sealed').length, { timeout: 20_000 }).toBe(BROADCAST_PAGE);
    expect(states(bob, channelId).slice(0, 5)).toEqual(['sealed', 'sealed', 'sealed', 'sealed', 'sealed']);
    expect(states(bob, channelId).at(-1)).toBe(`post ${BROADCAST_PAGE + 4}`);
    await s.loadOlderChannelMessages(channelId);
    expect(b(bob).windows[channelId]).toBe(2 * BROADCAST_PAGE);
    expect(states(bob, channelId).slice(0, 3)).toEqual(['first post', 'post 1', 'post 2']);
    expect(states(bob, channelId)).not.toContain('sealed');
  });

  it('a live post reaches Bob through broadcastChanged; his own post is refused with a typed code', async () => {
    await alice.bridge.publishToChannel({ channelId, text: 'live one' });
    await expect.poll(() => states(bob, channelId).at(-1), { timeout: 20_000 }).toBe('live one');
    const s = bob.store.getState();
    s.setChannelDraft(channelId, 'can I post?');
    await s.publishChannelDraft(channelId);
    expect(b(bob).error?.code).toBe('role_missing');
    expect(b(bob).drafts[channelId]).toBe('can I post?');
  });

  it('after Alice removes Bob, her next post is not readable for him; older posts stay readable', async () => {
    expect(await alice.store.getState().revokeChannelReader(channelId, bob.userId, 'Bob')).toBe(2);
    expect(b(alice).notice).toMatch(/version 2/);
    await alice.bridge.publishToChannel({ channelId, text: 'after bob' });
    await expect.poll(() => states(bob, channelId).at(-1), { timeout: 20_000 }).toBe('!subscriber_revoked');
    expect(states(bob, channelId).slice(-3, -1)).toEqual([`post ${BROADCAST_PAGE + 4}`, 'live one']);
    await expect.poll(() => b(bob).channels.find((c) => c.channelId === channelId)?.subscriber, { timeout: 20_000 }).toBe(false);
    await expect.poll(() => states(alice, channelId).at(-1), { timeout: 20_000 }).toBe('after bob');
  });

  it('Bob unfollows: still listed, not followed, his view emptied', async () => {
    const s = bob.store.getState();
    await s.unfollowChannel(channelId);
    expect(b(bob).error).toBeNull();
    expect(b(bob).channels.find((c) => c.channelId === channelId)).toMatchObject({ following: false, subscriber: false });
    expect(b(bob).messages[channelId]).toBeUndefined();
    expect(broadcastSelectors.selectedId(bob.store.getState())).toBe(channelId);
  });
});
