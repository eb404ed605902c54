/**
 * The channel key cache (docs/broadcast.md §9) against the key service (claims, directory, default key
 * manager) and the relay: Bob reads a channel, quits, is revoked, and a new service over the same profile
 * directory still reads the message he could read (a fresh profile cannot); the cache file is owner-only
 * and holds only wraps; a cache entry whose bytes were changed, one forged by wrapping another key to
 * Bob's public device key, and a file that does not parse are each ignored with a typed error; unfollow
 * deletes the channel's cache.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '../../src/common/encoding/base64url';
import type { ChannelId, DeviceId } from '../../src/common/ids';
import { wrapKey } from '../../src/common/protocol/keyWrap';
import { createBroadcastClient } from '../../src/client/broadcast/broadcastClient';
import { BroadcastService } from '../../src/client/broadcast/broadcastService';
import type { ChannelKeyCacheError } from '../../src/client/broadcast/channelKeyCache';
import { sessionRequester } from '../../src/client/broadcast/keyServiceSession';
import { certifiedDevice, keyServiceClaims, keyServiceDirectory } from '../../src/client/broadcast/keyServiceDirectory';
import { device, type Actor } from '../server/helpers/actors';
import { startOn, type Running } from '../server/helpers/service';
import { cleanup, pinnedKeys, provider, pubnubFor, relay, tempDir, keyServiceActor, xwingKeyOf } from './harness';

interface CacheFile {
  keys: { version: number; publicKey: string; wrap: { deviceId: string; enc: string; ct: string }; mac: string }[];
}

describe('a revoked reader keeps cached channel keys across a restart', () => {
  let ks: Running;
  let r: Awaited<ReturnType<typeof relay>>;
  let alice: Actor;
  let bob: Actor;

  const serviceOf = async (actor: Actor, keyCacheDir?: string, errors: ChannelKeyCacheError[] = []) => {
    const keyService = sessionRequester({ url: ks.service.url, accessToken: async () => device(actor).token });
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
      accountKeys: pinnedKeys(() => [alice, bob]),
      directory: keyServiceDirectory(keyService),
      pubnub: pubnubFor(r, actor.userId),
      ...(keyCacheDir === undefined ? {} : { keyCacheDir, onKeyCacheError: (e: ChannelKeyCacheError) => errors.push(e) }),
    });
    return new BroadcastService(client);
  };

  /** A new run of Bob's app over `dir`: follows, opens everything, stops; answers what it read and reported. */
  const bobRun = async (dir: string, id: string) => {
    const errors: ChannelKeyCacheError[] = [];
    const service = await serviceOf(bob, dir, errors);
    await service.follow(id);
    const read = (await service.open(id)).map((m) => [m.state, m.text ?? m.errorCode]);
    service.dispose();
    return { read, errors: errors.map((e) => e.code) };
  };

  beforeAll(async () => {
    ks = await startOn('sqlite');
    r = await relay();
    alice = await keyServiceActor(ks.api, 'alice');
    bob = await keyServiceActor(ks.api, 'bob');
  });
  afterAll(async () => {
    await cleanup();
    await ks.stop();
  });

  it('restart after revocation, tampering, forging, unfollow', async () => {
    const a = await serviceOf(alice);
    const id = await a.create({ keyManagerUrl: `${ks.service.url}/km`, name: 'Board' });
    await a.setRole(id, bob.userId, 'subscriber', true);
    await a.publish(id, 'before');

    const bobDir = tempDir();
    const cacheDir = join(bobDir, 'broadcast-keys', device(bob).deviceId);
    const cacheFile = join(cacheDir, `${id}.json`);
    expect(await bobRun(bobDir, id)).toEqual({ read: [['opened', 'before']], errors: [] });
    expect(statSync(cacheFile).mode & 0o777).toBe(0o600);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const good = readFileSync(cacheFile, 'utf8');
    const parsed = JSON.parse(good) as CacheFile & Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(['channelId', 'deviceId', 'keyManagerUrl', 'keys', 'v']);
    expect(parsed.keys.map((k) => [k.version, Object.keys(k).sort(), k.wrap.deviceId])).toEqual([
      [1, ['mac', 'publicKey', 'version', 'wrap'], device(bob).deviceId],
    ]);

    expect(await a.revoke(id, bob.userId)).toBe(2);
    await a.publish(id, 'after');

    expect(await bobRun(bobDir, id)).toEqual({
      read: [
        ['opened', 'before'],
        ['failed', 'subscriber_revoked'],
      ],
      errors: [],
    });
    expect(await bobRun(tempDir(), id)).toEqual({
      read: [
        ['failed', 'subscriber_revoked'],
        ['failed', 'subscriber_revoked'],
      ],
      errors: [],
    });

    const entry = parsed.keys[0]!;
    const flipped = `${entry.wrap.ct.slice(0, 10)}${entry.wrap.ct[10] === 'A' ? 'B' : 'A'}${entry.wrap.ct.slice(11)}`;
    writeFileSync(cacheFile, JSON.stringify({ ...parsed, keys: [{ ...entry, wrap: { ...entry.wrap, ct: flipped } }] }));
    expect(await bobRun(bobDir, id)).toEqual({
      read: [
        ['failed', 'subscriber_revoked'],
        ['failed', 'subscriber_revoked'],
      ],
      errors: ['key_cache_tampered'],
    });

    const mallory = await provider.x25519GenerateKeyPair();
    const forged = await wrapKey(provider, {
      purpose: 'channel',
      scopeId: id,
      version: 1,
      recipientDeviceId: device(bob).deviceId as DeviceId,
      recipientPublicKey: device(bob).keys.x25519.publicKey,
      recipientXWingPublicKey: device(bob).keys.xwing!.publicKey,
      key: mallory.privateKey,
    });
    const forgedEntry = { version: 1, publicKey: toBase64Url(mallory.publicKey), wrap: forged, mac: toBase64Url(provider.randomBytes(32)) };
    writeFileSync(cacheFile, JSON.stringify({ ...parsed, keys: [forgedEntry] }));
    expect(await bobRun(bobDir, id)).toEqual({
      read: [
        ['failed', 'subscriber_revoked'],
        ['failed', 'subscriber_revoked'],
      ],
      errors: ['key_cache_tampered'],
    });

    writeFileSync(cacheFile, JSON.stringify({ ...parsed, channelId: 'OtherChannel00000001' as ChannelId }));
    expect((await bobRun(bobDir, id)).errors).toEqual(['key_cache_tampered']);
    writeFileSync(cacheFile, '{"v":1,');
    expect((await bobRun(bobDir, id)).errors).toEqual(['key_cache_unreadable']);

    writeFileSync(cacheFile, good, { mode: 0o600 });
    const b = await serviceOf(bob, bobDir);
    await b.follow(id);
    expect((await b.open(id)).map((m) => m.text ?? m.errorCode)).toEqual(['before', 'subscriber_revoked']);
    await b.unfollow(id);
    expect(existsSync(cacheFile)).toBe(false);
    await b.follow(id);
    expect((await b.open(id)).map((m) => m.text ?? m.errorCode)).toEqual(['before', 'subscriber_revoked']);
    expect(readFileSync(cacheFile, 'utf8')).toBe(good);
    await b.unfollow(id);
    b.dispose();
    expect(existsSync(cacheFile)).toBe(false);
    expect((await bobRun(bobDir, id)).read).toEqual([
      ['failed', 'subscriber_revoked'],
      ['failed', 'subscriber_revoked'],
    ]);
    a.dispose();
  });
});
