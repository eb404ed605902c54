/**
 * Subscribing late (docs/broadcast.md §4: a new subscriber may replay all history): Alice publishes under
 * version 1, revokes Carol (version 2) and publishes again; Dave is granted the subscriber role only then,
 * follows the channel, and reads all of it — both versions from history — and then a live message, each
 * exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_CREATOR_ROLE, subscriberRole } from '../../src/common/broadcast/roles';
import type { BroadcastItem } from '../../src/client/broadcast/broadcastItem';
import { cleanup, clientOf, connectedOnce, issuer, keyManager, person, pubnubFor, relay, trustOf, waitFor } from './harness';

describe('dave follows after rotations and reads everything', () => {
  let env: { km: Awaited<ReturnType<typeof keyManager>>; r: Awaited<ReturnType<typeof relay>>; iss: Awaited<ReturnType<typeof issuer>> };
  beforeAll(async () => {
    const iss = await issuer();
    env = { iss, km: await keyManager(trustOf(iss)), r: await relay() };
  });
  afterAll(cleanup);

  it('reads history across versions, then live, each once', async () => {
    const { iss, km, r } = env;
    const alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    const carol = await person('carol', iss);
    // Dave's device was set up before X-Wing: it still gets (X25519) wraps of every version.
    const dave = await person('dave', iss, [], { hybrid: false });
    const channel = await clientOf(alice, pubnubFor(r, 'alice')).createChannel({ keyManagerUrl: km.url, name: 'Releases' });
    await channel.publish({ type: 'string', body: 'v1 one' });
    await channel.publish({ type: 'binary', body: new Uint8Array([1, 2, 3]) });
    carol.roles = [subscriberRole(channel.channelId)];
    expect(await channel.revoke(carol.user.userId)).toBe(2);
    await channel.publish({ type: 'string', body: 'v2 one' });

    dave.roles = [subscriberRole(channel.channelId)];
    const davePubnub = pubnubFor(r, 'dave');
    const daveChannel = await clientOf(dave, davePubnub).openChannel(km.url, channel.channelId);
    const live: BroadcastItem[] = [];
    const connected = connectedOnce(davePubnub);
    const { history, stop } = await daveChannel.follow((item) => live.push(item));
    expect(history.map((i) => i.keyVersion)).toEqual([1, 1, 2]);
    const opened = await Promise.all(history.map((i) => i.open()));
    expect(opened.map((o) => o.message.body)).toEqual(['v1 one', new Uint8Array([1, 2, 3]), 'v2 one']);
    expect(daveChannel.heldVersions()).toEqual([1, 2]);

    await connected;
    await channel.publish({ type: 'json', body: { release: '1.2.0' } });
    await waitFor('live release note', () => live.length === 1);
    expect((await live[0]!.open()).message.body).toEqual({ release: '1.2.0' });
    expect(live.map((i) => i.timetoken)).not.toContain(history[2]!.timetoken);
    stop();
  });
});
