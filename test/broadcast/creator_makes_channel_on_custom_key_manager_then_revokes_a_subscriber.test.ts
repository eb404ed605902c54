/**
 * Custom key managers (docs/broadcast.md §6): Alice (channel-creator) makes a channel on a custom key
 * manager; Bob and Carol subscribe and read it; Alice revokes Carol, who then cannot read anything
 * published after, while Bob reads old and new messages — over the real relay with the real pubnub SDK. The
 * default key manager, running beside it, never sees the channel or its keys.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type PubNub from 'pubnub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_CREATOR_ROLE, publisherRole, subscriberRole } from '../../src/common/broadcast/roles';
import type { BroadcastChannel } from '../../src/client/broadcast/broadcastChannel';
import type { BroadcastItem } from '../../src/client/broadcast/broadcastItem';
import { cleanup, clientOf, connectedOnce, issuer, keyManager, person, pubnubFor, rejection, relay, trustOf, waitFor, type Person } from './harness';

async function bodies(items: BroadcastItem[]): Promise<string[]> {
  const out: string[] = [];
  for (const item of items) {
    const { message } = await item.open();
    out.push(typeof message.body === 'string' ? message.body : JSON.stringify(message.body));
  }
  return out;
}

describe('creator makes a channel on a custom key manager, then revokes a subscriber', () => {
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let defaultKm: Awaited<ReturnType<typeof keyManager>>;
  let customKm: Awaited<ReturnType<typeof keyManager>>;
  let aliceChannel: BroadcastChannel;
  let bobChannel: BroadcastChannel;
  let carolChannel: BroadcastChannel;
  let r: Awaited<ReturnType<typeof relay>>;
  let channelPublicKeys: string[] = [];
  let bobPubnub: PubNub;
  let carolPubnub: PubNub;

  beforeAll(async () => {
    const iss = await issuer();
    defaultKm = await keyManager(trustOf(iss));
    customKm = await keyManager(trustOf(iss));
    r = await relay();
    alice = await person('alice', iss, [CHANNEL_CREATOR_ROLE]);
    bob = await person('bob', iss);
    carol = await person('carol', iss);
  });
  afterAll(cleanup);

  it('alice creates the channel on the custom key manager and publishes', async () => {
    aliceChannel = await clientOf(alice, pubnubFor(r, 'alice')).createChannel({ keyManagerUrl: customKm.url, name: 'Company news' });
    const id = aliceChannel.channelId;
    bob.roles = [subscriberRole(id)];
    carol.roles = [subscriberRole(id)];
    expect(aliceChannel.descriptor.keyManagerUrl).toBe(customKm.url);
    expect(aliceChannel.descriptor.publisherRule).toEqual({ type: 'role', role: publisherRole(id) });
    const first = await aliceChannel.publish({ type: 'string', body: 'welcome' });
    const second = await aliceChannel.publish({ type: 'json', body: { agenda: ['results', 'hiring'] } });
    expect([first.keyVersion, second.keyVersion]).toEqual([1, 1]);
  });

  it('bob and carol open the channel from its key manager and read the history lazily', async () => {
    bobPubnub = pubnubFor(r, 'bob');
    carolPubnub = pubnubFor(r, 'carol');
    bobChannel = await clientOf(bob, bobPubnub).openChannel(customKm.url, aliceChannel.channelId, alice.user.account.publicKey);
    carolChannel = await clientOf(carol, carolPubnub).openChannel(customKm.url, aliceChannel.channelId);
    const bobItems = await bobChannel.history();
    expect(bobItems).toHaveLength(2);
    expect(bobChannel.heldVersions()).toEqual([]);
    expect(await bodies(bobItems)).toEqual(['welcome', '{"agenda":["results","hiring"]}']);
    expect(bobChannel.heldVersions()).toEqual([1]);
    expect(await bodies(await carolChannel.history())).toEqual(['welcome', '{"agenda":["results","hiring"]}']);
  });

  it('alice revokes carol: a new key version; bob reads old and new, live and from history', async () => {
    const live: BroadcastItem[] = [];
    const bobConnected = connectedOnce(bobPubnub);
    const stop = bobChannel.subscribe((item) => live.push(item));
    const carolLive: BroadcastItem[] = [];
    const carolConnected = connectedOnce(carolPubnub);
    const stopCarol = carolChannel.subscribe((item) => carolLive.push(item));
    await Promise.all([bobConnected, carolConnected]);

    expect(await aliceChannel.revoke(carol.user.userId)).toBe(2);
    const after = await aliceChannel.publish({ type: 'string', body: 'after carol left' });
    expect(after.keyVersion).toBe(2);

    await waitFor('bob live message', () => live.length === 1);
    expect(live[0]?.keyVersion).toBe(2);
    expect(await bodies(live)).toEqual(['after carol left']);
    expect(bobChannel.heldVersions()).toEqual([1, 2]);
    expect(await bodies(await bobChannel.history())).toEqual(['welcome', '{"agenda":["results","hiring"]}', 'after carol left']);

    await waitFor('carol live delivery', () => carolLive.length === 1);
    const refused = await rejection(carolLive[0]!.open());
    expect(refused.code).toBe('subscriber_revoked');
    stop();
    stopCarol();
  });

  it('carol cannot read anything published after, even with a valid subscriber claim, but keeps what she had', async () => {
    expect(carol.roles).toEqual([subscriberRole(aliceChannel.channelId)]);
    const history = await carolChannel.history();
    expect(history).toHaveLength(3);
    expect(await bodies(history.slice(0, 2))).toEqual(['welcome', '{"agenda":["results","hiring"]}']);
    expect((await rejection(history[2]!.open())).code).toBe('subscriber_revoked');
    expect((await rejection(carolChannel.refreshKeys())).code).toBe('subscriber_revoked');
    expect(carolChannel.heldVersions()).toEqual([1]);

    const carolFresh = await clientOf(carol, pubnubFor(r, 'carol-2')).openChannel(customKm.url, aliceChannel.channelId);
    const freshHistory = await carolFresh.history();
    expect((await rejection(freshHistory[0]!.open())).code).toBe('subscriber_revoked');
    expect((await rejection(carolFresh.publish({ type: 'string', body: 'let me in' }))).code).toBe('subscriber_revoked');
  });

  it('the default key manager never saw the channel or its keys', async () => {
    const info = await fetch(`${customKm.url}/v1/channels/${aliceChannel.channelId}`).then(
      (res) => res.json() as Promise<{ versions: { publicKey: string }[] }>,
    );
    channelPublicKeys = info.versions.map((v) => v.publicKey);
    expect(channelPublicKeys).toHaveLength(2);

    const res = await fetch(`${defaultKm.url}/v1/channels/${aliceChannel.channelId}`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('channel_unknown');

    for (const file of readdirSync(defaultKm.dataDir)) {
      const bytes = readFileSync(join(defaultKm.dataDir, file));
      expect(bytes.includes(Buffer.from(aliceChannel.channelId))).toBe(false);
      for (const pk of channelPublicKeys) expect(bytes.includes(Buffer.from(pk, 'base64url'))).toBe(false);
    }
    const customFiles = readdirSync(customKm.dataDir).map((f) => readFileSync(join(customKm.dataDir, f)));
    expect(customFiles.some((bytes) => bytes.includes(Buffer.from(channelPublicKeys[0]!, 'base64url')))).toBe(true);
    // Each holds its master key only sealed by its KMS (issue [custody]); never a clear master.key.
    for (const dir of [customKm.dataDir, defaultKm.dataDir]) {
      expect(existsSync(join(dir, 'master.key.kms'))).toBe(true);
      expect(existsSync(join(dir, 'master.key'))).toBe(false);
    }
    expect(readFileSync(join(customKm.dataDir, 'master.key.kms')).equals(readFileSync(join(defaultKm.dataDir, 'master.key.kms')))).toBe(false);
  });
});
