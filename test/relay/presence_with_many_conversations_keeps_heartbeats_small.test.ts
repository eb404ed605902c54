/**
 * Presence with many direct conversations (docs/messaging.md "Presence"): the SDK as the renderer configures
 * it (`pubnubFromConfig`, PRESENCE_SDK_OPTIONS) with a sealed-sized status on each of 100 conversations.
 * The SDK used to repeat every channel's state in every heartbeat and subscribe handshake: ~580 bytes per
 * conversation, so from ~66 conversations the relay (like PubNub) refused the heartbeat and from ~147 the
 * handshake, and live messages stopped. Now heartbeats carry no state, every one succeeds, and the peers
 * still see the status on every conversation. After a lost connection (PubNub forgot the state with the
 * timeout), the feed sets it again once the SDK is connected.
 * The crypto is a stand-in (named so): this test is about the transport; sealing is covered by
 * test/client/alice_sees_bob_online_away_offline.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationId, UserId } from '../../src/common/ids';
import { PresenceFeed, type PresenceCrypto } from '../../src/common/presence/presenceFeed';
import { conversationPubnubChannel } from '../../src/common/pubnubChannels';
import { pubnubFromConfig } from '../../src/renderer/src/chat/rendererMessaging';
import { PUB, SUB, cleanup, client, collect, raw, startTestRelay } from './helpers';

afterEach(cleanup);

const COUNT = 100;
/** About the size of a sealed status envelope (§7.8). */
const SEALED = 'x'.repeat(560);

/** Stand-in crypto: an opaque envelope of a sealed status's size; opening answers what was set. */
const standInCrypto: PresenceCrypto = {
  seal: async (conversationId, status) => ({ c: conversationId, s: status.availability, t: status.text, pad: SEALED }),
  open: async (_conversationId, envelope) => {
    const e = envelope as { s: 'online' | 'away'; t: string };
    return { kind: 'ok', status: { availability: e.s, text: e.t }, sentAt: Date.now() };
  },
};

describe('presence with many direct conversations', () => {
  it('heartbeats stay small and succeed with a status on 100 conversations; the status is set again after a drop', async () => {
    const relay = await startTestRelay();
    const bob = pubnubFromConfig(
      { origin: relay.origin, ssl: false, subscribeKey: SUB, publishKey: PUB, userId: 'bob', token: null } as Parameters<typeof pubnubFromConfig>[0],
      { enabled: true, timeoutSeconds: 20, heartbeatSeconds: 9, awayAfterSeconds: 300 },
    );
    const bobSeen = collect(bob);
    const conversations = Array.from({ length: COUNT }, (_, i) => ({
      conversationId: `conv-many-${String(i).padStart(4, '0')}` as ConversationId,
      peer: `peer-${i}` as UserId,
    }));
    const feed = new PresenceFeed({ pubnub: bob, crypto: standInCrypto, self: 'bob' as UserId, lastSeen: { load: () => undefined, save: () => undefined } });
    try {
      await feed.watch(conversations);
      await feed.setStatus({ availability: 'away', text: 'in a workshop' });

      // The next heartbeat (9 s) goes out; none is refused and Bob stays present with his status everywhere.
      const observer = client(relay, 'observer');
      const channels = conversations.map((c) => conversationPubnubChannel(c.conversationId));
      const withStatus = async () => {
        const here = await observer.hereNow({ channels, includeUUIDs: true, includeState: true });
        return channels.filter((ch) =>
          (here.channels[ch]?.occupants ?? []).some((o) => o.uuid === 'bob' && (o.state as { seed?: { s?: string } })?.seed?.s === 'away'),
        ).length;
      };
      await new Promise((r) => setTimeout(r, 11_000));
      const refused = bobSeen.statuses.filter(
        (s) => s.error === true || (/Category$/.test(s.category) && s.category !== 'PNConnectedCategory' && s.category !== 'PNSubscriptionChangedCategory'),
      );
      expect(refused.map((s) => `${s.operation ?? ''} ${s.category}`)).toEqual([]);
      expect(await withStatus()).toBe(COUNT);

      // PubNub forgets a state when its user leaves or times out: here the relay drops Bob from one channel.
      const first = channels[0] as string;
      expect((await raw(relay, `/v2/presence/sub-key/${SUB}/channel/${first}/leave?uuid=bob`)).status).toBe(200);
      const gone = await observer.hereNow({ channels: [first], includeUUIDs: true, includeState: true });
      expect((gone.channels[first]?.occupants ?? []).find((o) => o.uuid === 'bob')?.state).toBeUndefined();
      // The SDK reports the drop and then its reconnection: the feed sets the status again.
      await feed.connection('PNNetworkDownCategory');
      await feed.connection('PNConnectedCategory');
      expect(await withStatus()).toBe(COUNT);
    } finally {
      feed.dispose();
      bob.destroy(true);
    }
  }, 60_000);
});
