/**
 * The realistic custom key manager: the organisation's key service stays the identity side (claims,
 * directory, grants), but Alice names her own key manager — started separately, trusting the key
 * service's issuer — in the descriptor. Bob, granted in the directory, reads through it; Alice revokes
 * him and he cannot read what follows. The key service's own default key manager never sees the channel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastClient } from '../../src/client/broadcast/broadcastClient';
import { BroadcastService } from '../../src/client/broadcast/broadcastService';
import { sessionRequester } from '../../src/client/broadcast/keyServiceSession';
import { certifiedDevice, keyServiceClaims, keyServiceDirectory } from '../../src/client/broadcast/keyServiceDirectory';
import { device, type Actor } from '../server/helpers/actors';
import { startOn, type Running } from '../server/helpers/service';
import { cleanup, keyManager, pinnedKeys, provider, pubnubFor, relay, keyServiceActor, xwingKeyOf } from './harness';

describe('creator runs her own key manager with the company identity', () => {
  let ks: Running;
  let r: Awaited<ReturnType<typeof relay>>;
  let own: Awaited<ReturnType<typeof keyManager>>;
  let alice: Actor;
  let bob: Actor;

  const serviceOf = async (actor: Actor) => {
    const keyService = sessionRequester({ url: ks.service.url, accessToken: async () => device(actor).token });
    const keys = {
      userId: actor.userId,
      deviceId: device(actor).deviceId,
      x25519PrivateKey: device(actor).keys.x25519.privateKey,
      ed25519PrivateKey: device(actor).keys.ed25519.privateKey,
      ...xwingKeyOf(actor),
    };
    const client = createBroadcastClient({
      crypto: provider,
      device: await certifiedDevice(keyService, provider, keys),
      claims: keyServiceClaims(keyService),
      accountKeys: pinnedKeys(() => [alice, bob]),
      directory: keyServiceDirectory(keyService),
      pubnub: pubnubFor(r, actor.userId),
    });
    return new BroadcastService(client);
  };

  beforeAll(async () => {
    ks = await startOn('sqlite');
    r = await relay();
    own = await keyManager([{ issuer: ks.service.url, jwksUrl: `${ks.service.url}/.well-known/jwks.json` }]);
    alice = await keyServiceActor(ks.api, 'alice');
    bob = await keyServiceActor(ks.api, 'bob');
  });
  afterAll(async () => {
    await cleanup();
    await ks.stop();
  });

  it('bob reads through alice’s key manager until she revokes him', async () => {
    const a = await serviceOf(alice);
    const id = await a.create({ keyManagerUrl: own.url, name: 'Private board' });
    await a.setRole(id, bob.userId, 'subscriber', true);
    await a.publish(id, 'agenda');

    const b = await serviceOf(bob);
    const listed = (await b.channels()).find((c) => c.channelId === id);
    expect(listed?.keyManagerUrl).toBe(own.url);
    await b.follow(id);
    expect((await b.open(id)).map((m) => m.text)).toEqual(['agenda']);

    expect(await a.revoke(id, bob.userId)).toBe(2);
    await a.publish(id, 'decisions');
    await b.unfollow(id);
    await b.follow(id);
    expect((await b.open(id)).map((m) => [m.state, m.text ?? m.errorCode])).toEqual([
      ['opened', 'agenda'],
      ['failed', 'subscriber_revoked'],
    ]);

    const atDefault = await fetch(`${ks.service.url}/km/v1/channels/${id}`);
    expect(atDefault.status).toBe(404);
    expect((await fetch(`${own.url}/v1/channels/${id}`)).status).toBe(200);
    a.dispose();
    b.dispose();
  });
});
