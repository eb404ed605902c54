/**
 * Who owns a broadcast channel id at the key service (docs/broadcast.md §2.1): the creator of the
 * verified descriptor listed in the directory, and no one else. Alice creates a channel on the default key
 * manager but has not listed it yet; Mallory, who learnt its id, tries to grant herself a role on it (which
 * would put the role in her claims and let the key manager hand her the keys), and to list a descriptor of
 * her own under the same id. Both are refused with typed errors and she gets no key; once Alice lists
 * it, Alice grants and Mallory still cannot. A directory entry altered in the key service's storage
 * (a descriptor "by Alice" certified by Mallory's key) is refused by a client that pinned Alice's key.
 * Runs on SQLite and PostgreSQL; the grants themselves always live in `claims/roles.sqlite`.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroadcastClient, type BroadcastClient } from '../../src/client/broadcast/broadcastClient';
import { keyServiceClaims, keyServiceDirectory } from '../../src/client/broadcast/keyServiceDirectory';
import { sessionRequester } from '../../src/client/broadcast/keyServiceSession';
import { signDescriptor, type ChannelDescriptor } from '../../src/common/broadcast/descriptor';
import type { ChannelId } from '../../src/common/ids';
import type { DeviceCertificate } from '../../src/common/protocol/deviceCertificate';
import { RoleGrants } from '../../src/server/claims/roleGrants';
import { makeDevice } from '../crypto/fixtures';
import { cleanup, pinnedKeys, post, provider, pubnubFor, rejection, relay } from '../broadcast/harness';
import { describeBackends } from './helpers/backends';
import { device, newActor, type Actor } from './helpers/actors';
import { startOn, type Running } from './helpers/service';

describeBackends('a broadcast channel id belongs to the creator who listed it', (backend) => {
  let ks: Running;
  let kmUrl: string;
  let alice: Actor;
  let bob: Actor;
  let mallory: Actor;
  let r: Awaited<ReturnType<typeof relay>>;
  let channelId: string;

  const session = (actor: Actor) => sessionRequester({ url: ks.service.url, accessToken: async () => device(actor).token });
  const certificateOf = async (actor: Actor) =>
    (await ks.api.get<{ device: { certificate: DeviceCertificate } }>(`/v1/devices/${device(actor).deviceId}`, actor.userToken)).body.device.certificate;
  /** A broadcast client; without `listed` it has no directory (a channel it creates stays unlisted). */
  const clientOf = async (actor: Actor, listed: boolean): Promise<BroadcastClient> =>
    createBroadcastClient({
      crypto: provider,
      device: {
        userId: actor.userId,
        deviceId: device(actor).deviceId,
        certificate: await certificateOf(actor),
        x25519PrivateKey: device(actor).keys.x25519.privateKey,
        ed25519PrivateKey: device(actor).keys.ed25519.privateKey,
      },
      claims: keyServiceClaims(session(actor)),
      accountKeys: pinnedKeys(() => [alice, bob, mallory]),
      ...(listed ? { directory: keyServiceDirectory(session(actor)) } : {}),
      pubnub: pubnubFor(r, actor.userId),
    });
  const grant = (by: Actor, id: string, userId: string) =>
    ks.api.post<{ error?: { code: string } }>(`/v1/broadcast/channels/${id}/grants`, { userId, kind: 'subscriber' }, device(by).token);
  const withdraw = (by: Actor, id: string, userId: string) =>
    ks.api.call<{ error?: { code: string } }>('DELETE', `/v1/broadcast/channels/${id}/grants/${userId}/subscriber`, { token: device(by).token });
  const register = (by: Actor, descriptor: ChannelDescriptor) =>
    ks.api.post<{ error?: { code: string } }>('/v1/broadcast/directory', { descriptor }, device(by).token);
  const malloryAsks = async () =>
    post(`${kmUrl}/v1/channels/${channelId}/keys`, { claim: await keyServiceClaims(session(mallory))(kmUrl), certificate: await certificateOf(mallory) });
  /** Mallory's own descriptor for Alice's channel id. */
  const mallorysDescriptor = async (keyManagerUrl: string) =>
    signDescriptor(
      provider,
      {
        v: 1,
        channelId: channelId as ChannelId,
        name: 'Company news',
        creator: { userId: mallory.userId, deviceId: device(mallory).deviceId },
        publisherRule: { type: 'role', role: `publisher:${channelId}` },
        subscriberRule: { type: 'role', role: `subscriber:${channelId}` },
        keyManagerUrl,
        createdAt: Date.now(),
        creatorCertificate: await certificateOf(mallory),
      },
      device(mallory).keys.ed25519.privateKey,
    );

  beforeAll(async () => {
    ks = await startOn(backend);
    kmUrl = `${ks.service.url}/km`;
    r = await relay();
    alice = await newActor(ks.api, 'alice');
    bob = await newActor(ks.api, 'bob');
    mallory = await newActor(ks.api, 'mallory');
    channelId = (await (await clientOf(alice, false)).createChannel({ keyManagerUrl: kmUrl, name: 'Company news' })).channelId;
  });
  afterAll(async () => {
    await cleanup();
    await ks.stop();
  });

  it("a stranger's grant on an id nobody listed is refused, and the key manager gives her nothing", async () => {
    const squat = await grant(mallory, channelId, mallory.userId);
    expect([squat.status, squat.body.error?.code]).toEqual([404, 'channel_not_listed']);
    const undo = await withdraw(mallory, channelId, bob.userId);
    expect([undo.status, undo.body.error?.code]).toEqual([404, 'channel_not_listed']);
    const keys = await malloryAsks();
    expect([keys.status, keys.body.error?.code]).toEqual([403, 'role_missing']);
  });

  it('a stranger cannot list a descriptor of her own under that id, whichever key manager it names', async () => {
    for (const url of [kmUrl, 'https://km.mallory.example']) {
      const listed = await register(mallory, await mallorysDescriptor(url));
      expect([url, listed.status, listed.body.error?.code]).toEqual([url, 409, 'channel_id_taken']);
    }
    const squat = await grant(mallory, channelId, mallory.userId);
    expect([squat.status, squat.body.error?.code]).toEqual([404, 'channel_not_listed']);
    expect((await malloryAsks()).status).toBe(403);
  });

  it('once Alice lists it she owns it: she grants Bob, Mallory still cannot grant or withdraw', async () => {
    const created = await (await clientOf(alice, false)).openChannel(kmUrl, channelId);
    expect((await register(alice, created.descriptor)).status).toBe(201);
    expect((await grant(alice, channelId, bob.userId)).status).toBe(201);
    const squat = await grant(mallory, channelId, mallory.userId);
    expect([squat.status, squat.body.error?.code]).toEqual([403, 'not_channel_owner']);
    const undo = await withdraw(mallory, channelId, bob.userId);
    expect([undo.status, undo.body.error?.code]).toEqual([403, 'not_channel_owner']);
    expect((await malloryAsks()).status).toBe(403);
    const bobs = await (await clientOf(bob, true)).listChannels();
    expect(bobs.map((c) => [c.descriptor.channelId, c.subscriber, c.owner])).toEqual([[channelId, true, false]]);
  });

  it("a directory entry altered in storage — 'by Alice', certified by Mallory's key — is refused by a client that pinned Alice's key", async () => {
    const impostor = await makeDevice(alice.userId, mallory.account, 'alice-dev-impostor');
    const forged = await signDescriptor(
      provider,
      {
        v: 1,
        channelId: 'ForgedChannel000000001' as ChannelId,
        name: 'From Alice, honestly',
        creator: { userId: alice.userId, deviceId: impostor.deviceId },
        publisherRule: { type: 'role', role: 'publisher:ForgedChannel000000001' },
        subscriberRule: { type: 'role', role: 'subscriber:ForgedChannel000000001' },
        keyManagerUrl: kmUrl,
        createdAt: Date.now(),
        creatorCertificate: impostor.certificate,
      },
      impostor.keys.ed25519.privateKey,
    );
    const db = new Database(join(ks.store.dataDir, 'claims', 'roles.sqlite'));
    db.prepare('INSERT INTO directory (channel_id, creator_user_id, descriptor, created_at) VALUES (?, ?, ?, ?)').run(
      forged.channelId,
      alice.userId,
      JSON.stringify(forged),
      Date.now(),
    );
    db.close();
    const bobs = await clientOf(bob, true);
    expect((await bobs.listChannels()).map((c) => c.descriptor.channelId)).toEqual([channelId]);
    expect((await rejection(bobs.channel(forged))).code).toBe('descriptor_not_certified');
  });
});

describe('owners made by a grant in earlier versions', () => {
  it('are dropped with their grants when the grants file is opened; listed channels keep their creator', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seed-grants-'));
    try {
      const before = new RoleGrants(dir);
      before.list('ListedChannel000000001', 'alice', '{}', 1);
      before.grant('ListedChannel000000001', 'bob', 'subscriber:ListedChannel000000001');
      before.close();
      const legacy = new Database(join(dir, 'roles.sqlite'));
      legacy.prepare('INSERT INTO channel_owners (channel_id, owner_user_id, created_at) VALUES (?, ?, ?)').run('SquattedChannel0000001', 'mallory', 2);
      legacy
        .prepare('INSERT INTO grants (user_id, role, channel_id) VALUES (?, ?, ?)')
        .run('mallory', 'subscriber:SquattedChannel0000001', 'SquattedChannel0000001');
      legacy.close();
      const after = new RoleGrants(dir);
      expect(after.ownerOf('SquattedChannel0000001')).toBeUndefined();
      expect(after.rolesOf('mallory')).toEqual([]);
      expect(after.ownerOf('ListedChannel000000001')).toBe('alice');
      expect(after.rolesOf('bob')).toEqual(['subscriber:ListedChannel000000001']);
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
