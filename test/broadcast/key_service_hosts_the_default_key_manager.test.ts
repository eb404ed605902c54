/**
 * The default key manager runs with the key service (docs/broadcast.md §2.1, §4.1): the key service issues
 * role claims to a signed-in device (JWKS at /.well-known/jwks.json), lists created channels in its
 * directory, lets the channel's owner grant per-channel roles, and the key manager mounted at <key
 * service>/km creates and serves the channel — over the real relay with the real pubnub SDK. The key
 * service database never holds a channel private key.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ChannelId } from '../../src/common/ids';
import { unwrapChannelKey } from '../../src/common/protocol/broadcast';
import type { KeyWrap } from '../../src/common/protocol/keyWrap';
import type { BroadcastChannel } from '../../src/client/broadcast/broadcastChannel';
import { addDevice, device, type Actor } from '../server/helpers/actors';
import { startOn, type Running } from '../server/helpers/service';
import { cleanup, keyServiceBroadcast, post, provider, rejection, relay, keyServiceActor } from './harness';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('key service hosts the default key manager', () => {
  let ks: Running;
  let alice: Actor;
  let bob: Actor;
  let mallory: Actor;
  let kmUrl: string;
  let channel: BroadcastChannel;
  let r: Awaited<ReturnType<typeof relay>>;

  const { claimsOf, certificateOf, clientOf } = keyServiceBroadcast(
    () => ({ url: ks.service.url, api: ks.api }),
    () => r,
    () => [alice, bob, mallory],
  );

  beforeAll(async () => {
    ks = await startOn('sqlite');
    kmUrl = `${ks.service.url}/km`;
    r = await relay();
    alice = await keyServiceActor(ks.api, 'alice');
    bob = await keyServiceActor(ks.api, 'bob');
    mallory = await keyServiceActor(ks.api, 'mallory');
  });
  afterAll(async () => {
    await cleanup();
    await ks.stop();
  });

  it('publishes its claim keys and issues claims with the account key of the calling device', async () => {
    const jwks = await ks.api.get<{ keys: { kty: string; crv: string; d?: string }[] }>('/.well-known/jwks.json');
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(jwks.body.keys[0]?.d).toBeUndefined();
    const res = await ks.api.post<{ roles: string[] }>('/v1/broadcast/claims', { audience: kmUrl }, device(alice).token);
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['channel-creator']);
    const noDevice = await ks.api.post('/v1/broadcast/claims', { audience: kmUrl }, alice.passwordToken);
    expect(noDevice.status).toBe(403);
  });

  it('alice creates a channel on the default key manager, it is listed, she grants bob, and bob reads', async () => {
    const aliceClient = await clientOf(alice, 'alice');
    channel = await aliceClient.createChannel({ keyManagerUrl: kmUrl, name: 'All hands' });
    await aliceClient.setRole(channel.channelId, bob.userId, 'subscriber', true);
    const squat = await rejection((await clientOf(mallory, 'mallory')).setRole(channel.channelId, mallory.userId, 'subscriber', true));
    expect([squat.code, squat.status]).toEqual(['directory_refused', 403]);
    expect(squat.message).toContain('not_channel_owner');

    const bobList = await (await clientOf(bob, 'bob')).listChannels();
    expect(bobList.map((c) => [c.descriptor.channelId, c.keyManagerUrl, c.owner, c.subscriber, c.publisher])).toEqual([
      [channel.channelId, kmUrl, false, true, false],
    ]);
    const aliceList = await aliceClient.listChannels();
    expect(aliceList.map((c) => [c.owner, c.subscriber])).toEqual([[true, false]]);

    await channel.publish({ type: 'string', body: 'town hall at noon' });
    const bobChannel = await (await clientOf(bob, 'bob')).openChannel(kmUrl, channel.channelId, alice.account.publicKey);
    const [item] = await bobChannel.history();
    expect((await item!.open()).message.body).toBe('town hall at noon');

    const malloryChannel = await (await clientOf(mallory, 'mallory')).openChannel(kmUrl, channel.channelId);
    expect((await rejection(malloryChannel.refreshKeys())).code).toBe('role_missing');

    await aliceClient.setRole(channel.channelId, bob.userId, 'subscriber', false);
    expect((await (await clientOf(bob, 'bob')).listChannels())[0]?.subscriber).toBe(false);
    const relisted = await ks.api.post<{ error: { code: string } }>('/v1/broadcast/directory', { descriptor: channel.descriptor }, device(alice).token);
    expect([relisted.status, relisted.body.error.code]).toEqual([409, 'already_listed']);
  });

  it('the key service database and files hold no channel private key', async () => {
    const res = await post(`${kmUrl}/v1/channels/${channel.channelId}/keys`, { claim: await claimsOf(alice)(kmUrl), certificate: await certificateOf(alice) });
    const key = (res.body.keys as { wrap: KeyWrap }[])[0]!;
    expect(key.wrap.suite).toBe('xwing');
    const pair = await unwrapChannelKey(provider, {
      channelId: channel.channelId as ChannelId,
      keyVersion: 1,
      wrap: key.wrap,
      deviceId: device(alice).deviceId,
      x25519PrivateKey: device(alice).keys.x25519.privateKey,
      xwingPrivateKey: device(alice).keys.xwing!.privateKey,
    });
    const secret = Buffer.from(pair.privateKey);
    const files = filesUnder(ks.store.dataDir);
    expect(files.some((f) => f.endsWith('keyservice.sqlite'))).toBe(true);
    expect(files.some((f) => f.includes(join('keymanager', 'keymanager.sqlite')))).toBe(true);
    for (const file of files) expect(readFileSync(file).includes(secret), file).toBe(false);
    expect(toBase64Url(pair.publicKey)).toBe((res.body.keys as { publicKey: string }[])[0]!.publicKey);
  });

  it("a claim is bound to the device that asked for it: another of the user's devices is refused", async () => {
    const second = await addDevice(ks.api, alice);
    const secondCert = (await ks.api.get<{ device: { certificate: never } }>(`/v1/devices/${second.deviceId}`, alice.userToken)).body.device.certificate;
    const res = await post(`${kmUrl}/v1/channels/${channel.channelId}/keys`, { claim: await claimsOf(alice)(kmUrl), certificate: secondCert });
    expect([res.status, res.body.error?.code]).toEqual([422, 'certificate_refused']);
  });
});
