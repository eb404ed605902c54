/**
 * PubNub Access Manager for broadcast channels: with the relay enforcing tokens, the key service grants
 * the channel owner read+write on `bcast.<id>`, a granted subscriber read only, and others nothing — so
 * the owner publishes, the subscriber reads but cannot publish, and an outsider sees no history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastPubnubChannel } from '../../src/common/pubnubChannels';
import { createBroadcastClient } from '../../src/client/broadcast/broadcastClient';
import { sessionRequester } from '../../src/client/broadcast/keyServiceSession';
import { keyServiceClaims, keyServiceDirectory } from '../../src/client/broadcast/keyServiceDirectory';
import { device, type Actor } from '../server/helpers/actors';
import { startOn, type Running } from '../server/helpers/service';
import { cleanup, pinnedKeys, provider, PUB_KEY, pubnubFor, rejection, relay, SUB_KEY, keyServiceActor, xwingKeyOf } from './harness';

const SECRET = 'sec-c-bcast-secret';

describe('broadcast PubNub access follows roles', () => {
  let ks: Running;
  let r: Awaited<ReturnType<typeof relay>>;
  let alice: Actor;
  let bob: Actor;
  let mallory: Actor;

  const tokenFor = async (actor: Actor) => {
    const res = await ks.api.call<{ token: string | null; read: string[]; readWrite: string[] }>('POST', '/v1/broadcast/pubnub-token', {
      token: actor.userToken,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const clientOf = async (actor: Actor, pubnub: ReturnType<typeof pubnubFor>) => {
    const session = { url: ks.service.url, accessToken: async () => device(actor).token };
    const cert = (await ks.api.get<{ device: { certificate: never } }>(`/v1/devices/${device(actor).deviceId}`, actor.userToken)).body.device.certificate;
    return createBroadcastClient({
      crypto: provider,
      device: {
        userId: actor.userId,
        deviceId: device(actor).deviceId,
        certificate: cert,
        x25519PrivateKey: device(actor).keys.x25519.privateKey,
        ed25519PrivateKey: device(actor).keys.ed25519.privateKey,
        ...xwingKeyOf(actor),
      },
      claims: keyServiceClaims(sessionRequester(session)),
      accountKeys: pinnedKeys(() => [alice, bob, mallory]),
      directory: keyServiceDirectory(sessionRequester(session)),
      pubnub,
    });
  };

  beforeAll(async () => {
    r = await relay(SECRET);
    ks = await startOn('sqlite', { pubnub: { origin: r.origin, ssl: false, secretKey: SECRET, publishKey: PUB_KEY, subscribeKey: SUB_KEY } });
    alice = await keyServiceActor(ks.api, 'alice');
    bob = await keyServiceActor(ks.api, 'bob');
    mallory = await keyServiceActor(ks.api, 'mallory');
  });
  afterAll(async () => {
    await cleanup();
    await ks.stop();
  });

  it('owner writes, subscriber reads, outsider sees nothing', async () => {
    const alicePubnub = pubnubFor(r, alice.userId);
    const aliceClient = await clientOf(alice, alicePubnub);
    const channel = await aliceClient.createChannel({ keyManagerUrl: `${ks.service.url}/km`, name: 'Board' });
    const bcast = broadcastPubnubChannel(channel.channelId);

    const aliceToken = await tokenFor(alice);
    expect([aliceToken.readWrite, aliceToken.read]).toEqual([[bcast], []]);
    alicePubnub.setToken(aliceToken.token!);
    await channel.publish({ type: 'string', body: 'minutes attached' });

    await aliceClient.setRole(channel.channelId, bob.userId, 'subscriber', true);
    const bobToken = await tokenFor(bob);
    expect([bobToken.readWrite, bobToken.read]).toEqual([[], [bcast]]);
    const bobPubnub = pubnubFor(r, bob.userId);
    bobPubnub.setToken(bobToken.token!);
    const bobChannel = await (await clientOf(bob, bobPubnub)).openChannel(`${ks.service.url}/km`, channel.channelId);
    const [item] = await bobChannel.history();
    expect((await item!.open()).message.body).toBe('minutes attached');
    const denied = await bobPubnub.publish({ channel: bcast, message: { not: 'allowed' } }).then(
      () => null,
      (err: { status?: { statusCode?: number } }) => err.status?.statusCode,
    );
    expect(denied).toBe(403);

    const malloryToken = await tokenFor(mallory);
    expect([malloryToken.token, malloryToken.readWrite, malloryToken.read]).toEqual([null, [], []]);
    const malloryChannel = await (await clientOf(mallory, pubnubFor(r, mallory.userId))).openChannel(`${ks.service.url}/km`, channel.channelId);
    const refused = await rejection(malloryChannel.history());
    expect([refused.code, (refused as { reason?: string }).reason]).toEqual(['transport_failed', 'access_denied']);
  });
});
