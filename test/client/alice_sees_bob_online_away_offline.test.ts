/**
 * Scenario (docs/messaging.md "Presence", docs/protocol.md §7.8): Alice and Bob in a direct conversation,
 * each with the real `pubnub` SDK against the real relay (tokens enforced) and the real key service. Alice's
 * `PresenceFeed` sees Bob offline, then online when his SDK subscribes, then away with his status text —
 * opened and verified in her client core — and offline with a last-seen time after his leave, and again after
 * his SDK stops without a leave and the relay times him out. The relay holds only ciphertext in the state.
 * Attacks, each refused with a typed code and not shown: a state whose signature was altered
 * (`bad_signature`), a status sealed for another conversation (`wrong_conversation`), a message envelope put
 * into state (`wrong_envelope_type`), Bob's genuine status replayed by Carol as hers (`presence_not_own`),
 * a status published as a message (`wrong_envelope_type`), and an older status replayed after a newer one.
 */
import PubNub from 'pubnub';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId, MessageId, UserId } from '../../src/common/ids';
import { PRESENCE_SDK_OPTIONS, PresenceFeed, type LastSeenStore, type PeerPresence } from '../../src/common/presence/presenceFeed';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import type { Client } from '../../src/client/client';
import { CorePresenceCrypto } from '../../src/client/presenceCrypto';
import { apiOf, cleanup, provider, registered, startWorld, type World } from './harness';

afterEach(cleanup);

const sdks: PubNub[] = [];
afterEach(() => {
  for (const p of sdks.splice(0)) p.destroy(true);
});

/** The SDK as the app configures it, with the shortest presence timeout the SDK allows (20 s). */
async function sdkOf(world: World, client: Client, extra: Partial<PubNub.PubNubConfiguration> = {}): Promise<PubNub> {
  const token = await apiOf(client).request('getPubnubToken');
  const pubnub = new PubNub({
    subscribeKey: token.subscribeKey,
    publishKey: token.publishKey,
    userId: token.userId,
    origin: world.relay.origin,
    ssl: false,
    presenceTimeout: 20,
    heartbeatInterval: 9,
    ...PRESENCE_SDK_OPTIONS,
    ...extra,
  });
  pubnub.setToken(token.token);
  sdks.push(pubnub);
  return pubnub;
}

function memoryLastSeen(): LastSeenStore & { kept: Map<UserId, number> } {
  const kept = new Map<UserId, number>();
  return { kept, load: (u) => kept.get(u), save: (u, at) => void kept.set(u, at) };
}

function feedOf(pubnub: PubNub, client: Client, refused: string[], lastSeen = memoryLastSeen()): PresenceFeed {
  return new PresenceFeed({
    pubnub,
    crypto: new CorePresenceCrypto(() => client.messageCrypto(), provider),
    self: client.session().userId,
    lastSeen,
    onRefused: (_peer, code) => refused.push(code),
  });
}

function latest(feed: PresenceFeed): () => PeerPresence | undefined {
  let last: PeerPresence | undefined;
  return () => (last = [...feed.snapshot().values()][0] ?? last);
}

describe('presence between Alice and Bob', () => {
  it('offline → online → away with a verified status → offline with last seen (leave and timeout); forged states are refused', async () => {
    const world = await startWorld();
    const [alice, bob, carol] = [await registered(world, 'alice'), await registered(world, 'bob'), await registered(world, 'carol')];
    const aliceId = alice.session().userId;
    const bobId = bob.session().userId;
    const carolId = carol.session().userId;
    const dm = (await alice.createConversation({ kind: 'direct', members: [bobId] })).conversationId as ConversationId;
    const other = (await bob.createConversation({ kind: 'direct', members: [carolId] })).conversationId as ConversationId;
    const group = (await alice.createConversation({ kind: 'group', name: 'three', members: [bobId, carolId] })).conversationId as ConversationId;
    const channel = conversationPubnubChannel(dm);

    const refused: string[] = [];
    const alicePn = await sdkOf(world, alice);
    const actions: string[] = [];
    alicePn.addListener({ presence: (e) => void ('uuid' in e && e.uuid === bobId && actions.push(e.action)) });
    const aliceFeed = feedOf(alicePn, alice, refused);
    const bobOf = latest(aliceFeed);
    await aliceFeed.watch([{ conversationId: dm, peer: bobId }]);
    expect(bobOf()?.state).toBe('offline');

    // Bob's SDK subscribes to the conversation: he is present.
    const bobPn = await sdkOf(world, bob);
    bobPn.channel(channel).subscription().subscribe();
    await expect.poll(() => bobOf()?.state, { timeout: 15_000 }).toBe('online');

    // Bob is away with a status text: sealed in his core, verified in Alice's.
    const bobFeed = feedOf(bobPn, bob, []);
    await bobFeed.watch([{ conversationId: dm, peer: aliceId }]);
    await bobFeed.setStatus({ availability: 'away', text: 'in a meeting' });
    await expect.poll(() => bobOf(), { timeout: 15_000 }).toMatchObject({ state: 'away', text: 'in a meeting' });

    // What the relay holds as Bob's state is a sealed envelope: no status text, no availability.
    const here = await alicePn.hereNow({ channels: [channel], includeUUIDs: true, includeState: true });
    const stored = here.channels[channel]?.occupants.find((o) => o.uuid === bobId)?.state as { seed: Record<string, unknown> };
    expect(stored.seed).toMatchObject({ v: 1, type: 'presence', conversationId: dm });
    expect(JSON.stringify(stored)).not.toMatch(/meeting|away|online/);
    const genuine = stored.seed;

    // Attacks through Bob's own uuid and token (what a compromised or modified client of Bob's could set).
    const raw = await sdkOf(world, bob, { heartbeatInterval: 0 });
    const setRaw = (seed: unknown) => raw.setState({ channels: [channel], state: { seed: seed as PubNub.Payload } });
    const sig = String(genuine.signature);
    await setRaw({ ...genuine, signature: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) });
    await expect.poll(() => refused).toContain('bad_signature');
    const elsewhere = await new CorePresenceCrypto(() => bob.messageCrypto(), provider).seal(other, { availability: 'online', text: 'forged' });
    await setRaw({ ...(elsewhere as Record<string, unknown>), conversationId: dm });
    await expect.poll(() => refused).toContain('bad_signature');
    await setRaw(elsewhere);
    await expect.poll(() => refused).toContain('wrong_conversation');
    const message = await bob.messageCrypto().seal(dm, { id: 'msg-000000000001' as MessageId, sentAt: Date.now(), type: 'string', body: 'hello' });
    await setRaw(message);
    await expect.poll(() => refused).toContain('wrong_envelope_type');
    // An older genuine status replayed after the newer one changes nothing.
    await bobFeed.setStatus({ availability: 'away', text: 'back at 3' });
    await expect.poll(() => bobOf()?.text, { timeout: 15_000 }).toBe('back at 3');
    await setRaw(genuine);
    await expect.poll(() => refused).toContain('presence_stale');
    expect(bobOf()).toMatchObject({ state: 'away', text: 'back at 3' });
    expect(refused.length).toBeGreaterThanOrEqual(3);

    // Carol, a member of the group, replays Bob's genuine status (sealed for the group) as her own.
    const bobInGroup = await new CorePresenceCrypto(() => bob.messageCrypto(), provider).seal(group, { availability: 'online', text: 'bob here' });
    expect(await alice.messageCrypto().openPresence(group, bobInGroup, carolId)).toMatchObject({ kind: 'rejected', code: 'presence_not_own' });
    expect(await alice.messageCrypto().openPresence(group, bobInGroup, bobId)).toMatchObject({ kind: 'ok', status: { text: 'bob here' } });
    // A status published as a message is not a message.
    expect(await alice.messageCrypto().open(group, bobInGroup)).toMatchObject({ kind: 'rejected', code: 'wrong_envelope_type' });

    // Bob leaves: offline, with the time of the leave as last seen.
    raw.destroy(true);
    bobFeed.dispose();
    bobPn.unsubscribeAll();
    await expect.poll(() => bobOf()?.state, { timeout: 15_000 }).toBe('offline');
    expect(actions.at(-1)).toBe('leave');
    expect(bobOf()?.lastSeen).toBeGreaterThan(Date.now() - 60_000);

    // Bob comes back, then his SDK stops without a leave: the relay times him out after the presence timeout.
    const quiet = await sdkOf(world, bob, { suppressLeaveEvents: true });
    quiet.channel(channel).subscription().subscribe();
    await expect.poll(() => bobOf()?.state, { timeout: 15_000 }).toBe('online');
    const before = bobOf()?.lastSeen ?? 0;
    quiet.destroy(true);
    await expect.poll(() => bobOf()?.state, { timeout: 45_000 }).toBe('offline');
    expect(actions.at(-1)).toBe('timeout');
    expect(bobOf()?.lastSeen).toBeGreaterThanOrEqual(before);
    aliceFeed.dispose();
  }, 120_000);
});
