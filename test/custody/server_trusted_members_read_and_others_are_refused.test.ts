/**
 * Server-trusted custody (docs/protocol.md §19.4, docs/threat-model.md "Server-trusted mode"): real clients,
 * relay and key service on SQLite and PostgreSQL, the local KMS.
 *
 * - Switching the organisation to server-trusted marks every conversation for rotation; a device whose
 *   managed policy names server-trusted custody rotates them, and the key service makes each new version
 *   with KMS GenerateDataKey, storing only the KMS ciphertext with version, time and membership head.
 *   Members read and write under it; the conversation is marked "server-managed keys".
 * - Fetches come from the cache of unwrapped data keys, not from the KMS every time (counted in kms_audit).
 * - A non-member and a removed member are refused (`not_a_member`); a device-made version is refused in
 *   server-trusted mode (`server_keys_only`); nothing is stored.
 */
import { afterEach, expect, it } from 'vitest';
import { fromBase64Url } from '../../src/common/encoding/base64url';
import { openServerKeyWrap } from '../../src/common/protocol/serverKeyWrap';
import type { DeviceId } from '../../src/common/ids';
import { apiOf, cleanup, provider, reads, say, signedInOf } from '../client/harness';
import { describeBackends } from '../server/helpers/backends';
import { codeOf, userIdOf, worldOn } from '../recovery/helpers';
import { custodyAdmin, deviceRecord, pinnedClient, serverKeyKmsCalls, serverKeyRows, withDb } from './helpers';
import { LocalKms, LOCAL_KMS_FILE } from '../../src/server/kms';
import path from 'node:path';

afterEach(cleanup);

describeBackends('server-trusted custody', (backend) => {
  it(
    'switching rotates every conversation into server-made versions; members read them, the KMS is not asked on every fetch',
    { timeout: 120_000 },
    async () => {
      const world = await worldOn(backend);
      const alice = await pinnedClient(world, 'alice', 'server-trusted');
      const bob = await pinnedClient(world, 'bob', 'server-trusted');
      const id = (await alice.createConversation({ kind: 'group', name: 'before', members: [userIdOf(bob)] })).conversationId;
      const direct = (await bob.createConversation({ kind: 'direct', members: [userIdOf(alice)] })).conversationId;
      await say(alice, id, 'made by a member device');
      expect(await alice.custody()).toMatchObject({ mode: 'zero-trust', serverKeys: 'accepted', managed: true });

      const switched = await custodyAdmin(world, 'cli:it-one')<{ mode: string; rotating: number; changed: boolean }>('server-trusted', '--reason', 'policy 4');
      expect(switched).toMatchObject({ mode: 'server-trusted', rotating: 2, changed: true });
      expect((await alice.conversations()).every((c) => c.needsRotation)).toBe(true);

      // Learning the mode rotates every conversation marked for it, through the key service.
      expect(await alice.custody()).toMatchObject({ mode: 'server-trusted', serverKeys: 'accepted' });
      expect((await alice.conversations()).map((c) => [c.needsRotation, c.currentVersion])).toEqual([
        [false, 2],
        [false, 2],
      ]);
      const rows = await serverKeyRows(world, id);
      expect(rows.map((r) => [Number(r.version), r.kms_kind])).toEqual([[2, 'local']]);
      expect(rows[0]!.membership_seq).not.toBeNull();
      expect((await serverKeyRows(world, direct)).map((r) => Number(r.version))).toEqual([2]);
      // A device-made version is refused in this mode, and nothing is stored.
      const versionsBefore = await withDb(world, (db) => db.all('SELECT version FROM key_versions WHERE conversation_id = ?', [id]));
      expect(
        await codeOf(apiOf(alice).request('submitKeyVersion', { params: { conversationId: id }, body: { record: (await deviceRecord(alice, id, 3)).record } })),
      ).toBe('server_keys_only');
      expect(await withDb(world, (db) => db.all('SELECT version FROM key_versions WHERE conversation_id = ?', [id]))).toEqual(versionsBefore);

      await say(alice, id, 'under a server-made key');
      await say(bob, id, 'bob under it too');
      await reads(bob, id, ['made by a member device', 'under a server-made key', 'bob under it too']);
      await reads(alice, id, ['bob under it too']);
      expect(signedInOf(bob).ring.facts(id, 2)).toMatchObject({ serverMade: true });

      // The key each device opened is the KMS data key stored for version 2 (the check can fail).
      const kms = LocalKms.open(path.join(world.serviceDir, LOCAL_KMS_FILE));
      const stored = await kms.decrypt(fromBase64Url(rows[0]!.kms_ciphertext), { purpose: 'seed-conversation-key', conversation: id, version: '2' });
      expect(Buffer.from(signedInOf(bob).ring.held(id, 2)!).equals(Buffer.from(stored))).toBe(true);

      // Two generate calls (two conversations); the fetches were answered from the cache.
      expect(await serverKeyKmsCalls(world)).toEqual({ generate: 2, decrypt: 0 });

      // Each fetch is a fresh wrap for the calling device only: bob's wrap does not open as alice's.
      const served = await apiOf(bob).request('getServerKey', { params: { conversationId: id, version: 2 } });
      const aliceDevice = signedInOf(alice).identity;
      expect(
        await codeOf(
          openServerKeyWrap(provider, {
            conversationId: id,
            version: 2,
            wrap: served.wrap,
            deviceId: aliceDevice.deviceId as DeviceId,
            privateKey: aliceDevice.device.x25519.privateKey,
            xwingPrivateKey: aliceDevice.device.xwing!.privateKey,
          }),
        ),
      ).toBe('bad_tag');
    },
  );

  it('a non-member and a removed member are refused; the removal rotates into a version the removed member cannot fetch', { timeout: 120_000 }, async () => {
    const world = await worldOn(backend);
    const alice = await pinnedClient(world, 'alice', 'server-trusted');
    const bob = await pinnedClient(world, 'bob', 'server-trusted');
    const carol = await pinnedClient(world, 'carol', 'server-trusted');
    await custodyAdmin(world, 'cli:it-one')('server-trusted', '--reason', 'policy');
    await alice.custody();
    const id = (await alice.createConversation({ kind: 'group', name: 'server made', members: [userIdOf(bob)] })).conversationId;
    expect((await serverKeyRows(world, id)).map((r) => Number(r.version))).toEqual([1]);
    await say(alice, id, 'for members');
    await reads(bob, id, ['for members']);

    // Not a member: no key, neither by fetch nor by rotation.
    expect(await codeOf(apiOf(carol).request('getServerKey', { params: { conversationId: id, version: 1 } }))).toBe('not_a_member');
    expect(await codeOf(apiOf(carol).request('rotateServerKey', { params: { conversationId: id } }))).toBe('not_a_member');
    expect((await serverKeyRows(world, id)).map((r) => Number(r.version))).toEqual([1]);

    // Removed: the removal rotates (a server-made version 2), and bob gets neither version any more.
    await alice.removeMember(id, userIdOf(bob));
    expect((await serverKeyRows(world, id)).map((r) => Number(r.version))).toEqual([1, 2]);
    for (const version of [1, 2]) {
      expect(await codeOf(apiOf(bob).request('getServerKey', { params: { conversationId: id, version } }))).toBe('not_a_member');
    }
    expect(await codeOf(apiOf(bob).request('rotateServerKey', { params: { conversationId: id } }))).toBe('not_a_member');
    await say(alice, id, 'after bob left');
    expect((await alice.conversations()).find((c) => c.conversationId === id)?.currentVersion).toBe(2);

    // An added member reads from the versions the history policy gives (shared: all), with no wrap from a device.
    await alice.addMember(id, userIdOf(carol));
    await reads(carol, id, ['for members', 'after bob left']);
  });
});
