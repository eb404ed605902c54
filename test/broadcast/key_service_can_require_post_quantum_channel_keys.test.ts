/**
 * The key service's own key manager (mounted at <key service>/km) honours the organisation's choice to
 * serve channel keys to post-quantum devices only (`broadcastRequirePostQuantum`, `SEED_BROADCAST_REQUIRE_PQ=1`
 * on the CLI; docs/broadcast.md §4): a subscriber whose device has no X-Wing key is refused with
 * `post_quantum_device_required` and gets no wrap, while an X-Wing device reads. Without the setting the
 * same older device gets an X25519 wrap (key_service_hosts_the_default_key_manager.test.ts and
 * channel_key_wraps_are_post_quantum.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../server/helpers/actors';
import { startOn, type Running } from '../server/helpers/service';
import { cleanup, keyServiceActor, keyServiceBroadcast, post, relay } from './harness';

describe('the key service can require post-quantum channel-key wraps', () => {
  let ks: Running;
  let alice: Actor;
  let bob: Actor;
  let olivia: Actor;
  let r: Awaited<ReturnType<typeof relay>>;

  const { claimsOf, certificateOf, clientOf } = keyServiceBroadcast(
    () => ({ url: ks.service.url, api: ks.api }),
    () => r,
    () => [alice, bob, olivia],
  );

  beforeAll(async () => {
    ks = await startOn('sqlite', { broadcastRequirePostQuantum: true });
    r = await relay();
    alice = await keyServiceActor(ks.api, 'alice');
    bob = await keyServiceActor(ks.api, 'bob');
    olivia = await keyServiceActor(ks.api, 'olivia', { hybrid: false });
  });
  afterAll(async () => {
    await cleanup();
    await ks.stop();
  });

  it('refuses the older device with post_quantum_device_required and serves the X-Wing one', async () => {
    const kmUrl = `${ks.service.url}/km`;
    const aliceClient = await clientOf(alice, 'alice');
    const channel = await aliceClient.createChannel({ keyManagerUrl: kmUrl, name: 'Board' });
    await aliceClient.setRole(channel.channelId, bob.userId, 'subscriber', true);
    await aliceClient.setRole(channel.channelId, olivia.userId, 'subscriber', true);
    await channel.publish({ type: 'string', body: 'minutes' });

    const refused = await post(`${kmUrl}/v1/channels/${channel.channelId}/keys`, {
      claim: await claimsOf(olivia)(kmUrl),
      certificate: await certificateOf(olivia),
    });
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'post_quantum_device_required']);
    expect(refused.body.keys).toBeUndefined();

    const bobChannel = await (await clientOf(bob, 'bob')).openChannel(kmUrl, channel.channelId, alice.account.publicKey);
    const [item] = await bobChannel.history();
    expect((await item!.open()).message.body).toBe('minutes');
  });
});
