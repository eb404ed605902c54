/**
 * A revoked publisher (docs/broadcast.md §8): Eve may publish, then Alice revokes her. Eve can no longer
 * get the current key, and a broadcast she seals to the old public key (which is public) and signs after
 * her revocation is refused by subscribers as `signer_not_member`; what she published before still opens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_CREATOR_ROLE, publisherRole, subscriberRole } from '../../src/common/broadcast/roles';
import { broadcastPubnubChannel } from '../../src/common/pubnubChannels';
import type { MessageId } from '../../src/common/ids';
import { sealBroadcast } from '../../src/common/protocol/broadcast';
import { bytesOf } from '../../src/common/protocol/wire';
import { cleanup, clientOf, issuer, keyManager, person, provider, pubnubFor, rejection, relay, trustOf } from './harness';

describe('revoked publisher cannot sign new broadcasts', () => {
  let ctx: Awaited<ReturnType<typeof setup>>;
  async function setup() {
    const iss = await issuer();
    const km = await keyManager(trustOf(iss));
    const r = await relay();
    const alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    const eve = await person('eve', iss);
    const bob = await person('bob', iss);
    return { km, r, alice, eve, bob };
  }
  beforeAll(async () => {
    ctx = await setup();
  });
  afterAll(cleanup);

  it("eve's broadcasts count until her revocation, not after", async () => {
    const { km, r, alice, eve, bob } = ctx;
    const channel = await clientOf(alice, pubnubFor(r, 'alice')).createChannel({ keyManagerUrl: km.url, name: 'Ops' });
    eve.roles = [publisherRole(channel.channelId)];
    bob.roles = [subscriberRole(channel.channelId)];
    const evePubnub = pubnubFor(r, 'eve');
    const eveChannel = await clientOf(eve, evePubnub).openChannel(km.url, channel.channelId);
    await eveChannel.publish({ type: 'string', body: 'before' });

    expect(await channel.revoke(eve.user.userId)).toBe(2);
    expect((await rejection(eveChannel.publish({ type: 'string', body: 'after, via the key manager' }))).code).toBe('subscriber_revoked');

    const info = (await (await fetch(`${km.url}/v1/channels/${channel.channelId}`)).json()) as { versions: { version: number; publicKey: string }[] };
    const v1 = info.versions.find((v) => v.version === 1)!;
    const forged = await sealBroadcast(provider, {
      channelId: channel.channelId,
      keyVersion: 1,
      channelPublicKey: bytesOf(v1.publicKey),
      senderDevice: eve.device.deviceId,
      signingPrivateKey: eve.device.keys.ed25519.privateKey,
      plaintext: { id: 'forged-after-1' as MessageId, sentAt: 1, type: 'string', body: 'after, sealed to the old key' },
      channel: broadcastPubnubChannel(channel.channelId),
    });
    await evePubnub.publish({ channel: broadcastPubnubChannel(channel.channelId), message: forged });

    const items = await (await clientOf(bob, pubnubFor(r, 'bob')).openChannel(km.url, channel.channelId)).history();
    expect(items).toHaveLength(2);
    expect((await items[0]!.open()).message.body).toBe('before');
    expect((await rejection(items[1]!.open())).code).toBe('signer_not_member');
  });
});
