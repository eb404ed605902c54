/**
 * Server-trusted custody on the desktop (docs/protocol.md §19.4, docs/desktop.md "Key custody"): a message
 * Bob sends under a key version the key service made, while Alice has not yet accepted server-managed keys,
 * waits in her history ("waiting for the key", never dropped); once she accepts, it shows in her timeline
 * and is kept in her local store, in order and exactly once, and it is still there after a reload of her
 * window (the catch-up cursor passed it while it waited). Real desktop handlers, client core, key service
 * (server-trusted through the admin CLI, local KMS) and relay of an embedded local stack, the real keychain,
 * and the renderer's own pipeline (the PubNub SDK, `BridgeMessageCrypto`, the stored history over the bridge).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type PubNub from 'pubnub';
import type { ConversationId, DeviceId, UserId } from '../../src/common/ids';
import { buildBridge, type RawBridge } from '../../src/common/ipc/bridge';
import type { EventName } from '../../src/common/ipc/eventNames';
import { createMessaging, type Messaging } from '../../src/common/messaging/messaging';
import { createBridgeClient, createBridgeEvents } from '../../src/renderer/src/bridge/client';
import { BridgeMessageCrypto } from '../../src/renderer/src/chat/bridgeMessageCrypto';
import { storageCursorStore } from '../../src/renderer/src/chat/cursorStore';
import { pubnubFromConfig } from '../../src/renderer/src/chat/rendererMessaging';
import { bridgeStoredHistory } from '../../src/renderer/src/chat/storedHistory';
import { runAdmin } from '../../src/server/adminCli';
import { desktopProfiles, type DesktopProfile } from './desktopProfiles';

const world = desktopProfiles('seed-server-made-desktop');
const password = 'correct horse battery';

/** A renderer window of a profile: the pipeline the page runs, over main's dispatcher and events. */
interface Window {
  readonly messaging: Messaging;
  readonly pubnub: PubNub;
  close(): Promise<void>;
}

/** The bridge a page of this profile gets: main's contract over its dispatcher, and the events main emits to it. */
function bridgeOf(p: DesktopProfile): { raw: RawBridge; detach: () => void } {
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  let attached = true;
  p.deps.events.attach((m) => {
    if (attached) for (const l of listeners) l(m.name, m.payload);
  });
  const raw = buildBridge(
    (method, args) =>
      p.call(method, ...args).then(
        (value) => ({ ok: true, value }),
        (e: { code?: string; message?: string }) => ({ ok: false, error: { code: e.code ?? 'internal', message: e.message ?? '' } }),
      ),
    (event, listener) => {
      const l = (name: EventName, payload: unknown) => name === event && listener(payload);
      listeners.add(l);
      return () => listeners.delete(l);
    },
  );
  return { raw, detach: () => (attached = false) };
}

async function openWindow(p: DesktopProfile, storage: Map<string, string>): Promise<Window> {
  const { raw, detach } = bridgeOf(p);
  const bridge = createBridgeClient(raw);
  const events = createBridgeEvents(raw);
  const session = (await bridge.session()) as { user: { userId: UserId }; deviceId: DeviceId };
  const pubnub = pubnubFromConfig(await bridge.transportConfig());
  const messaging = createMessaging({
    pubnub,
    crypto: new BridgeMessageCrypto(bridge, events),
    cursors: storageCursorStore({ getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) }, session.user.userId),
    stored: bridgeStoredHistory(bridge),
    self: { userId: session.user.userId, deviceId: session.deviceId },
    randomBytes: (length) => new Uint8Array(randomBytes(length)),
  });
  return {
    messaging,
    pubnub,
    async close() {
      await messaging.dispose();
      detach();
      pubnub.destroy(true);
    },
  };
}

/** What the window shows: the texts of its messages in order, and how many wait for their key. */
function shown(w: Window, id: ConversationId): { texts: string[]; pending: number } {
  const items = w.messaging.view(id).items;
  return {
    texts: items.flatMap((i) => (i.kind === 'message' && i.message.type === 'string' ? [i.message.body] : [])),
    pending: items.filter((i) => i.kind === 'pending').length,
  };
}

async function until<T>(what: string, probe: () => T | Promise<T>, ok: (v: T) => boolean): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 750; i += 1) {
    last = await probe();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what}: still ${JSON.stringify(last)}`);
}

let alice: DesktopProfile;
let bob: DesktopProfile;
let id: ConversationId;
const windows: Window[] = [];

beforeAll(async () => {
  alice = await world.profile('alice');
  bob = await world.profile('bob');
  const a = (await alice.call('register', { username: `alice${world.suffix}`, displayName: 'Alice', password, deviceName: 'Alice laptop' })) as {
    user: { userId: string };
  };
  await bob.call('register', { username: `bob${world.suffix}`, displayName: 'Bob', password, deviceName: 'Bob laptop' });
  id = ((await bob.call('createConversation', { kind: 'direct', memberUserIds: [a.user.userId] })) as { conversationId: ConversationId }).conversationId;
}, 90_000);

afterAll(async () => {
  for (const w of windows.splice(0)) await w.close();
  await world.closeAll();
});

describe('a message under a server-made key, sent before the reader accepted server-managed keys', () => {
  it('waits in her history, then shows and is kept once she accepts — in order, once, and after a reload', { timeout: 120_000 }, async () => {
    const bobs = await openWindow(bob, new Map());
    windows.push(bobs);
    await bobs.messaging.join([id]);
    expect(await bobs.messaging.send(id, { type: 'string', body: 'one, a device-made key' })).toMatchObject({ state: 'sent' });

    await runAdmin(['--data', join(world.home, 'local-stack', 'keyservice'), 'custody', 'server-trusted', '--reason', 'internal tool'], {}, 'cli:it-one');
    expect(await bob.call('acceptServerKeys')).toMatchObject({ mode: 'server-trusted', serverKeys: 'accepted' });
    expect(await bobs.messaging.send(id, { type: 'string', body: 'two, a server-made key' })).toMatchObject({ state: 'sent' });
    expect(await bobs.messaging.send(id, { type: 'string', body: 'three, a server-made key' })).toMatchObject({ state: 'sent' });
    const versions = bobs.messaging.view(id).items.flatMap((i) => (i.kind === 'message' ? [i.keyVersion] : []));
    expect(versions[0], 'the first message is under the device-made version').toBe(1);
    expect(versions.slice(1), 'the others under the version the key service made on the switch').toEqual([2, 2]);

    // Alice has not accepted: the first shows, the others wait for their key (never rejected, never dropped).
    const storage = new Map<string, string>();
    let alices = await openWindow(alice, storage);
    const waitingTwo = async (label: string) =>
      expect(
        await until(
          label,
          () => shown(alices, id),
          (s) => s.pending === 2,
        ),
      ).toEqual({ texts: ['one, a device-made key'], pending: 2 });
    windows.push(alices);
    expect(await alice.call('custodyStatus')).toMatchObject({ mode: 'server-trusted', serverKeys: 'ask' });
    await alices.messaging.join([id]);
    await waitingTwo('her window before accepting');

    // She reloads her window before accepting: the catch-up cursor is past the waiting messages now.
    await alices.close();
    windows.splice(windows.indexOf(alices), 1);
    alices = await openWindow(alice, storage);
    windows.push(alices);
    await alices.messaging.join([id]);
    await waitingTwo('her window reloaded before accepting');

    expect(await alice.call('acceptServerKeys')).toMatchObject({ mode: 'server-trusted', serverKeys: 'accepted' });
    const all = ['one, a device-made key', 'two, a server-made key', 'three, a server-made key'];
    expect(
      await until(
        'her window after accepting',
        () => shown(alices, id),
        (s) => s.pending === 0 && s.texts.length >= 3,
      ),
    ).toEqual({ texts: all, pending: 0 });

    // Nothing waits any more: the saved cursor caught up with the window's.
    await until(
      'the saved cursor',
      () => [...storage.values()],
      (v) => v.includes(alices.messaging.view(id).lastTimetoken ?? '-'),
    );

    // Kept in her local store, in order, once each.
    const stored = (await alice.call('historyPage', id, { limit: 50 })) as { timetoken: string; outcome: { kind: string; plaintext?: { body: string } } }[];
    expect(stored.map((m) => m.outcome.plaintext?.body)).toEqual(all);

    // A reload of her window: the cursor passed them while they waited; they come back from the store, once.
    await alices.close();
    windows.splice(windows.indexOf(alices), 1);
    alices = await openWindow(alice, storage);
    windows.push(alices);
    await alices.messaging.join([id]);
    expect(
      await until(
        'her window after a reload',
        () => shown(alices, id),
        (s) => s.texts.length >= 3,
      ),
    ).toEqual({ texts: all, pending: 0 });
  });
});
