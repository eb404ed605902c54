/**
 * The broadcast service the app and CLI call (docs/broadcast.md §8.1), against the key service (claims,
 * directory, default key manager) and the relay: Alice creates and publishes, grants Bob; Bob finds the
 * channel in the directory, follows it and opens messages lazily (only what he asks for), sees a live
 * one arrive; Mallory follows but every message fails with role_missing; after Alice revokes Bob, her
 * next message fails for him with subscriber_revoked. Views never carry key material.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastClient } from '../../src/client/broadcast/broadcastClient';
import { BroadcastService } from '../../src/client/broadcast/broadcastService';
import { sessionRequester } from '../../src/client/broadcast/keyServiceSession';
import { certifiedDevice, keyServiceClaims, keyServiceDirectory } from '../../src/client/broadcast/keyServiceDirectory';
import { device, type Actor } from '../server/helpers/actors';
import { startOn, type Running } from '../server/helpers/service';
import { cleanup, connectedOnce, pinnedKeys, provider, pubnubFor, rejection, relay, waitFor, keyServiceActor, xwingKeyOf } from './harness';

describe('alice and bob use the broadcast service', () => {
  let ks: Running;
  let r: Awaited<ReturnType<typeof relay>>;
  let alice: Actor;
  let bob: Actor;
  let mallory: Actor;

  const serviceOf = async (actor: Actor, changes: string[] = []) => {
    const keyService = sessionRequester({ url: ks.service.url, accessToken: async () => device(actor).token });
    const pubnub = pubnubFor(r, actor.userId);
    const client = createBroadcastClient({
      crypto: provider,
      device: await certifiedDevice(keyService, provider, {
        userId: actor.userId,
        deviceId: device(actor).deviceId,
        x25519PrivateKey: device(actor).keys.x25519.privateKey,
        ed25519PrivateKey: device(actor).keys.ed25519.privateKey,
        ...xwingKeyOf(actor),
      }),
      claims: keyServiceClaims(keyService),
      accountKeys: pinnedKeys(() => [alice, bob, mallory]),
      directory: keyServiceDirectory(keyService),
      pubnub,
    });
    return { service: new BroadcastService(client, (id) => changes.push(id)), pubnub };
  };

  beforeAll(async () => {
    ks = await startOn('sqlite');
    r = await relay();
    alice = await keyServiceActor(ks.api, 'alice');
    bob = await keyServiceActor(ks.api, 'bob');
    mallory = await keyServiceActor(ks.api, 'mallory');
  });
  afterAll(async () => {
    await cleanup();
    await ks.stop();
  });

  it('a device whose keys differ from its certificate is refused', async () => {
    const keyService = sessionRequester({ url: ks.service.url, accessToken: async () => device(bob).token });
    const err = await rejection(
      certifiedDevice(keyService, provider, {
        userId: bob.userId,
        deviceId: device(bob).deviceId,
        x25519PrivateKey: device(alice).keys.x25519.privateKey,
        ed25519PrivateKey: device(bob).keys.ed25519.privateKey,
      }),
    );
    expect(err.code).toBe('directory_refused');
  });

  it('create, grant, follow, lazy open, live, refusals', async () => {
    const a = await serviceOf(alice);
    const id = await a.service.create({ keyManagerUrl: `${ks.service.url}/km`, name: 'Engineering news' });
    expect((await a.service.channels()).map((c) => [c.channelId, c.name, c.owner, c.following])).toEqual([[id, 'Engineering news', true, true]]);
    await a.service.publish(id, 'first');
    await a.service.publish(id, 'second');
    await a.service.setRole(id, bob.userId, 'subscriber', true);

    const bobChanges: string[] = [];
    const b = await serviceOf(bob, bobChanges);
    expect((await b.service.channels()).map((c) => [c.channelId, c.subscriber, c.following])).toEqual([[id, true, false]]);
    const connected = connectedOnce(b.pubnub);
    await b.service.follow(id);
    await connected;
    expect(b.service.messages(id).map((m) => m.state)).toEqual(['sealed', 'sealed']);
    expect((await b.service.open(id, 1)).map((m) => [m.state, m.text ?? null])).toEqual([
      ['sealed', null],
      ['opened', 'second'],
    ]);
    expect((await b.service.open(id)).map((m) => m.text)).toEqual(['first', 'second']);
    expect(JSON.stringify(b.service.messages(id))).not.toMatch(/privateKey|wrap/);

    const before = bobChanges.length;
    await a.service.publish(id, 'live one');
    await waitFor('live delivery to bob', () => b.service.messages(id).length === 3);
    expect(bobChanges.length).toBeGreaterThan(before);
    expect(b.service.messages(id)[2]?.state).toBe('sealed');
    expect((await b.service.open(id))[2]).toMatchObject({
      state: 'opened',
      text: 'live one',
      keyVersion: 1,
      type: 'string',
      senderDevice: device(alice).deviceId,
    });

    const m = await serviceOf(mallory);
    await m.service.follow(id);
    expect((await m.service.open(id)).map((v) => [v.state, v.errorCode])).toEqual([
      ['failed', 'role_missing'],
      ['failed', 'role_missing'],
      ['failed', 'role_missing'],
    ]);

    expect(await a.service.revoke(id, bob.userId)).toBe(2);
    await a.service.publish(id, 'after bob');
    await waitFor('post-revocation delivery to bob', () => b.service.messages(id).length === 4);
    expect((await b.service.open(id))[3]).toMatchObject({ state: 'failed', keyVersion: 2, errorCode: 'subscriber_revoked' });
    expect(
      b.service
        .messages(id)
        .slice(0, 3)
        .map((v) => v.text),
    ).toEqual(['first', 'second', 'live one']);
    for (const s of [a, b, m]) s.service.dispose();
  });
});
