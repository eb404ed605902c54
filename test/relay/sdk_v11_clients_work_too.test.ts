/**
 * The relay serves the previous major of the SDK as well: `pubnub@11` (node-fetch transport) over both
 * subscribe loops — publish GET and deflated POST, signals, presence join, fetch with meta, and an Access Manager
 * token granted by a v11 key service — next to a v12 client on the same relay.
 *
 * Opt-in: pubnub@11 pulls react-native in as a peer dependency, so it is not a project dependency. Install it
 * outside the project and point PUBNUB_V11 at it (docs/relay.md):
 *   npm install --prefix /tmp/pubnub-v11 pubnub@11.0.2
 *   PUBNUB_V11=/tmp/pubnub-v11/node_modules/pubnub npx vitest run test/relay/sdk_v11_clients_work_too.test.ts
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import type PubNub from 'pubnub';
import { PUB, SECRET, SUB, cleanup, client, collect, failure, startTestRelay, subscribeAndWait, waitFor } from './helpers';

/** The v11 constructor, typed with v12's declarations (the calls used here have the same shape). */
function loadV11(): typeof PubNub | undefined {
  try {
    return createRequire(__filename)(process.env.PUBNUB_V11 ?? 'pubnub-v11') as typeof PubNub;
  } catch {
    return undefined;
  }
}

const PubNubV11 = loadV11();
if (PubNubV11 === undefined) {
  process.stderr.write('sdk_v11_clients_work_too: SKIPPED — pubnub@11 not found (set PUBNUB_V11, see the file header)\n');
}
const v11Clients: PubNub[] = [];

afterEach(async () => {
  for (const pubnub of v11Clients.splice(0)) {
    pubnub.unsubscribeAll();
    pubnub.destroy(true);
  }
  await cleanup();
});

function v11(origin: string, userId: string, config: Partial<PubNub.PubNubConfiguration> = {}): PubNub {
  if (PubNubV11 === undefined) throw new Error('pubnub-v11 is not installed');
  const pubnub = new PubNubV11({ publishKey: PUB, subscribeKey: SUB, userId, origin, ssl: false, ...config });
  v11Clients.push(pubnub);
  return pubnub;
}

type Event = { message?: unknown; timetoken?: string; action?: string; uuid?: string; category?: string };

function listen(pubnub: PubNub) {
  const seen = { messages: [] as Event[], signals: [] as Event[], presence: [] as Event[], statuses: [] as Event[] };
  pubnub.addListener({
    message: (m) => seen.messages.push(m as Event),
    signal: (s) => seen.signals.push(s as Event),
    presence: (p) => seen.presence.push(p as Event),
    status: (s) => seen.statuses.push(s as Event),
  });
  return seen;
}

describe.skipIf(PubNubV11 === undefined).each([
  ['event engine', true],
  ['legacy loop', false],
])('sdk v11 clients over the %s', (_name, enableEventEngine) => {
  it('publish, subscribe, signal, presence and history interoperate with v12', async () => {
    const relay = await startTestRelay();
    const bob = v11(relay.origin, 'bob', { enableEventEngine });
    const bobSeen = listen(bob);
    bob.subscribe({ channels: ['conv.v'], withPresence: true });
    await waitFor('v11 connected', () => bobSeen.statuses.some((s) => s.category === 'PNConnectedCategory'));

    const alice = client(relay, 'alice');
    const aliceSeen = collect(alice);
    await subscribeAndWait(alice, aliceSeen, { channels: ['conv.v'] });
    await waitFor('v11 sees alice join', () => bobSeen.presence.some((p) => p.action === 'join' && p.uuid === 'alice'));

    const fromV12 = await alice.publish({ channel: 'conv.v', message: { from: 'v12' } });
    const fromV11 = await bob.publish({ channel: 'conv.v', message: { from: 'v11' }, sendByPost: true, meta: { m: 1 } });
    await bob.signal({ channel: 'conv.v', message: 'typing' });

    await waitFor('both messages on both sides', () => bobSeen.messages.length === 2 && aliceSeen.messages.length === 2);
    expect(bobSeen.messages.map((m) => [m.timetoken, m.message])).toEqual([
      [fromV12.timetoken, { from: 'v12' }],
      [fromV11.timetoken, { from: 'v11' }],
    ]);
    expect(aliceSeen.messages.map((m) => m.message)).toEqual([{ from: 'v12' }, { from: 'v11' }]);
    await waitFor('signal', () => aliceSeen.signals.length === 1);

    const history = await bob.fetchMessages({ channels: ['conv.v'], includeMeta: true });
    expect(history.channels['conv.v']?.map((m) => [m.message, m.meta])).toEqual([
      [{ from: 'v12' }, undefined],
      [{ from: 'v11' }, { m: 1 }],
    ]);
  });
});

describe.skipIf(PubNubV11 === undefined)('sdk v11 key service', () => {
  it('grants a token the v12 client uses, and revokes it', async () => {
    const relay = await startTestRelay({ secretKey: SECRET, publishKey: PUB, subscribeKey: SUB });
    const keyService = v11(relay.origin, 'key-service', { secretKey: SECRET });
    const token = await keyService.grantToken({ ttl: 5, resources: { channels: { 'conv.t': { read: true, write: true } } } });
    const alice = client(relay, 'alice');
    alice.setToken(token);
    await alice.publish({ channel: 'conv.t', message: 'ok' });
    expect((await failure(alice.publish({ channel: 'conv.u', message: 'no' }))).statusCode).toBe(403);
    await keyService.revokeToken(token);
    expect((await failure(alice.publish({ channel: 'conv.t', message: 'revoked' }))).statusCode).toBe(403);
  });
});
